package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.metadata.ConfigParser;
import io.lvmcoord.scan.metadata.MetadataImporter;
import io.lvmcoord.scan.metadata.VgMetadata;
import io.lvmcoord.scan.report.PvReport;

import java.util.Map;

/**
 * Which aggregate holds a device's report. A PV whose own metadata names its VG goes to that
 * VG's entity (sharded by VG UUID). Everything else, PVs without readable metadata, orphans,
 * devices that are not PVs, goes to the PV directory, sharded by PV UUID (or by node and device
 * for non-PVs): there the VG that lists a metadata-less PV finds it, and orphans stay orphans.
 */
public final class ReportRouting {
    private ReportRouting() {
    }

    /** An aggregate's identity: its kind and its sharding key. */
    public record Target(Kind kind, String id) {
        public enum Kind { VOLUME_GROUP, PV_DIRECTORY }
    }

    public static Target route(PvReport report, Map<PvReport.TextKey, byte[]> texts) {
        VgMetadata newest = null;
        for (PvReport.Mda m : report.mdas()) {
            if (m.text() == null || texts.get(m.text()) == null) {
                continue;
            }
            byte[] t = texts.get(m.text());
            try {
                VgMetadata vg = MetadataImporter.importVg(ConfigParser.parse(t, t.length, 64));
                if (newest == null || vg.seqno() > newest.seqno()) {
                    newest = vg;
                }
            } catch (ConfigParser.SyntaxError | MetadataImporter.ImportError e) {
                // The scanner parsed this text before sending it; a failure here means corruption in transit.
                throw new IllegalArgumentException("metadata text " + m.text() + " of " + report.device() + " does not parse", e);
            }
        }
        if (newest != null) {
            return new Target(Target.Kind.VOLUME_GROUP, newest.id());
        }
        return new Target(Target.Kind.PV_DIRECTORY, report.isPv() ? "pv:" + report.pvUuid() : "dev:" + report.node() + ":" + report.device());
    }
}
