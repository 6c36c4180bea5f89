package io.lvmcoord.agent.systemd;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * When to pet systemd's watchdog, from the environment systemd gives a unit with
 * {@code WatchdogSec=}: {@code WATCHDOG_USEC} (the limit, microseconds) and, when set,
 * {@code WATCHDOG_PID} (the process meant; a child that inherited the variables is not it). Pets
 * go out every half of the limit, as sd_watchdog_enabled(3) advises, so one late or lost pet is
 * not yet a restart; a health check gets a quarter, so that a slow answer still leaves time to pet.
 */
public record WatchdogTiming(Duration limit) {
    public WatchdogTiming {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("watchdog limit must be positive, got " + limit);
        }
    }

    /** Empty when the watchdog is off or meant for another process; malformed values are refused with their text. */
    public static Optional<WatchdogTiming> fromEnvironment(Map<String, String> env, long ownPid) {
        String usec = env.get("WATCHDOG_USEC");
        if (usec == null || usec.isBlank()) {
            return Optional.empty();
        }
        String pid = env.get("WATCHDOG_PID");
        if (pid != null && !pid.isBlank() && parse("WATCHDOG_PID", pid) != ownPid) {
            return Optional.empty();
        }
        long micros = parse("WATCHDOG_USEC", usec);
        if (micros <= 0) {
            throw new IllegalArgumentException("WATCHDOG_USEC=" + usec + " is not a positive number of microseconds");
        }
        return Optional.of(new WatchdogTiming(Duration.ofNanos(Math.multiplyExact(micros, 1000L))));
    }

    private static long parse(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + value + " is not a number");
        }
    }

    /** How often a healthy agent pets: half the limit. */
    public Duration interval() {
        return limit.dividedBy(2);
    }

    /** How long a health check may take before this pet is skipped: a quarter of the limit. */
    public Duration healthBound() {
        return limit.dividedBy(4);
    }
}
