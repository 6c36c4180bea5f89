package io.lvmcoord.agent.daemon;

import io.lvmcoord.scan.dm.DmSource;
import io.lvmcoord.scan.dm.DmState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The agent's copy of its host's device-mapper state: read at start, again a debounce after dm
 * uevents (a burst of them, as an lvchange of a thin pool and its LVs makes, is one read), and
 * on a slow reconcile timer that catches what no event announces (open counts, statuses). Reads
 * run one at a time on one thread, the only writer of the state; a read that fails keeps the
 * last good state (a host whose dm control node is briefly unreadable still has its LVs
 * active) and is counted, logged and shown in status.
 *
 * <p>After each good read, {@code listener} gets the state and whether it was a reconcile (the
 * first read counts as one): the activation reporter sends status-only changes on reconciles
 * only.
 */
final class KernelStateWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelStateWatcher.class);

    /** What status shows. {@code lastFailure} is null when the last read succeeded. */
    record Stats(int devices, long reads, long failures, String lastFailure, String driverVersion) {
    }

    private final DmSource source;
    private final String describe;
    private final Duration debounce;
    private final Duration reconcile;
    private final BiConsumer<DmState, Boolean> listener;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lvmcoord-kernel-state");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean readPending = new AtomicBoolean();
    private volatile DmState current = DmState.NONE;
    private volatile long reads;
    private volatile long failures;
    private volatile String lastFailure;

    /** @param describe where the state comes from, for logs and status */
    KernelStateWatcher(DmSource source, String describe, Duration debounce, Duration reconcile, BiConsumer<DmState, Boolean> listener) {
        this.source = source;
        this.describe = describe;
        this.debounce = debounce;
        this.reconcile = reconcile;
        this.listener = listener;
    }

    /** Reads at once, then every reconcile interval. */
    void start() {
        thread.execute(() -> read(true, "start"));
        thread.scheduleWithFixedDelay(() -> read(true, "reconcile"), reconcile.toNanos(), reconcile.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A dm device was added, removed or changed ({@code cause}): read once the burst is over. */
    void changed(String cause) {
        if (readPending.compareAndSet(false, true)) {
            thread.schedule(() -> {
                readPending.set(false);
                read(false, cause);
            }, debounce.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** The state as last read ({@link DmState#NONE} before the first good read). */
    DmState current() {
        return current;
    }

    String describe() {
        return describe;
    }

    Stats stats() {
        DmState s = current;
        return new Stats(s.devices().size(), reads, failures, lastFailure, s.driverVersion());
    }

    private void read(boolean reconciling, String cause) {
        DmState next;
        try {
            next = source.read();
        } catch (Exception | StackOverflowError e) {
            failures++;
            lastFailure = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warn("device-mapper state from {} not read ({}), keeping the last one ({} devices): {}", describe, cause,
                    current.devices().size(), lastFailure);
            return;
        }
        reads++;
        lastFailure = null;
        current = next;
        try {
            listener.accept(next, reconciling);
        } catch (RuntimeException e) {
            // The listener tells an actor: only a stopping actor system gets here.
            LOG.warn("device-mapper state read ({}) not passed on: {}", cause, e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
