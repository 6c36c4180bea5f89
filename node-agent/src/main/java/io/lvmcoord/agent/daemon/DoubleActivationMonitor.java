package io.lvmcoord.agent.daemon;

import io.lvmcoord.coordinator.vg.DoubleActivation;
import io.lvmcoord.coordinator.vg.NodeReadCache;
import io.lvmcoord.coordinator.vg.VgState;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.metadata.VgMetadata;
import io.lvmcoord.scan.report.PvReports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the activation map in this node's cache for LVs active on several hosts that must not
 * be ({@link DoubleActivation}): any node warns for any VG, since every cache holds every
 * aggregate. Each (LV, host set) is logged at WARN once, while it lasts; the current ones are
 * shown by status and counted in metrics. Fed by the cache's listener (its one writer's thread),
 * read by status and metrics.
 */
final class DoubleActivationMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(DoubleActivationMonitor.class);
    private static final String VG_PREFIX = "VOLUME_GROUP:";

    private final DecodeLimits limits;
    /** The warnings of each VG aggregate now, by aggregate key. */
    private final Map<String, List<DoubleActivation.Warning>> current = new ConcurrentHashMap<>();
    private final AtomicLong logged = new AtomicLong();

    DoubleActivationMonitor(NodeReadCache cache, DecodeLimits limits) {
        this.limits = limits;
        cache.addListener(this::took);
        cache.snapshot().forEach(this::took);
    }

    private void took(NodeReadCache.Versioned v) {
        if (!v.aggregateKey().startsWith(VG_PREFIX)) {
            return;
        }
        VgState state = v.state();
        List<DoubleActivation.Warning> now = List.of();
        if (state != null && state.activation().size() >= 2) {
            Optional<VgMetadata> vg = DoubleActivation.newestMetadata(state, new PvReports.TextParser(state::text, limits));
            now = vg.map(m -> DoubleActivation.of(m, state)).orElse(List.of());
        }
        List<DoubleActivation.Warning> before = now.isEmpty() ? current.remove(v.aggregateKey()) : current.put(v.aggregateKey(), now);
        Set<DoubleActivation.Warning> seen = before == null ? Set.of() : Set.copyOf(before);
        for (DoubleActivation.Warning w : now) {
            if (!seen.contains(w)) {
                logged.incrementAndGet();
                LOG.warn("{}", w.text());
            }
        }
    }

    /** The LVs active on several hosts now that may not be, by VG and LV name. */
    List<DoubleActivation.Warning> warnings() {
        List<DoubleActivation.Warning> out = new ArrayList<>();
        current.values().forEach(out::addAll);
        out.sort(Comparator.comparing(DoubleActivation.Warning::vg).thenComparing(DoubleActivation.Warning::lv));
        return out;
    }

    /** Double activations logged since start (each LV and host set once while it lasts). */
    long loggedTotal() {
        return logged.get();
    }
}
