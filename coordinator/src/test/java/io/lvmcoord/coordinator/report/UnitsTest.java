package io.lvmcoord.coordinator.report;

import org.junit.jupiter.api.Test;

import java.util.List;

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
    void unitsLvm2CannotReadAreRefusedInItsWords() {
        // lvm2 says no more than this for any of them (lvmcmdline.c), and exits 3.
        for (String bad : List.of("x", "", "4", "kk", "0k", "1.5", "k4", "16e", "0.5h")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parse(bad, false), bad);
            assertEquals("Invalid units specification", e.getMessage(), bad);
        }
    }

    @Test
    void aNumberBeforeTheLetterDividesByThatManyUnitsAndPrintsU() {
        // 120 MiB in units of 4 KiB is 30720; of 3 MiB 40; of 3 MB 41.94...
        assertEquals("30720.00U", Units.parse("4k", false).format(120 * MIB));
        assertEquals("40.00U", Units.parse("3m", false).format(120 * MIB));
        assertEquals("41.94U", Units.parse("3M", false).format(120 * MIB));
        assertEquals("122880.00U", Units.parse("2s", false).format(120 * MIB));
        assertEquals("30720.00", Units.parse("4k", true).format(120 * MIB));
        assertEquals("0U", Units.parse("4k", false).format(0));
    }

    @Test
    void onlyTheIntegerPartDecidesTheSuffixAsInLvm2() {
        // 1.5k: integer part 1, so the letter k stays, but the factor is 1536 bytes.
        assertEquals("81920.00k", Units.parse("1.5k", false).format(120 * MIB));
        // 10.25m: integer part 10, a custom unit of 10.25 MiB.
        assertEquals("11.71U", Units.parse("10.25m", false).format(120 * MIB));
        // 1.0k and 1k are plain kibibytes.
        assertEquals(Units.parse("k", false), Units.parse("1.0k", false));
    }

    @Test
    void aNumberBeforeAHumanUnitIsIgnored() {
        assertEquals(Units.parse("h", false), Units.parse("4h", false));
        assertEquals(Units.parse("R", false), Units.parse("7R", false));
    }

    /** A label's u64 device size past 2^63 arrives as a negative long; lvm2 prints it unsigned. */
    @Test
    void sizesPast2To63PrintUnsignedAsLvm2PrintsItsUint64() {
        assertEquals("9223372036854775808B", new Units('b', true).format(Long.MIN_VALUE));
        assertEquals("18014398509481984S", new Units('s', true).format(Long.MIN_VALUE));
        assertEquals("8.00e", Units.DEFAULT.format(Long.MIN_VALUE));
        assertEquals("8192.00p", new Units('p', true).format(Long.MIN_VALUE));
    }
}
