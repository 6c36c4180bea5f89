package io.lvmcoord.scan.codec;

import com.typesafe.config.Config;

/** Reads {@code lvmcoord.codec} (see reference.conf) into {@link DecodeLimits}. */
public final class CodecSettings {
    private CodecSettings() {
    }

    public static DecodeLimits limits(Config config) {
        Config c = config.getConfig("lvmcoord.codec");
        long maxText = c.getBytes("max-text-bytes");
        if (maxText > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("lvmcoord.codec.max-text-bytes must be below 2 GiB, got " + maxText);
        }
        return new DecodeLimits((int) maxText, c.getInt("max-parse-depth"));
    }
}
