package io.lvmcoord.scan.io;

import java.util.concurrent.atomic.AtomicLong;

/** Per-device I/O counters, readable while they change. */
public final class IoCounters {
    final AtomicLong reads = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong opens = new AtomicLong();
    final AtomicLong closes = new AtomicLong();

    public long reads() {
        return reads.get();
    }

    public long bytes() {
        return bytes.get();
    }

    public long timeouts() {
        return timeouts.get();
    }

    public long errors() {
        return errors.get();
    }

    /** Opens that returned an fd (including ones that came back after their deadline and were closed here). */
    public long opens() {
        return opens.get();
    }

    /** Closes completed (successful or not: the fd is gone either way). */
    public long closes() {
        return closes.get();
    }

    /** Descriptors of this device open now, by the counts above: what a leak would leave above zero. */
    public long openFds() {
        return opens.get() - closes.get();
    }
}
