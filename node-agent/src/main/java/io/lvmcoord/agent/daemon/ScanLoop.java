package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.discovery.DeviceEvent;
import io.lvmcoord.agent.discovery.DeviceSource;
import io.lvmcoord.agent.discovery.PvNodeWatcher;
import io.lvmcoord.coordinator.vg.NodeReporter;
import io.lvmcoord.scan.DeviceTarget;
import io.lvmcoord.scan.LocalScanner;
import io.lvmcoord.scan.ScanFleet;
import io.lvmcoord.scan.codec.DeviceScan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's one path from "something may have changed" to persisted reports.
 *
 * <p>Events (uevents, close-writes, directory changes, {@code pvscan --cache} notifications) only
 * mark devices dirty; a single thread takes the dirty set after a short coalescing window and
 * scans it as one batch through the scan actors, then reports the outcomes to the aggregates and
 * waits until they are persisted. So a storm of events for one device costs one read, and a
 * storm across many devices becomes one batch. The dirty set is bounded: past its limit the
 * individual devices are dropped for one full rescan, which covers them all. Callers that need
 * read-your-writes ({@code pvscan --cache}) get a future completed after their batch is durable.
 *
 * <p>Full rescans (reconcile) find what no event announced. Their pace follows what they find:
 * after a rescan that changed nothing the interval doubles, after one that found changes it
 * halves, within configured bounds, so a quiet host is rarely rescanned and a busy one often.
 */
public final class ScanLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScanLoop.class);

    /** Figures for status and metrics. */
    public record Stats(long batches, long devicesScanned, long fullRescans, long events, long coalesced, int pendingDevices,
                        long lastBatchMillis, long reconcileIntervalMillis, long watchedPvNodes, long faults, Phases lastBatchPhases) {
    }

    /**
     * Where a batch's time went: listing the devices (a full rescan's enumeration), reading and
     * decoding them (reports of devices already read are sent meanwhile, see PIPELINE_CHUNK), and
     * what reporting took after the last device was read, until persisted (forgets included). Said in
     * the start-up line and in {@code status}, so a slow batch names its slow part.
     */
    public record Phases(long listMillis, long scanMillis, long reportMillis) {
        static final Phases NONE = new Phases(0, 0, 0);

        @Override
        public String toString() {
            return "list " + listMillis + " ms, read+decode " + scanMillis + " ms, report " + reportMillis + " ms";
        }
    }

    private final DeviceSource source;
    private final LocalScanner scanner;
    private final NodeReporter reporter;
    private final PvNodeWatcher watcher;
    private final AgentSettings settings;
    private final Duration scanBudgetBase;
    private final LatencyHistogram batchLatency;

    private final Object lock = new Object();
    private final Set<String> dirty = new LinkedHashSet<>();
    private final Set<String> gone = new LinkedHashSet<>();
    private boolean full;
    /** Kernel or directory events arrived since the last batch (only those are worth a coalescing pause). */
    private boolean eventsPending;
    private List<CompletableFuture<Void>> waiters = new ArrayList<>();
    private long nextReconcileNanos;
    private Duration reconcileInterval;
    private volatile boolean running = true;
    private final Thread thread;
    private final CompletableFuture<Void> firstFullRescan = new CompletableFuture<>();

    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong scanned = new AtomicLong();
    private final AtomicLong fullRescans = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong coalesced = new AtomicLong();
    private final AtomicLong faults = new AtomicLong();
    private volatile long lastBatchMillis;
    private volatile Phases lastBatchPhases = Phases.NONE;

    public ScanLoop(DeviceSource source, LocalScanner scanner, NodeReporter reporter, PvNodeWatcher watcher, AgentSettings settings,
                    Duration ioDeadline, LatencyHistogram batchLatency) {
        this.source = source;
        this.scanner = scanner;
        this.reporter = reporter;
        this.watcher = watcher;
        this.settings = settings;
        this.scanBudgetBase = ioDeadline.multipliedBy(8).plusSeconds(30);
        this.batchLatency = batchLatency;
        this.reconcileInterval = settings.reconcileMin();
        this.full = true; // the first batch is the start-up scan
        this.nextReconcileNanos = System.nanoTime() + reconcileInterval.toNanos();
        this.thread = new Thread(this::run, "lvmcoord-scan-loop");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Completes when the start-up full scan has been persisted. */
    public CompletableFuture<Void> firstFullRescan() {
        return firstFullRescan;
    }

    /** A source event; never blocks (the source threads must keep reading their kernel queues). */
    public void offer(DeviceEvent event) {
        events.incrementAndGet();
        synchronized (lock) {
            eventsPending = true;
            if (event instanceof DeviceEvent.Changed c) {
                markDirty(c.device());
            } else if (event instanceof DeviceEvent.Removed r) {
                dirty.remove(r.device());
                gone.add(r.device());
            } else {
                LOG.warn("{}: rescanning every device", ((DeviceEvent.Lost) event).cause());
                full = true;
            }
            lock.notifyAll();
        }
    }

    /**
     * {@code pvscan --cache}: re-reads (or, with {@code remove}, forgets) the devices; completes
     * after the resulting reports are persisted.
     */
    public CompletableFuture<Void> notify(Collection<String> devices, boolean remove) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (lock) {
            for (String d : devices) {
                if (remove) {
                    dirty.remove(d);
                    gone.add(d);
                } else {
                    markDirty(d);
                }
            }
            waiters.add(done);
            lock.notifyAll();
        }
        return done;
    }

    /** Asks for a full rescan now; completes when it is persisted. */
    public CompletableFuture<Void> rescanAll() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (lock) {
            full = true;
            waiters.add(done);
            lock.notifyAll();
        }
        return done;
    }

    private void markDirty(String device) {
        if (full) {
            coalesced.incrementAndGet();
            return;
        }
        if (!dirty.add(device)) {
            coalesced.incrementAndGet();
        } else if (dirty.size() > settings.maxPendingDevices()) {
            // A storm: one full rescan reads every device once, however many events came.
            coalesced.addAndGet(dirty.size());
            dirty.clear();
            full = true;
        }
        gone.remove(device);
    }

    /**
     * Whether {@code device} is one this node scans now, or one it holds reports of (a device that
     * went away may still be named, to forget it).
     */
    public boolean knows(String device) {
        if (reporter.devices().contains(device)) {
            return true;
        }
        try {
            return source.target(device).isPresent();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The device source in words, for messages. */
    public String describeSource() {
        return source.describe();
    }

    public Stats stats() {
        int pending;
        synchronized (lock) {
            pending = dirty.size() + gone.size();
        }
        return new Stats(batches.get(), scanned.get(), fullRescans.get(), events.get(), coalesced.get(), pending, lastBatchMillis,
                reconcileInterval.toMillis(), watcher == null ? 0 : watcher.watched(), faults.get(), lastBatchPhases);
    }

    private void run() {
        if (!settings.startScanDelay().isZero()) {
            LOG.info("start-up scan in {} (lvmcoord.agent.start-scan-delay); answering from the journal meanwhile", settings.startScanDelay());
            sleepQuietly(settings.startScanDelay().toMillis());
        }
        while (running) {
            Set<String> changed;
            Set<String> removed;
            boolean doFull;
            boolean pause;
            List<CompletableFuture<Void>> batchWaiters;
            try {
                synchronized (lock) {
                    while (running && !full && dirty.isEmpty() && gone.isEmpty() && waiters.isEmpty()) {
                        long waitNanos = nextReconcileNanos - System.nanoTime();
                        if (waitNanos <= 0) {
                            full = true;
                            break;
                        }
                        lock.wait(TimeUnit.NANOSECONDS.toMillis(waitNanos) + 1);
                    }
                    if (!running) {
                        return;
                    }
                    pause = eventsPending;
                }
                // Let the rest of a storm arrive before taking the batch. Notifications and re-read
                // requests come batched by their senders and someone waits for them: no pause.
                if (pause) {
                    Thread.sleep(settings.coalesceWindow().toMillis());
                }
                synchronized (lock) {
                    eventsPending = false;
                    changed = new LinkedHashSet<>(dirty);
                    removed = new LinkedHashSet<>(gone);
                    doFull = full;
                    batchWaiters = waiters;
                    dirty.clear();
                    gone.clear();
                    full = false;
                    waiters = new ArrayList<>();
                }
            } catch (InterruptedException e) {
                return;
            }
            long started = System.nanoTime();
            try {
                long changesBefore = reporter.changes();
                batch(changed, removed, doFull);
                lastBatchMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                if (doFull) {
                    pace(reporter.changes() > changesBefore);
                    firstFullRescan.complete(null);
                }
                batchWaiters.forEach(w -> w.complete(null));
            } catch (Exception e) {
                LOG.error("scan batch failed ({} changed, {} removed, full={}): {}", changed.size(), removed.size(), doFull, e.toString());
                batchWaiters.forEach(w -> w.completeExceptionally(e));
                synchronized (lock) {
                    // Nothing is lost: the devices are tried again with the next batch.
                    dirty.addAll(changed);
                    gone.addAll(removed);
                    full |= doFull;
                }
                sleepQuietly(1000);
            } finally {
                batchLatency.record(System.nanoTime() - started);
                batches.incrementAndGet();
            }
        }
    }

    private void pace(boolean foundChanges) {
        Duration next = foundChanges ? reconcileInterval.dividedBy(2) : reconcileInterval.multipliedBy(2);
        if (next.compareTo(settings.reconcileMin()) < 0) {
            next = settings.reconcileMin();
        }
        if (next.compareTo(settings.reconcileMax()) > 0) {
            next = settings.reconcileMax();
        }
        reconcileInterval = next;
        nextReconcileNanos = System.nanoTime() + next.toNanos();
    }

    private void batch(Set<String> changed, Set<String> removed, boolean doFull) throws Exception {
        long t0 = System.nanoTime();
        long listed = t0;
        long scannedAt = t0;
        List<DeviceTarget> targets = new ArrayList<>();
        Set<String> toForget = new LinkedHashSet<>(removed);
        if (doFull) {
            fullRescans.incrementAndGet();
            targets.addAll(source.enumerate());
            Set<String> present = new HashSet<>();
            targets.forEach(t -> present.add(t.name()));
            for (String held : reporter.devices()) {
                if (!present.contains(held)) {
                    toForget.add(held);
                }
            }
        } else {
            java.util.Map<String, DeviceTarget> present = source.targets(changed);
            for (String name : changed) {
                DeviceTarget t = present.get(name);
                if (t != null) {
                    targets.add(t);
                } else {
                    toForget.add(name);
                }
            }
        }
        targets.forEach(t -> toForget.remove(t.name()));
        listed = System.nanoTime();
        scannedAt = listed;
        if (!targets.isEmpty()) {
            // Reports of one chunk go to the aggregates while the next chunk is read: the journal's
            // work overlaps the scan's instead of waiting for the last of 10,000 devices.
            List<CompletableFuture<Void>> reports = new ArrayList<>();
            for (int from = 0; from < targets.size(); from += PIPELINE_CHUNK) {
                List<DeviceTarget> part = targets.subList(from, Math.min(targets.size(), from + PIPELINE_CHUNK));
                Duration budget = scanBudgetBase.plusSeconds(part.size() / 50);
                ScanFleet.FleetResult result = scanner.scan(part, null, budget);
                scanned.addAndGet(part.size());
                for (int i = 0; i < part.size(); i++) {
                    DeviceScan outcome = result.outcomes().get(i);
                    if (watcher != null) {
                        if (outcome instanceof DeviceScan.PvScan) {
                            watcher.watch(part.get(i).name(), part.get(i).path());
                        } else {
                            watcher.unwatch(part.get(i).name());
                        }
                    }
                    if (outcome instanceof DeviceScan.DeviceFault) {
                        faults.incrementAndGet();
                    }
                }
                reports.add(reporter.report(result.outcomes()).toCompletableFuture());
            }
            scannedAt = System.nanoTime();
            CompletableFuture.allOf(reports.toArray(CompletableFuture[]::new))
                    .get(settings.askTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        }
        for (String name : toForget) {
            if (watcher != null) {
                watcher.unwatch(name);
            }
            reporter.forget(name).toCompletableFuture().get(settings.askTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        long end = System.nanoTime();
        lastBatchPhases = new Phases(TimeUnit.NANOSECONDS.toMillis(listed - t0), TimeUnit.NANOSECONDS.toMillis(scannedAt - listed),
                TimeUnit.NANOSECONDS.toMillis(end - scannedAt));
    }

    /**
     * Devices read per step of a batch; each step's reports are sent while the next is read. Big
     * enough that a VG's PVs mostly share a step (one report message), small enough that a
     * 10,000-device start-up keeps the journal busy from its first second.
     */
    static final int PIPELINE_CHUNK = 1000;

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (lock) {
            lock.notifyAll();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
