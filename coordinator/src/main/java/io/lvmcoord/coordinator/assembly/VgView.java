package io.lvmcoord.coordinator.assembly;

import io.lvmcoord.scan.codec.MdaScan;
import io.lvmcoord.scan.metadata.VgMetadata;

import java.util.List;

/**
 * One assembled VG: the winning metadata copy (highest seqno), its PVs in metadata order, and
 * the devices that offered an older copy.
 */
public record VgView(VgMetadata metadata, List<VgPv> pvs, List<StaleCopy> staleCopies) {

    /** A device whose metadata for this VG is older than the winning copy. */
    public record StaleCopy(String device, long seqno) {
    }

    public VgView {
        pvs = List.copyOf(pvs);
        staleCopies = List.copyOf(staleCopies);
    }

    public String name() {
        return metadata.name();
    }

    public long missingPvCount() {
        return pvs.stream().filter(VgPv::missing).count();
    }

    public boolean partial() {
        return missingPvCount() > 0;
    }

    /** Metadata areas on present PVs that are usable (in use, empty or ignored; not broken). */
    public long mdaCount() {
        return pvs.stream().filter(p -> !p.missing()).mapToLong(p -> PvCounts.mdaCount(p.device())).sum();
    }

    public long mdaUsedCount() {
        return pvs.stream().filter(p -> !p.missing()).mapToLong(p -> PvCounts.mdaUsedCount(p.device())).sum();
    }

    /** Convenience for callers holding a PV's mdas. */
    static boolean usable(MdaScan m) {
        return m.status() != MdaScan.Status.BAD_HEADER && m.status() != MdaScan.Status.BAD_TEXT;
    }
}
