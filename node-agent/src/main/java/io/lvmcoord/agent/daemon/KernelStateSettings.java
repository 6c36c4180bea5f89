package io.lvmcoord.agent.daemon;

import com.typesafe.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code lvmcoord.agent.kernel-state} (see reference.conf): where the agent reads its host's
 * device-mapper state, and how often.
 *
 * @param recording a capture's {@code dm/} folder, read instead of the kernel (null with {@link Source#KERNEL})
 * @param sysfsRoot the sysfs the live reader looks under ({@code /sys}; tests point it elsewhere)
 * @param reconcile the slow re-read that catches what no uevent announced (statuses included)
 * @param debounce  how long dm uevents are gathered before one read
 */
public record KernelStateSettings(Source source, Path recording, Path sysfsRoot, Duration reconcile, Duration debounce) {

    /** The live kernel, or a recording (support, tests). */
    public enum Source { KERNEL, RECORDING }

    public KernelStateSettings {
        if (source == Source.RECORDING && recording == null) {
            throw new IllegalArgumentException("lvmcoord.agent.kernel-state.source = recording needs kernel-state.recording (a dm/ folder)");
        }
        if (reconcile.isNegative() || reconcile.isZero()) {
            throw new IllegalArgumentException("lvmcoord.agent.kernel-state.reconcile-interval must be > 0, got " + reconcile);
        }
        if (debounce.isNegative()) {
            throw new IllegalArgumentException("lvmcoord.agent.kernel-state.debounce must be >= 0, got " + debounce);
        }
    }

    public static KernelStateSettings from(Config config) {
        Config c = config.getConfig("lvmcoord.agent.kernel-state");
        String s = c.getString("source").strip().toLowerCase(Locale.ROOT);
        Source source = switch (s) {
            case "kernel" -> Source.KERNEL;
            case "recording" -> Source.RECORDING;
            default -> throw new IllegalArgumentException("lvmcoord.agent.kernel-state.source must be kernel or recording, got \"" + s + "\"");
        };
        String rec = c.getString("recording").strip();
        return new KernelStateSettings(source, rec.isEmpty() ? null : Path.of(rec), Path.of(c.getString("sysfs-root")),
                c.getDuration("reconcile-interval"), c.getDuration("debounce"));
    }
}
