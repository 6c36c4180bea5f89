package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.discovery.DeviceSource;
import io.lvmcoord.agent.discovery.PvNodeWatcher;
import io.lvmcoord.scan.DeviceTarget;
import io.lvmcoord.scan.ScanFleet;
import io.lvmcoord.scan.codec.DeviceScan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One batch of the scan loop, from a set of devices to persisted reports, without a waiting
 * thread: the listing runs on the blocking executor (it reads directories and sysfs), the devices
 * are read in chunks through the scan actors, each chunk's reports go to the aggregates while the
 * next chunk is read, and devices that went away are forgotten. Completes with where the time
 * went, or fails (the loop then keeps the devices for the next batch).
 */
final class ScanBatch {
    /** What a batch needs from the node's reporter (NodeReporter in the agent). */
    interface Reports {
        CompletionStage<Void> report(List<DeviceScan> outcomes);

        CompletionStage<Void> forget(String device);

        /** The devices this node holds reports of. */
        Set<String> devices();

        /** How many reports changed an aggregate so far (a full rescan that found changes is paced faster). */
        long changes();
    }

    /** The scan actors: every outcome of {@code devices}, in order, within {@code budget}. */
    @FunctionalInterface
    interface Scans {
        CompletionStage<ScanFleet.FleetResult> scan(List<DeviceTarget> devices, Duration budget);
    }

    /** The loop's running figures, kept by the batches and read by status and metrics. */
    static final class Counters {
        final AtomicLong scanned = new AtomicLong();
        final AtomicLong fullRescans = new AtomicLong();
        final AtomicLong faults = new AtomicLong();
    }

    /**
     * Devices read per step of a batch; each step's reports are sent while the next is read. Big
     * enough that a VG's PVs mostly share a step (one report message), small enough that a
     * 10,000-device start-up keeps the journal busy from its first second.
     */
    static final int PIPELINE_CHUNK = 1000;

    private final DeviceSource source;
    private final Scans scans;
    private final Reports reports;
    private final PvNodeWatcher watcher;
    private final Executor blocking;
    private final Duration scanBudgetBase;
    private final Duration reportPatience;
    private final Counters counters;

    ScanBatch(DeviceSource source, Scans scans, Reports reports, PvNodeWatcher watcher, Executor blocking, Duration ioDeadline,
              Duration reportPatience, Counters counters) {
        this.source = source;
        this.scans = scans;
        this.reports = reports;
        this.watcher = watcher;
        this.blocking = blocking;
        this.scanBudgetBase = ioDeadline.multipliedBy(8).plusSeconds(30);
        this.reportPatience = reportPatience;
        this.counters = counters;
    }

    DeviceSource source() {
        return source;
    }

    Reports reports() {
        return reports;
    }

    /** Which devices to read and which to forget. */
    private record Listing(List<DeviceTarget> targets, Set<String> toForget) {
    }

    CompletionStage<ScanLoop.Phases> run(Set<String> changed, Set<String> removed, boolean full) {
        long t0 = System.nanoTime();
        return CompletableFuture.supplyAsync(() -> list(changed, removed, full), blocking).thenCompose(listing -> {
            long listed = System.nanoTime();
            List<CompletableFuture<Void>> reported = new ArrayList<>();
            CompletionStage<Void> read = CompletableFuture.completedFuture(null);
            for (int from = 0; from < listing.targets().size(); from += PIPELINE_CHUNK) {
                List<DeviceTarget> part = listing.targets().subList(from, Math.min(listing.targets().size(), from + PIPELINE_CHUNK));
                read = read.thenCompose(ignored -> scans.scan(part, scanBudgetBase.plusSeconds(part.size() / 50)))
                        .thenAccept(result -> reported.add(taken(part, result)));
            }
            return read.thenCompose(ignored -> {
                long scannedAt = System.nanoTime();
                return within(CompletableFuture.allOf(reported.toArray(CompletableFuture[]::new)), "reports of " + listing.targets().size()
                        + " devices")
                        .thenCompose(done -> forgetAll(listing.toForget()))
                        .thenApply(done -> new ScanLoop.Phases(TimeUnit.NANOSECONDS.toMillis(listed - t0),
                                TimeUnit.NANOSECONDS.toMillis(scannedAt - listed), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - scannedAt)));
            });
        });
    }

    private Listing list(Set<String> changed, Set<String> removed, boolean full) {
        try {
            List<DeviceTarget> targets = new ArrayList<>();
            Set<String> toForget = new LinkedHashSet<>(removed);
            if (full) {
                counters.fullRescans.incrementAndGet();
                targets.addAll(source.enumerate());
                Set<String> present = new HashSet<>();
                targets.forEach(t -> present.add(t.name()));
                for (String held : reports.devices()) {
                    if (!present.contains(held)) {
                        toForget.add(held);
                    }
                }
            } else {
                Map<String, DeviceTarget> present = source.targets(changed);
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
            return new Listing(targets, toForget);
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + source.describe() + ": " + e.getMessage(), e);
        }
    }

    /** Counts a chunk's outcomes, keeps the node watches in step, and sends its reports. */
    private CompletableFuture<Void> taken(List<DeviceTarget> part, ScanFleet.FleetResult result) {
        counters.scanned.addAndGet(part.size());
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
                counters.faults.incrementAndGet();
            }
        }
        return reports.report(result.outcomes()).toCompletableFuture();
    }

    private CompletionStage<Void> forgetAll(Set<String> names) {
        List<CompletableFuture<Void>> forgotten = new ArrayList<>();
        for (String name : names) {
            if (watcher != null) {
                watcher.unwatch(name);
            }
            forgotten.add(reports.forget(name).toCompletableFuture());
        }
        return within(CompletableFuture.allOf(forgotten.toArray(CompletableFuture[]::new)), "forgetting " + names.size() + " devices");
    }

    /** The aggregates' acknowledgements, or a failure naming what did not come within the patience. */
    private CompletableFuture<Void> within(CompletableFuture<Void> acks, String what) {
        return Stages.within(acks, reportPatience, what + " not persisted within " + reportPatience.toSeconds() + " s");
    }
}
