package io.lvmcoord.scan.codec;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CodecSettingsTest {
    @Test
    void referenceConfDefaultsMatchTheBuiltInLimits() {
        assertEquals(DecodeLimits.DEFAULT, CodecSettings.limits(ConfigFactory.load()));
    }

    @Test
    void overridesAcceptSizeUnitsAndRefuseTwoGigabytes() {
        DecodeLimits l = CodecSettings.limits(ConfigFactory.parseString("lvmcoord.codec.max-text-bytes = 1MiB").withFallback(ConfigFactory.load()));
        assertEquals(1 << 20, l.maxTextBytes());
        assertThrows(IllegalArgumentException.class, () -> CodecSettings.limits(
                ConfigFactory.parseString("lvmcoord.codec.max-text-bytes = 3GiB").withFallback(ConfigFactory.load())));
    }

    @Test
    void countCapsAreReadFromTheConfigAndZeroTurnsThemOff() {
        DecodeLimits l = CodecSettings.limits(ConfigFactory.parseString(
                "lvmcoord.codec { max-parse-depth = 9, max-text-nodes = 100, max-pvs-per-vg = 0, max-lvs-per-vg = 7, "
                        + "max-segments-per-vg = 8, max-areas-per-segment = 0 }").withFallback(ConfigFactory.load()));
        assertEquals(new io.lvmcoord.scan.metadata.TextLimits(9, 100, Integer.MAX_VALUE, 7, 8, Integer.MAX_VALUE), l.text());
        assertThrows(IllegalArgumentException.class, () -> CodecSettings.limits(
                ConfigFactory.parseString("lvmcoord.codec.max-lvs-per-vg = -1").withFallback(ConfigFactory.load())));
        assertThrows(IllegalArgumentException.class, () -> CodecSettings.limits(
                ConfigFactory.parseString("lvmcoord.codec.max-parse-depth = 0").withFallback(ConfigFactory.load())));
    }
}
