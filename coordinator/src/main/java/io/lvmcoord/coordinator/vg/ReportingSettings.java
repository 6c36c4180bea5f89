package io.lvmcoord.coordinator.vg;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * {@code lvmcoord.reporting} (see reference.conf).
 *
 * @param attemptTimeout an ask to an entity unanswered for this long is sent again (within the caller's ask timeout)
 */
public record ReportingSettings(Duration attemptTimeout) {
    public ReportingSettings {
        if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
            throw new IllegalArgumentException("lvmcoord.reporting.attempt-timeout must be positive, got " + attemptTimeout);
        }
    }

    public static ReportingSettings from(Config config) {
        return new ReportingSettings(config.getConfig("lvmcoord.reporting").getDuration("attempt-timeout"));
    }
}
