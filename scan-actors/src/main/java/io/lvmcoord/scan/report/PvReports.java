package io.lvmcoord.scan.report;

import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.MdaScan;
import io.lvmcoord.scan.metadata.ConfigParser;
import io.lvmcoord.scan.metadata.MetadataImporter;
import io.lvmcoord.scan.metadata.VgMetadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Converts between a scan's {@link DeviceScan} and its durable {@link PvReport} plus texts.
 * Going back re-parses each text once per key ({@link TextParser}), so an aggregate holding
 * thousands of reports of one VG parses its metadata once.
 */
public final class PvReports {
    private PvReports() {
    }

    /** A report and the texts it refers to. */
    public record Extracted(PvReport report, Map<PvReport.TextKey, byte[]> texts) {
    }

    public static Extracted of(String node, DeviceScan scan) {
        if (scan instanceof DeviceScan.NotAPv n) {
            return new Extracted(new PvReport(node, n.device(), n.deviceSize(), null, List.of(), n.reason(), null), Map.of());
        }
        if (scan instanceof DeviceScan.DeviceFault f) {
            return new Extracted(new PvReport(node, f.device(), 0, null, List.of(), null, f.error()), Map.of());
        }
        DeviceScan.PvScan pv = (DeviceScan.PvScan) scan;
        List<PvReport.Mda> mdas = new ArrayList<>();
        Map<PvReport.TextKey, byte[]> texts = new HashMap<>();
        for (MdaScan m : pv.mdas()) {
            PvReport.TextKey key = null;
            if (m.status() == MdaScan.Status.IN_USE) {
                key = new PvReport.TextKey(m.committed().checksum(), m.committed().size());
                texts.put(key, m.text());
            }
            mdas.add(new PvReport.Mda(m.index(), m.area(), m.header(), m.status(), key, m.error()));
        }
        return new Extracted(new PvReport(node, pv.device(), pv.deviceSize(), pv.label(), mdas, null, null), texts);
    }

    /** Parses texts once per key; texts that no longer parse (never expected) yield null. */
    public static final class TextParser {
        private final Function<PvReport.TextKey, byte[]> texts;
        private final Map<PvReport.TextKey, VgMetadata> parsed = new HashMap<>();

        public TextParser(Function<PvReport.TextKey, byte[]> texts) {
            this.texts = texts;
        }

        public VgMetadata parse(PvReport.TextKey key) {
            return parsed.computeIfAbsent(key, k -> {
                byte[] t = texts.apply(k);
                if (t == null) {
                    return null;
                }
                try {
                    return MetadataImporter.importVg(ConfigParser.parse(t, t.length, 64));
                } catch (ConfigParser.SyntaxError | MetadataImporter.ImportError e) {
                    throw new IllegalStateException("stored metadata text " + k + " no longer parses", e);
                }
            });
        }

        /** Forgets parses of texts not in {@code keep}, for a parser that outlives the texts it has seen. */
        public void retain(java.util.Collection<PvReport.TextKey> keep) {
            parsed.keySet().retainAll(new java.util.HashSet<>(keep));
        }
    }

    /** Rebuilds the scan a report was made from. */
    public static DeviceScan toScan(PvReport r, TextParser parser) {
        if (r.fault() != null) {
            return new DeviceScan.DeviceFault(r.device(), r.fault());
        }
        if (r.notAPv() != null) {
            return new DeviceScan.NotAPv(r.device(), r.deviceSize(), r.notAPv());
        }
        List<MdaScan> mdas = new ArrayList<>();
        for (PvReport.Mda m : r.mdas()) {
            VgMetadata vg = m.text() == null ? null : parser.parse(m.text());
            MdaScan.Status status = m.status() == MdaScan.Status.IN_USE && vg == null ? MdaScan.Status.BAD_TEXT : m.status();
            mdas.add(new MdaScan(m.index(), m.area(), m.header(), status, vg, m.error()));
        }
        return new DeviceScan.PvScan(r.device(), r.deviceSize(), r.label(), mdas);
    }
}
