package io.lvmcoord.coordinator.vg;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A node's cache of aggregate states, fed by pushes from the entities.
 *
 * <p>Pushes may arrive twice or out of order; a state is taken only if its version is newer than
 * the one held, so the cache never goes back in time. An entity also announces a version
 * before the state arrives; until a state at least that new is held, reads report that what
 * they see may be stale rather than pretending it is current.
 *
 * <p>One actor writes it, the writer {@link CacheUpdates#subscribe} starts (hence the
 * package-private writes); anyone reads, at any time, without locks.
 */
public final class NodeReadCache {

    /**
     * A state as served, with the version it had and whether a newer one is known to exist.
     * {@code state} is null for an aggregate only announced so far (nothing to serve yet).
     */
    public record Versioned(String aggregateKey, VgState state, long version, long announced) {
        public boolean mayBeStale() {
            return announced > version;
        }
    }

    private record Entry(VgState state, long announced) {
        long version() {
            return state == null ? 0 : state.version();
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Bumped after every change of {@link #entries} (after, so a snapshot taken at a generation holds every change before it). */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private volatile Snapshot lastSnapshot;

    private record Snapshot(long generation, List<Versioned> entries) {
    }
    private final List<Consumer<Versioned>> listeners = new CopyOnWriteArrayList<>();

    /** Offers a pushed state; returns true when it replaced an older one. */
    boolean push(String aggregateId, VgState state) {
        boolean[] taken = {false};
        Entry after = entries.compute(aggregateId, (k, e) -> {
            if (e == null) {
                taken[0] = true;
                return new Entry(state, state.version());
            }
            if (e.state() == null || state.version() > e.state().version()) {
                taken[0] = true;
                return new Entry(state, Math.max(e.announced(), state.version()));
            }
            return e;
        });
        if (taken[0]) {
            generation.incrementAndGet();
            Versioned v = new Versioned(aggregateId, after.state(), after.version(), after.announced());
            listeners.forEach(l -> l.accept(v));
        }
        return taken[0];
    }

    /**
     * Takes a state read from the entity itself, which answers only between persists: an
     * announcement seen at {@code announcedSeen} that this state does not reach was of a write
     * that failed, and is dropped, unless a newer announcement arrived meanwhile. True when the
     * state was taken or the announcement dropped.
     */
    boolean confirm(String aggregateId, VgState state, long announcedSeen) {
        boolean taken = push(aggregateId, state);
        boolean[] dropped = {false};
        entries.computeIfPresent(aggregateId, (k, e) -> {
            if (e.announced() == announcedSeen && e.state() != null && e.announced() > e.state().version()) {
                dropped[0] = true;
                return new Entry(e.state(), e.state().version());
            }
            return e;
        });
        generation.incrementAndGet();
        return taken || dropped[0];
    }

    /** Records that {@code version} exists (the state may follow later). */
    void announce(String aggregateId, long version) {
        entries.merge(aggregateId, new Entry(null, version),
                (e, n) -> new Entry(e.state(), Math.max(e.announced(), version)));
        generation.incrementAndGet();
    }

    public Optional<Versioned> get(String aggregateId) {
        Entry e = entries.get(aggregateId);
        if (e == null || e.state() == null) {
            return Optional.empty();
        }
        return Optional.of(new Versioned(aggregateId, e.state(), e.version(), e.announced()));
    }

    /**
     * Every aggregate known, announced-only ones included (their state is null); unmodifiable.
     * While nothing changed, the same list (identity) is returned again: a query of an unchanged
     * cluster of 2600 aggregates then neither copies the cache nor, in {@link ClusterView},
     * compares its versions.
     */
    public List<Versioned> snapshot() {
        long g = generation.get();
        Snapshot s = lastSnapshot;
        if (s != null && s.generation() == g) {
            return s.entries();
        }
        List<Versioned> out = new ArrayList<>(entries.size());
        entries.forEach((k, e) -> out.add(new Versioned(k, e.state(), e.version(), e.announced())));
        List<Versioned> taken = java.util.Collections.unmodifiableList(out);
        lastSnapshot = new Snapshot(g, taken);
        return taken;
    }

    /** Calls {@code listener} with every state the cache takes (not for ignored or announced-only pushes). */
    public void addListener(Consumer<Versioned> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Versioned> listener) {
        listeners.remove(listener);
    }

    public int size() {
        return entries.size();
    }
}
