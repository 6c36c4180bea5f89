package io.lvmcoord.coordinator.vg;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.report.PvReport;
import io.lvmcoord.scan.report.PvReports;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one node sees, from the aggregates that hold its devices' reports (VG entities and PV
 * directory entries alike): the union of that node's reports, rebuilt as scans and assembled with
 * lvm2's rules. For the same devices this is exactly what direct mode prints.
 *
 * <p>An instance remembers its work: the scans rebuilt from each aggregate version and the last
 * assembled view with the versions it came from, so a node whose cluster has not changed answers
 * again without rebuilding or assembling anything. Rebuilt scans hold no metadata of their own:
 * each text's model is the node's one shared parse ({@code ParsedTexts}), the one the scanner
 * and the entities hold too, so a VG of N PVs is held once, not once per device or version.
 */
public final class ClusterView {

    /** A node's view and the version of each aggregate it was assembled from. */
    public record Assembled(String node, Assembly assembly, Map<String, Long> versions) {
    }

    private record NodeScans(long version, List<DeviceScan> scans) {
    }

    private final VgAssembler assembler;
    private final DecodeLimits limits;
    private final Map<String, NodeScans> scanMemo = new ConcurrentHashMap<>();
    /**
     * The last view assembled, and the collection it came from: given the very same collection
     * again (the cache's unchanged snapshot), that view is the answer without a look at it.
     */
    private volatile Last last;

    private record Last(Collection<NodeReadCache.Versioned> aggregates, Assembled assembled) {
    }

    /** With the built-in decode limits (those of reference.conf). */
    public ClusterView(VgAssembler assembler) {
        this(assembler, DecodeLimits.DEFAULT);
    }

    /** @param limits the node's {@code lvmcoord.codec} caps, under which stored texts are parsed as the scanner parsed them */
    public ClusterView(VgAssembler assembler, DecodeLimits limits) {
        this.assembler = assembler;
        this.limits = limits;
    }

    /** The caps stored texts are parsed under. */
    public DecodeLimits limits() {
        return limits;
    }

    /**
     * How {@code node} sees the cluster, from the aggregates given (announced-only ones are
     * skipped). {@code aggregates} must not change once given (the cache's snapshots do not):
     * the same collection given again is answered with the same view.
     */
    public Assembled forNode(String node, Collection<NodeReadCache.Versioned> aggregates) {
        Last before = last;
        Assembled previous = before == null ? null : before.assembled();
        if (before != null && before.aggregates() == aggregates && previous.node().equals(node)) {
            return previous;
        }
        Map<String, Long> versions = new TreeMap<>();
        List<NodeReadCache.Versioned> held = new ArrayList<>();
        for (NodeReadCache.Versioned v : aggregates) {
            if (v.state() != null && v.state().reports().containsKey(node)) {
                versions.put(v.aggregateKey(), v.version());
                held.add(v);
            }
        }
        if (previous != null && previous.node().equals(node) && previous.versions().equals(versions)) {
            last = new Last(aggregates, previous);
            return previous;
        }
        List<DeviceScan> scans = new ArrayList<>();
        for (NodeReadCache.Versioned v : held) {
            String memoKey = node + "\u0000" + v.aggregateKey();
            NodeScans memo = scanMemo.get(memoKey);
            if (memo == null || memo.version() != v.version()) {
                memo = new NodeScans(v.version(), scansOf(node, v.state(), limits));
                scanMemo.put(memoKey, memo);
            }
            scans.addAll(memo.scans());
        }
        Assembled view = new Assembled(node, assembleInDeviceOrder(scans, assembler), versions);
        last = new Last(aggregates, view);
        return view;
    }

    /** A one-off view (nothing remembered), for callers holding states rather than a cache. */
    public static Assembly forNode(String node, Collection<VgState> aggregates, VgAssembler assembler, DecodeLimits limits) {
        List<DeviceScan> scans = new ArrayList<>();
        for (VgState s : aggregates) {
            scans.addAll(scansOf(node, s, limits));
        }
        return assembleInDeviceOrder(scans, assembler);
    }

    private static List<DeviceScan> scansOf(String node, VgState s, DecodeLimits limits) {
        PvReports.TextParser parser = new PvReports.TextParser(s::text, limits);
        List<DeviceScan> scans = new ArrayList<>();
        for (PvReport r : s.reports().getOrDefault(node, Map.of()).values()) {
            scans.add(PvReports.toScan(r, parser));
        }
        return List.copyOf(scans);
    }

    private static Assembly assembleInDeviceOrder(List<DeviceScan> scans, VgAssembler assembler) {
        List<DeviceScan> sorted = new ArrayList<>(scans);
        // lvm2 meets devices in name order; "first seen" tie-breaks depend on it.
        sorted.sort(Comparator.comparing(DeviceScan::device));
        return assembler.assemble(sorted);
    }
}
