package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.report.PvReports;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>Owned by the node's cache actor (see {@link NodeCacheActor}), which calls it as it takes each
 * update, before the cache shows the update: {@link #requested} and {@link #stateTaken} start
 * re-reads and hand them back ({@link Started}); the actor pipes each one's end to itself and
 * calls {@link #finished}. Nothing here is called from two threads at once, except the reads
 * ({@link #inFlight}, {@link #stats}, {@link #convergence}) other components make of what it publishes.
 */
public final class NodeRereads {

    /** Re-reads devices of this node; completes when the resulting reports are persisted and cached. */
    public interface Rereader {
        CompletableFuture<Void> reread(Collection<String> devices);
    }

    /** Counters for status: requests addressed to this node, re-read batches started, devices in them. */
    public record Stats(long requested, long batches, long devices) {
    }

    /** A re-read this call started: its owner completes it with {@link #finished} when {@code io} ends. */
    public record Started(String aggregateKey, long seqno, CompletableFuture<Void> io, Pending pending) {
    }

    /** A re-read in flight, as queries wait for it. */
    public record Pending(long seqno, CompletableFuture<Void> done) {
    }

    /** One aggregate's re-reads: the newest seqno re-read to the end, and the one in flight. */
    private record Track(long doneAt, Pending running) {
        static final Track NONE = new Track(-1, null);
    }

    private final String node;
    private final Rereader rereader;
    private final Map<String, Track> tracks = new HashMap<>();
    /** The newest seqno each aggregate asked this node to re-read (a request may arrive twice). */
    private final Map<String, Long> requestedAt = new HashMap<>();
    /** Re-reads in flight, as last published for queries (replaced whole). */
    private volatile List<CompletableFuture<Void>> inFlight = List.of();
    /** Convergence per aggregate version, so a state taken twice (push, then a query's refresh) is parsed once; read by status too. */
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

    /** The entity asked hosts behind to re-read: starts this node's re-read if it is one of them. */
    Optional<Started> requested(String aggregateKey, CacheUpdates.Reread reread) {
        List<String> mine = reread.devicesByHost().get(node);
        if (mine == null || mine.isEmpty()) {
            return Optional.empty();
        }
        // The same request may come twice (the topic and the entity's direct send): count it once.
        Long prev = requestedAt.get(aggregateKey);
        if (prev == null || prev < reread.seqno()) {
            requestedAt.put(aggregateKey, reread.seqno());
            requested.incrementAndGet();
        }
        return start(aggregateKey, reread.seqno(), mine);
    }

    /** The cache took {@code v}: starts a re-read when it shows this node behind. */
    Optional<Started> stateTaken(NodeReadCache.Versioned v) {
        if (v.state() == null) {
            return Optional.empty();
        }
        Convergence c = convergence(v.aggregateKey(), v.state());
        List<String> mine = c.behind().get(node);
        if (mine == null || mine.isEmpty()) {
            return Optional.empty();
        }
        return start(v.aggregateKey(), c.newest(), mine);
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

    private Optional<Started> start(String aggregateKey, long seqno, List<String> devs) {
        Track cur = tracks.getOrDefault(aggregateKey, Track.NONE);
        if (cur.doneAt() >= seqno || (cur.running() != null && cur.running().seqno() >= seqno)) {
            return Optional.empty();
        }
        Pending mine = new Pending(seqno, new CompletableFuture<>());
        tracks.put(aggregateKey, new Track(cur.doneAt(), mine));
        publish();
        batches.incrementAndGet();
        devices.addAndGet(devs.size());
        CompletableFuture<Void> io;
        try {
            io = rereader.reread(devs);
        } catch (RuntimeException e) {
            io = CompletableFuture.failedFuture(e);
        }
        return Optional.of(new Started(aggregateKey, seqno, io, mine));
    }

    /** A re-read ended ({@code ok}: its reports were persisted): queries waiting on it go on either way. */
    void finished(Started s, boolean ok) {
        Track cur = tracks.getOrDefault(s.aggregateKey(), Track.NONE);
        tracks.put(s.aggregateKey(), new Track(ok ? Math.max(cur.doneAt(), s.seqno()) : cur.doneAt(),
                cur.running() == s.pending() ? null : cur.running()));
        publish();
        // After a failure they see the state as it is.
        s.pending().done().complete(null);
    }

    private void publish() {
        List<CompletableFuture<Void>> out = new ArrayList<>();
        tracks.values().forEach(t -> {
            if (t.running() != null) {
                out.add(t.running().done());
            }
        });
        inFlight = List.copyOf(out);
    }

    /** Re-reads not finished yet (queries wait for these, bounded). */
    public List<CompletableFuture<Void>> inFlight() {
        return inFlight;
    }

    public Stats stats() {
        return new Stats(requested.get(), batches.get(), devices.get());
    }
}
