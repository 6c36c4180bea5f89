package io.lvmcoord.coordinator.vg;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's cache of aggregate states, fed by pushes from the entities.
 *
 * <p>Pushes may arrive twice or out of order; a state is taken only if its version is newer than
 * the one held, so the cache never goes back in time. An entity may also announce a version
 * before the state arrives; until a state at least that new is held, reads report that what
 * they see may be stale rather than pretending it is current.
 */
public final class NodeReadCache {

    /** A state as served, with the version it had and whether a newer one is known to exist. */
    public record Versioned(VgState state, long version, boolean mayBeStale) {
    }

    private record Entry(VgState state, long announced) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** Offers a pushed state; returns true when it replaced an older one. */
    public boolean push(String aggregateId, VgState state) {
        boolean[] taken = {false};
        entries.compute(aggregateId, (k, e) -> {
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
        return taken[0];
    }

    /** Records that {@code version} exists (the state may follow later). */
    public void announce(String aggregateId, long version) {
        entries.merge(aggregateId, new Entry(null, version),
                (e, n) -> new Entry(e.state(), Math.max(e.announced(), version)));
    }

    public Optional<Versioned> get(String aggregateId) {
        Entry e = entries.get(aggregateId);
        if (e == null || e.state() == null) {
            return Optional.empty();
        }
        return Optional.of(new Versioned(e.state(), e.state().version(), e.announced() > e.state().version()));
    }

    public int size() {
        return entries.size();
    }
}
