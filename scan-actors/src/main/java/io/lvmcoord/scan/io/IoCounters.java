package io.lvmcoord.scan.io;

import java.util.concurrent.atomic.AtomicLong;

/** Per-device I/O counters, readable while they change. */
public final class IoCounters {
    final AtomicLong reads = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong errors = new AtomicLong();

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
}
