package io.lvmcoord.agent.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RateLimiterTest {
    private final AtomicLong now = new AtomicLong();
    private final RateLimiter limiter = new RateLimiter(2, 3, now::get);

    @Test
    void burstIsGrantedThenTheNextWaitsForOneRefill() {
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire(1000));
        }
        assertEquals(500_000_000L, limiter.acquire(1000));
    }

    @Test
    void tokensRefillAtTheRateButNeverBeyondTheBurst() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire(1000);
        }
        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire(1000));
        }
        assertEquals(500_000_000L, limiter.acquire(1000));
    }

    @Test
    void eachUidHasItsOwnBucket() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire(1000);
        }
        assertEquals(0, limiter.acquire(1001));
    }
}
