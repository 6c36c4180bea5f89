package io.lvmcoord.scan.codec;

import com.typesafe.config.Config;
import io.lvmcoord.scan.metadata.TextLimits;

/** Reads {@code lvmcoord.codec} (see reference.conf) into {@link DecodeLimits}. */
public final class CodecSettings {
    private CodecSettings() {
    }

    public static DecodeLimits limits(Config config) {
        Config c = config.getConfig("lvmcoord.codec");
        long maxText = c.getBytes("max-text-bytes");
        if (maxText <= 0 || maxText > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("lvmcoord.codec.max-text-bytes must be between 1 byte and 2 GiB, got " + maxText);
        }
        int depth = c.getInt("max-parse-depth");
        if (depth <= 0 || depth > 1024) {
            // Each level is a few stack frames of the recursive parser; beyond ~1000 a thread's stack is at risk.
            throw new IllegalArgumentException("lvmcoord.codec.max-parse-depth must be between 1 and 1024, got " + depth);
        }
        return new DecodeLimits((int) maxText, new TextLimits(depth, count(c, "max-text-nodes"), count(c, "max-pvs-per-vg"),
                count(c, "max-lvs-per-vg"), count(c, "max-segments-per-vg"), count(c, "max-areas-per-segment")));
    }

    /** A count cap where 0 means off. */
    private static int count(Config c, String key) {
        long v = c.getLong(key);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("lvmcoord.codec." + key + " must be between 0 (off) and " + Integer.MAX_VALUE + ", got " + v);
        }
        return v == 0 ? TextLimits.UNLIMITED : (int) v;
    }
}
