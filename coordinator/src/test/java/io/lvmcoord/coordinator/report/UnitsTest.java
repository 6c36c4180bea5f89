package io.lvmcoord.coordinator.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UnitsTest {
    private static final long MIB = 1 << 20;

    @Test
    void humanUnitsMarkValuesThatTwoDecimalsRoundDown() {
        Units r = Units.DEFAULT;
        assertEquals("31.00m", r.format(31 * MIB));
        assertEquals("<1.95g", r.format(1996 * MIB));
        assertEquals("0 ", r.format(0));
        assertEquals("512b", r.format(512));
    }

    @Test
    void plainHumanUnitsDoNotMarkRounding() {
        assertEquals("1.95g", new Units('h', true).format(1996 * MIB));
    }

    @Test
    void exactTiesRoundHalfToEvenLikeGlibc() {
        // 1.125 GiB is exactly representable: glibc prints 1.12, String.format would print 1.13.
        assertEquals("1.12g", new Units('h', true).format(1152 * MIB));
        assertEquals("1.38g", new Units('h', true).format(1408 * MIB));
    }

    @Test
    void bytesAndSectorsAreIntegersAndSuffixIsOptional() {
        assertEquals("125829120B", new Units('b', true).format(120 * MIB));
        assertEquals("125829120", new Units('b', false).format(120 * MIB));
        assertEquals("245760S", new Units('s', true).format(120 * MIB));
        assertEquals("0", new Units('b', false).format(0));
    }

    @Test
    void upperCaseUnitsArePowersOfAThousand() {
        assertEquals("1.05M", new Units('M', true).format(MIB));
        assertEquals("1024.00k", new Units('k', true).format(MIB));
        assertEquals("1.00", new Units('m', false).format(MIB));
    }

    @Test
    void humanUnitsKeepTheirSuffixEvenWithNosuffix() {
        assertEquals("8.00m", Units.parse("h", true).format(8 * MIB));
    }

    @Test
    void unknownUnitIsRefusedWithTheAcceptedLetters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parse("x", false));
        assertEquals("Invalid units specification 'x': use one of hHbBsSkKmMgGtTpPeErR", e.getMessage());
    }
}
