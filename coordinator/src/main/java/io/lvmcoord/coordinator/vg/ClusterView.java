package io.lvmcoord.coordinator.vg;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.report.PvReport;
import io.lvmcoord.scan.report.PvReports;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * What one node sees, from the aggregates that hold its devices' reports (VG entities and PV
 * directory entries alike): the union of that node's reports, rebuilt as scans and assembled with
 * lvm2's rules. For the same devices this is exactly what direct mode prints.
 */
public final class ClusterView {
    private ClusterView() {
    }

    public static Assembly forNode(String node, Collection<VgState> aggregates, VgAssembler assembler) {
        List<DeviceScan> scans = new ArrayList<>();
        for (VgState s : aggregates) {
            PvReports.TextParser parser = new PvReports.TextParser(s::text);
            for (PvReport r : s.reports().getOrDefault(node, java.util.Map.of()).values()) {
                scans.add(PvReports.toScan(r, parser));
            }
        }
        // lvm2 meets devices in name order; "first seen" tie-breaks depend on it.
        scans.sort(Comparator.comparing(DeviceScan::device));
        return assembler.assemble(scans);
    }
}
