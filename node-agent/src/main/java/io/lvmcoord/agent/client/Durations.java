package io.lvmcoord.agent.client;

import java.time.Duration;

/** Durations as operators write them on the command line and in API queries: 30s, 500ms, 2m, 1h, or plain seconds. */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String s) {
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: \"" + s + "\" (use e.g. 30s, 500ms, 2m)");
        }
    }
}
