package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.report.PvReports;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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

    /**
     * One aggregate's re-reads: the newest seqno re-read to the end, and the one in flight. Kept
     * in a concurrent map and changed only by {@code compute} on its key, so the check "not done
     * or running for this seqno yet" and the start are one step without a lock.
     */
    private record Track(long doneAt, Pending running) {
        static final Track NONE = new Track(-1, null);
    }

    private final String node;
    private final Rereader rereader;
    private final Map<String, Track> tracks = new ConcurrentHashMap<>();
    /** The newest seqno each aggregate asked this node to re-read (a request may arrive twice). */
    private final Map<String, Long> requestedAt = new ConcurrentHashMap<>();
    /** Convergence per aggregate version, so a state taken twice (push, then a query's refresh) is parsed once. */
    private final Map<String, Map.Entry<Long, Convergence>> memo = new ConcurrentHashMap<>();
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
            java.util.concurrent.atomic.AtomicBoolean newer = new java.util.concurrent.atomic.AtomicBoolean();
            requestedAt.compute(aggregateKey, (k, prev) -> {
                if (prev != null && prev >= reread.seqno()) {
                    return prev;
                }
                newer.set(true);
                return reread.seqno();
            });
            if (newer.get()) {
                requested.incrementAndGet();
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
        CompletableFuture<Void> done = new CompletableFuture<>();
        Pending mine = new Pending(seqno, done);
        Track t = tracks.compute(aggregateKey, (k, prev) -> {
            Track cur = prev == null ? Track.NONE : prev;
            if (cur.doneAt() >= seqno || (cur.running() != null && cur.running().seqno() >= seqno)) {
                return cur;
            }
            return new Track(cur.doneAt(), mine);
        });
        if (t.running() != mine) {
            return;
        }
        batches.incrementAndGet();
        devices.addAndGet(devs.size());
        rereader.reread(devs).whenComplete((ok, failure) -> {
            tracks.computeIfPresent(aggregateKey, (k, cur) -> new Track(failure == null ? Math.max(cur.doneAt(), seqno) : cur.doneAt(),
                    cur.running() == mine ? null : cur.running()));
            // Queries waiting on it go on either way; after a failure they see the state as it is.
            done.complete(null);
        });
    }

    /** Re-reads not finished yet (queries wait for these, bounded). */
    public List<CompletableFuture<Void>> inFlight() {
        List<CompletableFuture<Void>> out = new ArrayList<>();
        tracks.values().forEach(t -> {
            if (t.running() != null) {
                out.add(t.running().done());
            }
        });
        return out;
    }

    public Stats stats() {
        return new Stats(requested.get(), batches.get(), devices.get());
    }
}
