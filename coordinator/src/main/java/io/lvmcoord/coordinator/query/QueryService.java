package io.lvmcoord.coordinator.query;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.coordinator.report.Fields;
import io.lvmcoord.coordinator.report.Report;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.coordinator.report.ReportRenderer;
import io.lvmcoord.coordinator.report.ReportRequest;
import io.lvmcoord.coordinator.vg.CacheUpdates;
import io.lvmcoord.coordinator.vg.NodeReadCache;
import io.lvmcoord.coordinator.vg.VgNameIndex;
import io.lvmcoord.coordinator.vg.VgSharding;
import io.lvmcoord.coordinator.vg.VgState;
import io.lvmcoord.coordinator.vg.VolumeGroupEntity;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.report.PvReport;
import io.lvmcoord.scan.report.PvReports;
import org.apache.pekko.actor.typed.ActorSystem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * pvs, vgs and lvs from the cluster model, as one node sees it.
 *
 * <p>Answers come from the node's {@link NodeReadCache}, which every entity keeps current by
 * push. Where the cache knows a newer version was announced than the one it holds (a report of
 * that aggregate is being persisted), the query asks the entity itself: the entity stashes the
 * ask until the persist is done, so the answer includes it (rule 7). If the entity cannot be
 * reached in time, the cached version is served and the answer says it may be stale rather
 * than failing.
 *
 * <p>Rebuilding a node's view means turning every held report back into a scan and assembling
 * them with lvm2's rules. Scans are kept per aggregate and version, and the assembled view per
 * set of versions, so an unchanged cluster answers repeated queries without re-parsing or
 * re-assembling anything.
 */
public final class QueryService {

    /** One node's view and the versions it was assembled from. */
    public record View(String node, Assembly assembly, Map<String, Long> versions, boolean mayBeStale) {
        /** Sum of the aggregates' versions: grows with every change the view includes, never goes back. */
        public long version() {
            return versions.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A rendered report with the view it came from; {@code warnings} are lvm2-worded, for stderr. */
    public record Answer(String text, Report report, List<String> warnings, View view, boolean failed) {
    }

    private record NodeScans(long version, List<DeviceScan> scans) {
    }

    private final ActorSystem<?> system;
    private final NodeReadCache cache;
    private final VgAssembler assembler;
    private final Fields fields;
    private final Duration pendingWait;
    private final Map<String, NodeScans> scanMemo = new ConcurrentHashMap<>();
    private volatile View lastView;

    public QueryService(ActorSystem<?> system, NodeReadCache cache, VgAssembler assembler, Fields fields, Duration pendingWait) {
        this.system = system;
        this.cache = cache;
        this.assembler = assembler;
        this.fields = fields;
        this.pendingWait = pendingWait;
    }

    public NodeReadCache cache() {
        return cache;
    }

    /**
     * How {@code node} sees the cluster now. Aggregates with a persist in flight are read from
     * their entity (waiting for it); the rest come from the cache.
     */
    public CompletionStage<View> view(String node) {
        List<CompletableFuture<Void>> refreshes = new ArrayList<>();
        for (NodeReadCache.Versioned v : cache.snapshot()) {
            if (v.mayBeStale()) {
                refreshes.add(refresh(v.aggregateKey(), v.announced()));
            }
        }
        return CompletableFuture.allOf(refreshes.toArray(CompletableFuture[]::new)).thenApply(x -> assemble(node));
    }

    /** Asks the entity for its state (after any persist in flight) and offers it to the cache; failures leave the cache as it was. */
    private CompletableFuture<Void> refresh(String aggregateKey, long announcedSeen) {
        return VgSharding.entity(system, CacheUpdates.target(aggregateKey))
                .<VgState>ask(VolumeGroupEntity.GetState::new, pendingWait).toCompletableFuture()
                .handle((state, failure) -> {
                    if (state != null) {
                        cache.confirm(aggregateKey, state, announcedSeen);
                    }
                    return null;
                });
    }

    private View assemble(String node) {
        Map<String, Long> versions = new TreeMap<>();
        List<NodeReadCache.Versioned> held = new ArrayList<>();
        boolean stale = false;
        for (NodeReadCache.Versioned v : cache.snapshot()) {
            stale |= v.mayBeStale();
            if (v.state() != null && v.state().reports().containsKey(node)) {
                versions.put(v.aggregateKey(), v.version());
                held.add(v);
            }
        }
        View last = lastView;
        if (last != null && last.node().equals(node) && last.versions().equals(versions)) {
            return stale == last.mayBeStale() ? last : new View(node, last.assembly(), versions, stale);
        }
        List<DeviceScan> scans = new ArrayList<>();
        for (NodeReadCache.Versioned v : held) {
            scans.addAll(scansOf(node, v));
        }
        // lvm2 meets devices in name order; "first seen" tie-breaks depend on it.
        scans.sort(Comparator.comparing(DeviceScan::device));
        View view = new View(node, assembler.assemble(scans), versions, stale);
        lastView = view;
        return view;
    }

    private List<DeviceScan> scansOf(String node, NodeReadCache.Versioned v) {
        String memoKey = node + "\u0000" + v.aggregateKey();
        NodeScans memo = scanMemo.get(memoKey);
        if (memo != null && memo.version() == v.version()) {
            return memo.scans();
        }
        VgState s = v.state();
        PvReports.TextParser parser = new PvReports.TextParser(s::text);
        List<DeviceScan> scans = new ArrayList<>();
        for (PvReport r : s.reports().get(node).values()) {
            scans.add(PvReports.toScan(r, parser));
        }
        scanMemo.put(memoKey, new NodeScans(v.version(), List.copyOf(scans)));
        return scans;
    }

    /** The UUIDs of every VG named {@code name}, from the cluster's name index. */
    public CompletionStage<List<String>> vgUuidsNamed(String name) {
        return VgSharding.nameIndex(system, name).<VgNameIndex.Listing>ask(VgNameIndex.Lookup::new, pendingWait)
                .thenApply(VgNameIndex.Listing::vgUuids);
    }

    /**
     * A report as lvm2 prints it for {@code node}; {@code vgNames} restricts it to those VGs
     * (lvm2's positional VG names), each of which must exist.
     */
    public CompletionStage<Answer> report(ReportRequest req, String node, List<String> vgNames) {
        return view(node).thenApply(view -> answer(req, view, vgNames));
    }

    /** Renders {@code req} over an already assembled view (pure; exposed for callers holding a view). */
    public Answer answer(ReportRequest req, View view, List<String> vgNames) {
        Assembly a = view.assembly();
        List<String> warnings = new ArrayList<>(a.warnings());
        boolean failed = false;
        if (!vgNames.isEmpty()) {
            Set<String> wanted = new HashSet<>(vgNames);
            Set<String> found = new HashSet<>();
            a.vgs().forEach(v -> found.add(v.name()));
            for (String n : vgNames) {
                if (!found.contains(n)) {
                    warnings.add("Volume group \"" + n + "\" not found");
                    warnings.add("Cannot process volume group " + n);
                    failed = true;
                }
            }
            List<VgView> vgs = a.vgs().stream().filter(v -> wanted.contains(v.name())).toList();
            a = new Assembly(vgs, List.of(), List.of(), List.of(), a.warnings());
        }
        Report report;
        try {
            report = new ReportBuilder(fields).build(a, req);
        } catch (ReportBuilder.BadRequest e) {
            throw new BadQuery(e.getMessage());
        }
        String text = req.format() == ReportRequest.Format.JSON ? ReportRenderer.json(report)
                : ReportRenderer.basic(report, req.headings(), req.separator(), req.aligned());
        return new Answer(text, report, warnings, view, failed);
    }

    /** A request the report builder refused (unknown field, field of the wrong report type). */
    public static final class BadQuery extends RuntimeException {
        public BadQuery(String message) {
            super(message);
        }
    }
}
