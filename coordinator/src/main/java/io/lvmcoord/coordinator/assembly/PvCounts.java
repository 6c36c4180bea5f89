package io.lvmcoord.coordinator.assembly;

import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.MdaScan;

/**
 * Per-PV metadata-area figures as lvm2 reports them. Broken areas are dropped from the counts
 * (lvm2 forgets an mda whose header or text fails); ignored areas count but are not "used".
 */
public final class PvCounts {
    private PvCounts() {
    }

    public static long mdaCount(DeviceScan.PvScan pv) {
        return pv.mdas().stream().filter(VgView::usable).count();
    }

    public static long mdaUsedCount(DeviceScan.PvScan pv) {
        return pv.mdas().stream().filter(m -> VgView.usable(m) && m.status() != MdaScan.Status.IGNORED).count();
    }

    /** Smallest usable area size in bytes, 0 when none. */
    public static long mdaSize(DeviceScan.PvScan pv) {
        return pv.mdas().stream().filter(VgView::usable).mapToLong(m -> m.area().size()).min().orElse(0);
    }

    /** Smallest free space among usable areas, 0 when none. */
    public static long mdaFree(DeviceScan.PvScan pv) {
        return pv.mdas().stream().filter(VgView::usable).mapToLong(MdaScan::freeBytes).min().orElse(0);
    }
}
