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
 * @param behind      host -> its devices in this aggregate, for every host whose seqno is below newest
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
        long newest = 0;
        for (Map.Entry<String, Map<String, PvReport>> host : state.reports().entrySet()) {
            long best = -1;
            for (PvReport r : host.getValue().values()) {
                for (PvReport.Mda m : r.mdas()) {
                    VgMetadata vg = m.text() == null ? null : parser.parse(m.text());
                    if (vg != null && vg.seqno() > best) {
                        best = vg.seqno();
                    }
                }
            }
            if (best >= 0) {
                byHost.put(host.getKey(), best);
                newest = Math.max(newest, best);
            }
        }
        Map<String, List<String>> behind = new TreeMap<>();
        for (Map.Entry<String, Long> h : byHost.entrySet()) {
            if (h.getValue() < newest) {
                behind.put(h.getKey(), new java.util.ArrayList<>(new java.util.TreeSet<>(state.reports().get(h.getKey()).keySet())));
            }
        }
        return new Convergence(newest, byHost, behind);
    }

    /** Convenience for callers without a parser of their own (parses each text of the state once). */
    public static Convergence of(VgState state) {
        return of(state, new PvReports.TextParser(state::text));
    }
}
