package io.lvmcoord.agent.autoact;

import com.typesafe.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code lvmcoord.agent.on-vg-complete} (see reference.conf): the autoactivation hook's command,
 * timeout, latch directory and limits.
 */
public record OnVgCompleteSettings(List<String> command, Duration timeout, Path latchDir, int maxParallel, int maxOutput) {

    static final String VG = "{vg}";
    static final String VG_UUID = "{vg_uuid}";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^{}]*}");

    public OnVgCompleteSettings {
        command = List.copyOf(command);
        String key = "lvmcoord.agent.on-vg-complete.";
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(key + "timeout must be positive, got " + timeout);
        }
        if (!latchDir.isAbsolute()) {
            throw new IllegalArgumentException(key + "latch-dir must be an absolute path, got \"" + latchDir + "\"");
        }
        if (maxParallel < 1) {
            throw new IllegalArgumentException(key + "max-parallel must be at least 1, got " + maxParallel);
        }
        if (maxOutput < 0) {
            throw new IllegalArgumentException(key + "max-output must not be negative, got " + maxOutput);
        }
        if (!command.isEmpty() && command.get(0).isBlank()) {
            throw new IllegalArgumentException(key + "command must start with the program to run, got " + command);
        }
        for (String arg : command) {
            Matcher m = PLACEHOLDER.matcher(arg);
            while (m.find()) {
                if (!m.group().equals(VG) && !m.group().equals(VG_UUID)) {
                    throw new IllegalArgumentException(key + "command argument \"" + arg + "\" has " + m.group()
                            + ": only " + VG + " and " + VG_UUID + " are replaced");
                }
            }
        }
    }

    /** Whether a command is configured (off by default). */
    public boolean enabled() {
        return !command.isEmpty();
    }

    /** The command for one VG: the placeholders of every argument replaced. */
    public List<String> argv(String vgName, String vgUuid) {
        return command.stream().map(a -> a.replace(VG, vgName).replace(VG_UUID, vgUuid)).toList();
    }

    public static OnVgCompleteSettings from(Config config) {
        Config c = config.getConfig("lvmcoord.agent.on-vg-complete");
        long maxOutput = c.getBytes("max-output");
        if (maxOutput > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("lvmcoord.agent.on-vg-complete.max-output is too large: " + maxOutput);
        }
        return new OnVgCompleteSettings(c.getStringList("command"), c.getDuration("timeout"), Path.of(c.getString("latch-dir")),
                c.getInt("max-parallel"), (int) maxOutput);
    }
}
