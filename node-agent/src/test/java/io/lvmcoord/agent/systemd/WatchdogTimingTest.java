package io.lvmcoord.agent.systemd;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchdogTimingTest {
    @Test
    void thirtySecondLimitPetsEveryFifteenAndChecksHealthWithinSevenAndAHalf() {
        WatchdogTiming t = WatchdogTiming.fromEnvironment(Map.of("WATCHDOG_USEC", "30000000"), 42).orElseThrow();

        assertEquals(Duration.ofSeconds(30), t.limit());
        assertEquals(Duration.ofSeconds(15), t.interval());
        assertEquals(Duration.ofMillis(7500), t.healthBound());
    }

    @Test
    void watchdogMeantForAnotherProcessIsNotOurs() {
        assertEquals(Optional.empty(), WatchdogTiming.fromEnvironment(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "7"), 42));
        assertTrue(WatchdogTiming.fromEnvironment(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "42"), 42).isPresent());
    }

    @Test
    void noWatchdogUsecMeansNoWatchdog() {
        assertEquals(Optional.empty(), WatchdogTiming.fromEnvironment(Map.of(), 42));
    }

    @Test
    void malformedOrZeroLimitIsRefusedWithItsText() {
        assertEquals("WATCHDOG_USEC=30s is not a number", assertThrows(IllegalArgumentException.class,
                () -> WatchdogTiming.fromEnvironment(Map.of("WATCHDOG_USEC", "30s"), 1)).getMessage());
        assertEquals("WATCHDOG_USEC=0 is not a positive number of microseconds", assertThrows(IllegalArgumentException.class,
                () -> WatchdogTiming.fromEnvironment(Map.of("WATCHDOG_USEC", "0"), 1)).getMessage());
    }
}
