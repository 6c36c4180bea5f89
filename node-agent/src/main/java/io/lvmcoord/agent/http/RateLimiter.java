package io.lvmcoord.agent.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per peer uid: {@code burst} requests at once, refilled at {@code ratePerSecond}.
 * Keyed by uid, not by connection, so opening more connections buys nothing. The map grows by
 * one bucket per distinct uid ever seen, which the account database bounds.
 */
final class RateLimiter {
    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private final Map<Integer, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /** Takes a token for {@code uid}: 0 when granted, else nanoseconds until one will be. */
    long acquire(int uid) {
        return buckets.computeIfAbsent(uid, u -> new Bucket(burst, nanoClock.getAsLong())).take(this);
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized long take(RateLimiter l) {
            long now = l.nanoClock.getAsLong();
            tokens = Math.min(l.burst, tokens + (now - last) * l.ratePerNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / l.ratePerNano);
        }
    }
}
