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
}
