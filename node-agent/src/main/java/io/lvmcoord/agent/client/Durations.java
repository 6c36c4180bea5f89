package io.lvmcoord.agent.client;

import java.time.Duration;

/** Durations as operators write them on the command line and in API queries: 30s, 500ms, 2m, 1h, or plain seconds. */
public final class Durations {
    private Durations() {
    }

    /**
     * @throws IllegalArgumentException for what is no duration: not a number with a unit, negative,
     *                                  not finite, or past what a Duration holds
     */
    public static Duration parse(String s) {
        Duration d = parseAny(s);
        if (d.isNegative()) {
            throw new IllegalArgumentException("not a duration: \"" + s + "\" is negative");
        }
        return d;
    }

    private static Duration parseAny(String s) {
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofMillis(millis(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000, s));
            }
            if (s.endsWith("m")) {
                return Duration.ofMillis(Math.multiplyExact(Long.parseLong(s.substring(0, s.length() - 1)), 60_000L));
            }
            if (s.endsWith("h")) {
                return Duration.ofMillis(Math.multiplyExact(Long.parseLong(s.substring(0, s.length() - 1)), 3_600_000L));
            }
            return Duration.ofMillis(millis(Double.parseDouble(s) * 1000, s));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a duration: \"" + s + "\" (use e.g. 30s, 500ms, 2m)");
        }
    }

    /** Milliseconds of a finite value that a long holds (Math.round would clamp 1e300 to Long.MAX_VALUE). */
    private static long millis(double ms, String s) {
        if (!Double.isFinite(ms) || Math.abs(ms) >= 0x1p62) {
            throw new ArithmeticException(s);
        }
        return Math.round(ms);
    }
}
