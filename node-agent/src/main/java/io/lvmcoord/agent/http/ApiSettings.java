package io.lvmcoord.agent.http;

import com.typesafe.config.Config;
import io.lvmcoord.agent.client.SocketLocation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code lvmcoord.api} (see reference.conf).
 *
 * @param socketGroup   empty = none (only root and the agent's user may connect)
 * @param ratePerSecond 0 = no rate cap
 * @param maxConnections  connections one peer user may hold open at once (each user has their own)
 * @param httpPort        loopback TCP port for metrics and health; 0 = off
 * @param streamHeartbeat how long a JSON-lines stream may be quiet before it checks its client is there
 */
public record ApiSettings(Path socketPath, String socketGroup, int maxConnections, int maxHeaderBytes,
                          int maxBodyBytes, Duration readTimeout, double ratePerSecond, int rateBurst, int httpPort,
                          Duration streamHeartbeat) {

    /** The shipped heartbeat ({@code lvmcoord.api.stream-heartbeat}). */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);

    public ApiSettings(Path socketPath, String socketGroup, int maxConnections, int maxHeaderBytes, int maxBodyBytes,
                       Duration readTimeout, double ratePerSecond, int rateBurst, int httpPort) {
        this(socketPath, socketGroup, maxConnections, maxHeaderBytes, maxBodyBytes, readTimeout, ratePerSecond, rateBurst,
                httpPort, DEFAULT_HEARTBEAT);
    }

    public ApiSettings {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("lvmcoord.api.max-connections must be >= 1, got " + maxConnections);
        }
        if (maxHeaderBytes < 256) {
            throw new IllegalArgumentException("lvmcoord.api.max-header-bytes must be >= 256, got " + maxHeaderBytes);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("lvmcoord.api.max-body-bytes must be >= 0, got " + maxBodyBytes);
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("lvmcoord.api.read-timeout must be positive, got " + readTimeout);
        }
        if (ratePerSecond < 0 || (ratePerSecond > 0 && rateBurst < 1)) {
            throw new IllegalArgumentException("lvmcoord.api.rate-per-second must be >= 0 and rate-burst >= 1, got "
                    + ratePerSecond + " and " + rateBurst);
        }
        if (streamHeartbeat.isNegative() || streamHeartbeat.isZero()) {
            throw new IllegalArgumentException("lvmcoord.api.stream-heartbeat must be positive, got " + streamHeartbeat);
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("lvmcoord.api.http-port must be 0..65535, got " + httpPort);
        }
    }

    public static ApiSettings from(Config config) {
        Config c = config.getConfig("lvmcoord.api");
        String socket = c.getString("socket-path");
        return new ApiSettings(socket.isBlank() ? defaultSocketPath() : Path.of(socket), c.getString("socket-group").trim(),
                c.getInt("max-connections"), toInt(c.getBytes("max-header-bytes"), "max-header-bytes"),
                toInt(c.getBytes("max-body-bytes"), "max-body-bytes"), c.getDuration("read-timeout"),
                c.getDouble("rate-per-second"), c.getInt("rate-burst"), c.getInt("http-port"), c.getDuration("stream-heartbeat"));
    }

    /**
     * The address the metrics/health port listens on ({@code lvmcoord.api.http-bind}); kept apart
     * from the record since it concerns only that port, never the API socket.
     */
    public static String httpBind(Config config) {
        String bind = config.getString("lvmcoord.api.http-bind").trim();
        if (bind.isEmpty()) {
            throw new IllegalArgumentException("lvmcoord.api.http-bind must name an address (127.0.0.1, ::1, 0.0.0.0, a host's IP), got \"\"");
        }
        return bind;
    }

    /** The socket path used when {@code socket-path} is empty, for this process. */
    public static Path defaultSocketPath() {
        return SocketLocation.defaultPath();
    }

    /** The default rule itself, with the process's identity and environment passed in. */
    public static Path defaultSocketPath(int uid, String user, Map<String, String> env) {
        return SocketLocation.defaultPath(uid, user, env);
    }

    public boolean hasSocketGroup() {
        return !socketGroup.isEmpty();
    }

    public boolean rateCapped() {
        return ratePerSecond > 0;
    }

    public ApiSettings withSocketPath(Path p) {
        return new ApiSettings(p, socketGroup, maxConnections, maxHeaderBytes, maxBodyBytes, readTimeout, ratePerSecond,
                rateBurst, httpPort, streamHeartbeat);
    }

    private static int toInt(Long bytes, String key) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("lvmcoord.api." + key + " must be below 2GiB, got " + bytes);
        }
        return (int) (long) bytes;
    }
}
