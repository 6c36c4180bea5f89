package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.metadata.VgMetadata;
import io.lvmcoord.scan.report.PvReport;

import java.util.Optional;

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

    /**
     * The owner of {@code report}, made from {@code scan}: the VG named by the newest metadata the
     * scan parsed on the device itself (the scan already parsed it; nothing is parsed again here).
     */
    public static Target route(PvReport report, DeviceScan scan) {
        Optional<VgMetadata> vg = scan instanceof DeviceScan.PvScan pv ? pv.metadata() : Optional.empty();
        if (vg.isPresent()) {
            return new Target(Target.Kind.VOLUME_GROUP, vg.get().id());
        }
        return new Target(Target.Kind.PV_DIRECTORY, report.isPv() ? "pv:" + report.pvUuid() : "dev:" + report.node() + ":" + report.device());
    }
}
