package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.codec.DeviceScan;

/**
 * One line of {@code pvs}: a device or a missing PV, and what it is.
 *
 * @param scan the PV scan (null for NOT_PV and MISSING)
 * @param vgPv the VG's entry for it (IN_VG and MISSING only)
 */
public record PvEntry(Kind kind, String name, long devSize, DeviceScan.PvScan scan, VgPv vgPv, VgView vg, LvRelations relations) {

    public enum Kind {
        /** Present and claimed by an assembled VG. */
        IN_VG,
        /** Listed by a VG, no device here: "[unknown]". */
        MISSING,
        /** A PV no VG claims. */
        ORPHAN,
        /** Marked in use but its VG could not be read. */
        UNKNOWN_VG,
        /** An unused duplicate of a preferred device. */
        DUPLICATE,
        /** A device without an LVM2 label (only with {@code pvs -a}). */
        NOT_PV
    }

    public boolean inVg() {
        return kind == Kind.IN_VG || kind == Kind.MISSING;
    }
}
