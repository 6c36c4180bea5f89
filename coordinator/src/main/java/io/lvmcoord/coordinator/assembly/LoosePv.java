package io.lvmcoord.coordinator.assembly;

import io.lvmcoord.scan.codec.DeviceScan;

/**
 * A PV that no assembled VG claims.
 *
 * @param unknownVg true when the PV says it is in use (PV_EXT_USED) but no VG was found for it,
 *                  typically because its own metadata is unreadable; lvm2 shows VG "[unknown]"
 */
public record LoosePv(DeviceScan.PvScan scan, boolean unknownVg) {
}
