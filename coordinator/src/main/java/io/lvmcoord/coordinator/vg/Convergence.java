package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.metadata.VgMetadata;
import io.lvmcoord.scan.report.PvReport;
import io.lvmcoord.scan.report.PvReports;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-host convergence of one VG aggregate, derived from its state: the newest metadata seqno
 * each host's reports show, the newest any host shows, and the hosts behind it with their
 * devices of this VG (what they must re-read to catch up). Hosts whose reports carry no
 * metadata text (PVs without a metadata area) have no seqno and are never behind.
 *
 * @param newest      the highest seqno any host reported (0 when none carries metadata)
 * @param seqnoByHost host -> the highest seqno in that host's reports
 * @param behind      host -> its devices in this aggregate, for every host whose seqno is below newest;
 *                    and host -> its devices that show an older seqno, for a host that shows the
 *                    newest on some devices and an older one on others (a mixed view)
 */
public record Convergence(long newest, Map<String, Long> seqnoByHost, Map<String, List<String>> behind) {

    public static final Convergence NONE = new Convergence(0, Map.of(), Map.of());

    public Convergence {
        seqnoByHost = java.util.Collections.unmodifiableMap(new TreeMap<>(seqnoByHost));
        Map<String, List<String>> b = new TreeMap<>();
        behind.forEach((h, d) -> b.put(h, List.copyOf(d)));
        behind = java.util.Collections.unmodifiableMap(b);
    }

    public boolean converged() {
        return behind.isEmpty();
    }

    public static Convergence of(VgState state, PvReports.TextParser parser) {
        Map<String, Long> byHost = new TreeMap<>();
        // Per host, each device's newest seqno (devices without metadata text have none).
        Map<String, Map<String, Long>> byDevice = new TreeMap<>();
        long newest = 0;
        for (Map.Entry<String, Map<String, PvReport>> host : state.reports().entrySet()) {
            long best = -1;
            Map<String, Long> devices = new TreeMap<>();
            for (Map.Entry<String, PvReport> d : host.getValue().entrySet()) {
                long deviceBest = -1;
                for (PvReport.Mda m : d.getValue().mdas()) {
                    VgMetadata vg = m.text() == null ? null : parser.parse(m.text());
                    if (vg != null && vg.seqno() > deviceBest) {
                        deviceBest = vg.seqno();
                    }
                }
                if (deviceBest >= 0) {
                    devices.put(d.getKey(), deviceBest);
                }
                best = Math.max(best, deviceBest);
            }
            if (best >= 0) {
                byHost.put(host.getKey(), best);
                byDevice.put(host.getKey(), devices);
                newest = Math.max(newest, best);
            }
        }
        Map<String, List<String>> behind = new TreeMap<>();
        for (Map.Entry<String, Long> h : byHost.entrySet()) {
            if (h.getValue() < newest) {
                behind.put(h.getKey(), new java.util.ArrayList<>(new java.util.TreeSet<>(state.reports().get(h.getKey()).keySet())));
                continue;
            }
            // Mixed: the host saw the new seqno on some of its devices and still holds older reports
            // of others (lvm2, reading all PVs of a VG at once, would not mix them): those devices
            // are behind too, and are re-read before the host's view is served as current.
            List<String> older = new java.util.ArrayList<>();
            for (Map.Entry<String, Long> d : byDevice.get(h.getKey()).entrySet()) {
                if (d.getValue() < newest) {
                    older.add(d.getKey());
                }
            }
            if (!older.isEmpty()) {
                behind.put(h.getKey(), older);
            }
        }
        return new Convergence(newest, byHost, behind);
    }

    /** Convenience for callers without a parser of their own (parses each text of the state once). */
    public static Convergence of(VgState state) {
        return of(state, new PvReports.TextParser(state::text));
    }
}
