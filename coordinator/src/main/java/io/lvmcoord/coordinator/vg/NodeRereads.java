package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.report.PvReports;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's side of invalidation: re-reads its devices of a VG when the VG's newest seqno is above
 * what this node's own reports show, because another host wrote to the shared disks.
 *
 * <p>Two paths lead here and either suffices: the entity's request ({@link CacheUpdates.Reread},
 * pushed with the new version), and any state this node's cache takes in which the node is
 * behind (a state read from the entity by a query, or loaded from the journal at start, covers a
 * request that was lost, e.g. with a crashed shard host). A re-read is done once per VG and seqno:
 * if this node still sees the older metadata afterwards, its disks really differ and it is not
 * asked again until the seqno rises. While a re-read is in flight, queries wait for it
 * ({@link #inFlight()}), so the node does not serve the metadata it was told is outdated.
 */
public final class NodeRereads implements CacheUpdates.RereadSink {

    /** Re-reads devices of this node; completes when the resulting reports are persisted and cached. */
    public interface Rereader {
        CompletableFuture<Void> reread(Collection<String> devices);
    }

    /** Counters for status: requests addressed to this node, re-read batches started, devices in them. */
    public record Stats(long requested, long batches, long devices) {
    }

    private record Pending(long seqno, CompletableFuture<Void> done) {
    }

    private final String node;
    private final Rereader rereader;
    private final Map<String, Long> doneAt = new HashMap<>();
    private final Map<String, Long> requestedAt = new HashMap<>();
    private final Map<String, Pending> inFlight = new HashMap<>();
    /** Convergence per aggregate version, so a state taken twice (push, then a query's refresh) is parsed once. */
    private final Map<String, Map.Entry<Long, Convergence>> memo = new java.util.concurrent.ConcurrentHashMap<>();
    private final DecodeLimits limits;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong devices = new AtomicLong();

    public NodeRereads(String node, Rereader rereader) {
        this(node, rereader, DecodeLimits.DEFAULT);
    }

    /** @param limits the node's {@code lvmcoord.codec} caps, under which stored texts are parsed as the scanner parsed them */
    public NodeRereads(String node, Rereader rereader, DecodeLimits limits) {
        this.node = node;
        this.rereader = rereader;
        this.limits = limits;
    }

    @Override
    public void requested(String aggregateKey, CacheUpdates.Reread reread) {
        List<String> mine = reread.devicesByHost().get(node);
        if (mine != null && !mine.isEmpty()) {
            // The same request may come twice (the topic and the entity's direct send): count it once.
            synchronized (this) {
                if (requestedAt.getOrDefault(aggregateKey, -1L) < reread.seqno()) {
                    requestedAt.put(aggregateKey, reread.seqno());
                    requested.incrementAndGet();
                }
            }
            start(aggregateKey, reread.seqno(), mine);
        }
    }

    /** A cache listener: re-reads when the state taken shows this node behind. */
    public void stateTaken(NodeReadCache.Versioned v) {
        if (v.state() == null) {
            return;
        }
        Convergence c = convergence(v.aggregateKey(), v.state());
        List<String> mine = c.behind().get(node);
        if (mine != null && !mine.isEmpty()) {
            start(v.aggregateKey(), c.newest(), mine);
        }
    }

    /** The per-host convergence of a state (remembered per aggregate version). */
    public Convergence convergence(String aggregateKey, VgState state) {
        Map.Entry<Long, Convergence> m = memo.get(aggregateKey);
        if (m != null && m.getKey() == state.version()) {
            return m.getValue();
        }
        Convergence c = Convergence.of(state, new PvReports.TextParser(state::text, limits));
        memo.put(aggregateKey, Map.entry(state.version(), c));
        return c;
    }

    private void start(String aggregateKey, long seqno, List<String> devs) {
        CompletableFuture<Void> done;
        synchronized (this) {
            if (doneAt.getOrDefault(aggregateKey, -1L) >= seqno) {
                return;
            }
            Pending p = inFlight.get(aggregateKey);
            if (p != null && p.seqno() >= seqno) {
                return;
            }
            done = new CompletableFuture<>();
            inFlight.put(aggregateKey, new Pending(seqno, done));
        }
        batches.incrementAndGet();
        devices.addAndGet(devs.size());
        rereader.reread(devs).whenComplete((ok, failure) -> {
            synchronized (this) {
                Pending p = inFlight.get(aggregateKey);
                if (p != null && p.done() == done) {
                    inFlight.remove(aggregateKey);
                }
                if (failure == null) {
                    doneAt.merge(aggregateKey, seqno, Math::max);
                }
            }
            // Queries waiting on it go on either way; after a failure they see the state as it is.
            done.complete(null);
        });
    }

    /** Re-reads not finished yet (queries wait for these, bounded). */
    public synchronized List<CompletableFuture<Void>> inFlight() {
        List<CompletableFuture<Void>> out = new ArrayList<>();
        inFlight.values().forEach(p -> out.add(p.done()));
        return out;
    }

    public Stats stats() {
        return new Stats(requested.get(), batches.get(), devices.get());
    }
}
