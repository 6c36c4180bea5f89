package io.lvmcoord.coordinator.assembly;

import com.typesafe.config.Config;

/**
 * {@code lvmcoord.assembly} (see reference.conf).
 *
 * @param minPvBytes devices smaller than this are ignored, as lvm2's pv_min_size
 */
public record AssemblySettings(long minPvBytes) {
    public AssemblySettings {
        if (minPvBytes < 0) {
            throw new IllegalArgumentException("lvmcoord.assembly.min-pv-size must not be negative, got " + minPvBytes);
        }
    }

    public static AssemblySettings from(Config config) {
        return new AssemblySettings(config.getConfig("lvmcoord.assembly").getBytes("min-pv-size"));
    }
}
