package io.lvmcoord.scan.report;

import io.lvmcoord.scan.codec.DecodeError;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.MdaScan;
import io.lvmcoord.scan.codec.ParsedTexts;
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

    /**
     * Parses texts once per key, under the configured {@link DecodeLimits}, through the node's
     * {@link ParsedTexts}: the model a key yields is the one the scanner and every other holder
     * of that text share, never a copy of its own. A stored text that no longer parses (caps
     * lowered since it was stored, or a journal damaged) yields null, and the reason is kept in
     * {@link #error}: the report then shows that area as BAD_TEXT instead of failing.
     */
    public static final class TextParser {
        private final Function<PvReport.TextKey, byte[]> texts;
        private final ParsedTexts shared;
        private final DecodeLimits limits;
        private final Map<PvReport.TextKey, VgMetadata> parsed = new HashMap<>();
        private final Map<PvReport.TextKey, String> errors = new HashMap<>();

        public TextParser(Function<PvReport.TextKey, byte[]> texts, DecodeLimits limits) {
            this(texts, ParsedTexts.of(limits));
        }

        /** Parsing through {@code shared}, under its limits. */
        public TextParser(Function<PvReport.TextKey, byte[]> texts, ParsedTexts shared) {
            this.texts = texts;
            this.shared = shared;
            this.limits = shared.limits();
        }

        /** With the built-in defaults (those of reference.conf); prefer passing {@code CodecSettings.limits(config)}. */
        public TextParser(Function<PvReport.TextKey, byte[]> texts) {
            this(texts, DecodeLimits.DEFAULT);
        }

        public VgMetadata parse(PvReport.TextKey key) {
            if (parsed.containsKey(key)) {
                return parsed.get(key);
            }
            VgMetadata vg = null;
            byte[] t = texts.apply(key);
            if (t != null) {
                if (t.length > limits.maxTextBytes()) {
                    errors.put(key, "stored metadata text " + key + " of " + t.length + " bytes exceeds the cap of "
                            + limits.maxTextBytes());
                } else {
                    try {
                        vg = shared.parse(key.checksum(), key.size(), t).vg();
                    } catch (ConfigParser.SyntaxError | MetadataImporter.ImportError e) {
                        errors.put(key, "stored metadata text " + key + " no longer parses: " + e.getMessage());
                    }
                }
            }
            parsed.put(key, vg);
            return vg;
        }

        /** Why {@code key}'s text did not parse, or null. */
        public String error(PvReport.TextKey key) {
            return errors.get(key);
        }

        /** Forgets parses of texts not in {@code keep}, for a parser that outlives the texts it has seen. */
        public void retain(java.util.Collection<PvReport.TextKey> keep) {
            java.util.Set<PvReport.TextKey> k = new java.util.HashSet<>(keep);
            parsed.keySet().retainAll(k);
            errors.keySet().retainAll(k);
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
            if (m.status() == MdaScan.Status.IN_USE && vg == null) {
                String why = parser.error(m.text());
                DecodeError e = new DecodeError(r.device(), m.area().offset() + (m.header() == null ? 0 : m.header().committed().offset()),
                        DecodeError.Kind.BAD_TEXT, why != null ? why : "stored metadata text " + m.text() + " is missing");
                mdas.add(new MdaScan(m.index(), m.area(), m.header(), MdaScan.Status.BAD_TEXT, null, e));
            } else {
                mdas.add(new MdaScan(m.index(), m.area(), m.header(), m.status(), vg, m.error()));
            }
        }
        return new DeviceScan.PvScan(r.device(), r.deviceSize(), r.label(), mdas);
    }
}
