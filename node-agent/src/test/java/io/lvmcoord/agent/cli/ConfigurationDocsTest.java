package io.lvmcoord.agent.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The settings as documented (agent --help, the README's configuration table,
 * packaging/lvmcoord.conf.example) against the settings the reference.conf files define, so
 * that neither a new key nor a renamed one goes undocumented.
 */
class ConfigurationDocsTest {

    private static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("packaging/lvmcoord.conf.example"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no packaging/lvmcoord.conf.example above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** Every leaf key under lvmcoord. of the merged defaults the agent starts from. */
    private static Set<String> referenceKeys() {
        // The reference.conf files alone: defaultReference() also carries -D system properties (surefire's lvmcoord.repo.root).
        return ConfigFactory.parseResources("reference.conf").resolve(ConfigResolveOptions.noSystem().setAllowUnresolved(true))
                .getConfig("lvmcoord").entrySet().stream()
                .map(e -> "lvmcoord." + e.getKey()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String agentHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = LvmcoordCli.run(new String[]{"agent", "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void agentHelpNamesEveryReferenceKeyWithItsDefault() {
        String help = agentHelp();
        Config defaults = ConfigFactory.defaultReference(); // resolved: env unset in the test JVM for these keys
        Set<String> keys = referenceKeys();
        assertTrue(keys.size() > 80, "only " + keys.size() + " keys: " + keys);
        for (String key : keys) {
            assertTrue(help.contains("\n  " + key + " ="), key + " missing from agent --help:\n" + help);
        }
        assertTrue(help.contains("\n  lvmcoord.agent.transport = \"tls-tcp\"\n"), help);
        assertTrue(help.contains("\n  lvmcoord.persistence.max-connections = 8\n"), help);
        assertEquals("tls-tcp", defaults.getString("lvmcoord.agent.transport"));
    }

    @Test
    void agentHelpNamesEveryEnvironmentVariableTheCodeReads() throws IOException {
        String help = agentHelp();
        Path root = repo();
        Set<String> variables = new TreeSet<>();
        Pattern fromConf = Pattern.compile("\\$\\{\\?([A-Za-z_][A-Za-z0-9_]*)}");
        Pattern fromJava = Pattern.compile("getenv\\(\"([A-Za-z_][A-Za-z0-9_]*)\"\\)|env\\.get\\(\"([A-Za-z_][A-Za-z0-9_]*)\"\\)"
                + "|_ENV = \"([A-Za-z_][A-Za-z0-9_]*)\"");
        for (String module : List.of("persistence", "scan-actors", "coordinator", "node-agent")) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String name = f.getFileName().toString();
                    if (name.equals("reference.conf")) {
                        fromConf.matcher(Files.readString(f)).results().forEach(m -> variables.add(m.group(1)));
                    } else if (name.endsWith(".java")) {
                        String text = Files.readString(f);
                        // env.get("X") is the process environment only where the file passes System.getenv() on (not a uevent's).
                        boolean passesEnvironment = text.contains("System.getenv()");
                        Matcher m = fromJava.matcher(text);
                        while (m.find()) {
                            for (int g = 1; g <= 3; g++) {
                                if (m.group(g) != null && (g != 2 || passesEnvironment)) {
                                    variables.add(m.group(g));
                                }
                            }
                        }
                    }
                }
            }
        }
        // What the persistence module and the socket default read, at least: the scan must have found them.
        assertTrue(variables.containsAll(List.of("LVMCOORD_PG_URL", "LVMCOORD_JOURNAL_PROFILE", "XDG_RUNTIME_DIR", "LVM_SYSTEM_DIR")),
                variables.toString());
        for (String v : variables) {
            assertTrue(help.contains(v), v + " missing from agent --help");
        }
        assertTrue(help.contains("\n  lvmcoord.persistence.postgres.url =\n    \"jdbc:postgresql://localhost:5432/lvmcoord\"  [env LVMCOORD_PG_URL]\n"),
                help);
        assertTrue(help.contains("\n  lvmcoord.persistence.profile = \"h2\"  [env LVMCOORD_JOURNAL_PROFILE]\n"), help);
    }

    @Test
    void footerForManPagesCarriesTheSettingsWithPercentSignsEscaped() {
        picocli.CommandLine.Model.CommandSpec spec = new picocli.CommandLine(new AgentCommand()).getCommandSpec();
        List<String> footer = List.of(AgentCommand.footerWithSettings(spec));
        assertTrue(footer.contains("  lvmcoord.persistence.profile = \"h2\"  [env LVMCOORD_JOURNAL_PROFILE]"), footer.toString());
        assertTrue(footer.stream().noneMatch(l -> l.matches(".*[^%]%[^%n].*")), "an unescaped % in " + footer);
        assertEquals(List.of(spec.usageMessage().footer()), footer.subList(0, spec.usageMessage().footer().length));
    }

    /** The README's configuration table: its first column's keys, `a.b.c` / `d` meaning a.b.c and a.b.d. */
    private static List<String> readmeTableKeys() throws IOException {
        List<String> lines = Files.readAllLines(repo().resolve("README.md"));
        int start = lines.indexOf("## Configuration");
        assertTrue(start >= 0, "README has no ## Configuration section");
        List<String> keys = new ArrayList<>();
        Pattern code = Pattern.compile("`([^`]+)`");
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("#")) {
                break;
            }
            if (!line.startsWith("| `")) {
                continue;
            }
            String cell = line.split("\\|")[1];
            String parent = null;
            Matcher m = code.matcher(cell);
            while (m.find()) {
                String k = m.group(1);
                if (parent == null) {
                    parent = k.substring(0, k.lastIndexOf('.') + 1);
                    keys.add(k);
                } else {
                    keys.add(parent + k);
                }
            }
        }
        return keys;
    }

    @Test
    void readmeConfigurationTableDocumentsEveryKeyOnceAndNoOtherKey() throws IOException {
        List<String> documented = readmeTableKeys();
        Set<String> seen = new HashSet<>();
        List<String> twice = documented.stream().filter(k -> !seen.add(k)).toList();
        assertEquals(List.of(), twice, "keys listed twice in the README's configuration table");
        Config reference = ConfigFactory.defaultReference();
        List<String> unknown = documented.stream().filter(k -> !reference.hasPathOrNull(k)).toList();
        assertEquals(List.of(), unknown, "README documents keys no reference.conf has");
        // A documented object (a Pekko dispatcher block) covers the keys under it.
        List<String> undocumented = referenceKeys().stream()
                .filter(k -> documented.stream().noneMatch(d -> k.equals(d) || k.startsWith(d + ".")))
                .toList();
        assertEquals(List.of(), undocumented, "reference.conf keys missing from the README's configuration table");
    }

    @Test
    void configExampleSetsOnlyKnownKeysToTheirDefaults() {
        Config example = ConfigFactory.parseFile(repo().resolve("packaging/lvmcoord.conf.example").toFile())
                .resolve(ConfigResolveOptions.noSystem());
        Config defaults = ConfigFactory.defaultReference().getConfig("lvmcoord");
        Map<String, String> differ = new java.util.TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : example.getConfig("lvmcoord").entrySet()) {
            String key = e.getKey();
            String ours = render(e.getValue());
            String theirs = defaults.hasPathOrNull(key) ? render(defaults.getValue(key)) : "(no such key)";
            if (!ours.equals(theirs)) {
                differ.put("lvmcoord." + key, ours + " vs default " + theirs);
            }
        }
        assertEquals(Map.of(), differ, "the example says its uncommented values are the defaults");
        assertTrue(example.hasPath("lvmcoord.agent.cluster-host"), "the example must show cluster-host (127.0.0.1 unless set)");
    }

    private static String render(ConfigValue v) {
        // on/true and "8"/8 are the same setting: compare what the settings classes read.
        String s = v.unwrapped().toString();
        return switch (s) {
            case "on", "yes" -> "true";
            case "off", "no" -> "false";
            default -> s;
        };
    }
}
