package io.lvmcoord.coordinator.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** libdevmapper's percentages as lvm2 prints them: made exact only when exact, nudged off 0.00 and 100.00, rounded as C's printf. */
class KernelPercentTest {

    @Test
    void aFractionPrintsWithTwoDecimals() {
        assertEquals("12.11", KernelStatus.Percent.render(KernelStatus.Percent.of(31, 256)), "31/256 = 12.109375%");
        assertEquals("33.33", KernelStatus.Percent.render(KernelStatus.Percent.of(1, 3)));
        assertEquals("6.25", KernelStatus.Percent.render(KernelStatus.Percent.of(128, 2048)));
    }

    @Test
    void onlyExactValuesPrintAsZeroOrHundred() {
        assertEquals("0.00", KernelStatus.Percent.render(KernelStatus.Percent.of(0, 5)));
        assertEquals("100.00", KernelStatus.Percent.render(KernelStatus.Percent.of(7, 7)));
        assertEquals("0.01", KernelStatus.Percent.render(KernelStatus.Percent.of(1, 1_000_000_000L)), "a tiny use is not 0.00");
        assertEquals("99.99", KernelStatus.Percent.render(KernelStatus.Percent.of(999_999_999L, 1_000_000_000L)),
                "almost full is not 100.00");
    }

    @Test
    void noDenominatorIsFullAndInvalidIsBlank() {
        assertEquals("100.00", KernelStatus.Percent.render(KernelStatus.Percent.of(3, 0)), "dm_make_percent's x/0");
        assertEquals("", KernelStatus.Percent.render(KernelStatus.Percent.INVALID));
    }

    @Test
    void halfwayValuesRoundAsGlibcDoes() {
        // 0.125% is exact in binary: glibc rounds the tie to even (0.12), not up.
        assertEquals("0.12", KernelStatus.Percent.render(125_000));
        assertEquals("0.38", KernelStatus.Percent.render(375_000));
    }
}
