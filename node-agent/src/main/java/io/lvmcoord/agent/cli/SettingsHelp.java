package io.lvmcoord.agent.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import io.lvmcoord.scan.lvmconf.LvmDefaults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings section of {@code agent --help}, read from the {@code reference.conf} files on
 * the classpath rather than kept by hand, so that a key added to a module's defaults shows up
 * here with its comment: each {@code lvmcoord.*} key in file order, its default, the environment
 * variable that sets it (a {@code key = ${?VAR}} line) and the first sentence of its comment.
 * Keys without a comment of their own belong to the commented key above them (reference.conf
 * groups them so).
 */
final class SettingsHelp {

    /** One setting of a reference.conf: its HOCON path, default, environment variable (if any), and comment. */
    record Setting(String key, String defaultValue, Optional<String> envVariable, String comment, String resource, int line) {
    }

    /**
     * Environment variables read outside reference.conf, by the code or the launcher (the
     * launcher's own are read by bin/lvmcoord, not the JVM).
     */
    static final Map<String, String> OTHER_ENVIRONMENT = Map.of(
            LvmDefaults.SYSTEM_DIR_ENV, "lvm2's configuration directory (lvm.conf: system ID, filters, devices file, activation), as lvm2 reads it; "
                    + "default /etc/lvm",
            "XDG_RUNTIME_DIR", "where a non-root agent's default socket goes ($XDG_RUNTIME_DIR/lvmcoord.sock)",
            "LVMCOORD_JAVA_OPTS", "JVM options bin/lvmcoord adds after its own (e.g. -Xmx1g); the last of a repeated option wins");

    private static final Pattern ENV = Pattern.compile("\\$\\{\\?([A-Za-z_][A-Za-z0-9_]*)}");

    private SettingsHelp() {
    }

    /** Every {@code lvmcoord.*} leaf setting of the reference.conf files the class loader sees, per file in file order. */
    static List<Setting> settings() {
        List<Setting> all = new ArrayList<>();
        try {
            for (URL url : Collections.list(SettingsHelp.class.getClassLoader().getResources("reference.conf"))) {
                Config raw = ConfigFactory.parseURL(url);
                if (!raw.hasPathOrNull("lvmcoord")) {
                    continue;
                }
                // Defaults as written: an unset ${?VAR} falls back to the line before it, the environment is not consulted.
                Config defaults = raw.resolve(ConfigResolveOptions.noSystem().setAllowUnresolved(true));
                List<Setting> ofFile = new ArrayList<>();
                collect(raw.getObject("lvmcoord"), "lvmcoord", defaults, url.toString(), ofFile);
                ofFile.sort(Comparator.comparingInt(Setting::line));
                all.addAll(ofFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the reference.conf files on the classpath", e);
        }
        return all;
    }

    private static void collect(ConfigObject object, String prefix, Config defaults, String resource, List<Setting> into) {
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            String key = prefix + "." + e.getKey();
            ConfigValue raw = e.getValue();
            if (raw instanceof ConfigObject child) {
                collect(child, key, defaults, resource, into);
                continue;
            }
            Matcher env = ENV.matcher(raw.render(ConfigRenderOptions.concise()));
            String value = defaults.hasPathOrNull(key) ? defaults.getValue(key).render(ConfigRenderOptions.concise()) : "";
            into.add(new Setting(key, value, env.find() ? Optional.of(env.group(1)) : Optional.empty(),
                    String.join(" ", raw.origin().comments().stream().map(String::strip).toList()), resource, raw.origin().lineNumber()));
        }
    }

    /**
     * The first sentence of a comment (up to ". "), with the next one when it is a mere
     * qualifier ("H2 only."): help lists, reference.conf explains.
     */
    static String firstSentence(String comment) {
        int end = comment.indexOf(". ");
        while (end >= 0 && end < 20) {
            end = comment.indexOf(". ", end + 2);
        }
        String s = end < 0 ? comment : comment.substring(0, end + 1);
        return s.length() > 240 ? s.substring(0, 237) + "..." : s;
    }

    /** {@code text} in lines of at most {@link #WIDTH} columns, each after {@code indent} (picocli's own wrap loses it). */
    static List<String> wrap(String text, String indent) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
                out.add(line.toString());
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        out.add(line.toString());
        return out;
    }

    /** Narrower than picocli's 80-column usage width, so it never re-wraps these lines. */
    static final int WIDTH = 79;

    /** The help section: one entry per setting, then the environment read elsewhere. */
    static List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.addAll(wrap("Settings (HOCON key = default [environment variable]): set them in --config FILE; the flags above "
                + "override the file, the file overrides the environment. Each module's reference.conf explains them in full.", ""));
        for (Setting s : settings()) {
            // Not wrapped here: a key and its default stay on one line (grep finds them) unless picocli must break it.
            // A key stays whole on its line (grep finds it); a default too long to follow it gets a line of its own.
            String env = s.envVariable().map(v -> "  [env " + v + "]").orElse("");
            String line = "  " + s.key() + " = " + s.defaultValue();
            if (line.length() + env.length() <= WIDTH) {
                lines.add(line + env);
            } else if (line.length() <= WIDTH) {
                lines.add(line);
                lines.add("    " + env.strip());
            } else {
                lines.add("  " + s.key() + " =");
                lines.add("    " + s.defaultValue() + env);
            }
            if (!s.comment().isEmpty()) {
                lines.addAll(wrap(firstSentence(s.comment()), "      "));
            }
        }
        lines.add("");
        lines.add("Environment read besides the settings above:");
        OTHER_ENVIRONMENT.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> lines.addAll(wrap(e.getKey() + "  " + e.getValue(), "  ")));
        return lines;
    }
}
