package io.lvmcoord.coordinator.query;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BoundedWarningsTest {
    private static List<String> warnings(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("WARNING: bad metadata header on bad" + i + ".img at 4096.");
        }
        return out;
    }

    @Test
    void manyWarningsTravelAsTheFirstOnesAndACountOfTheRest() {
        BoundedWarnings b = BoundedWarnings.of(warnings(320), 50);
        assertEquals(320, b.total());
        assertEquals(270, b.omitted());
        List<String> lines = b.lines();
        assertEquals(51, lines.size());
        assertEquals(warnings(320).subList(0, 50), lines.subList(0, 50));
        assertEquals("... and 270 more warnings (lvmcoord.query.max-warnings = 50)", lines.get(50));
    }

    @Test
    void warningsWithinTheLimitTravelAsTheyAre() {
        assertEquals(warnings(50), BoundedWarnings.of(warnings(50), 50).lines());
        assertEquals(List.of(), BoundedWarnings.of(List.of(), 50).lines());
    }

    @Test
    void aLimitOfZeroSendsOnlyTheCount() {
        assertEquals(List.of("... and 3 more warnings (lvmcoord.query.max-warnings = 0)"), BoundedWarnings.of(warnings(3), 0).lines());
    }

    @Test
    void inconsistentFiguresAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BoundedWarnings(warnings(5), 4, 10));
        assertThrows(IllegalArgumentException.class, () -> new BoundedWarnings(warnings(5), 5, 4));
    }
}
