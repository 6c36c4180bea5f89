package io.lvmcoord.coordinator.assembly;

import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.metadata.PvMetadata;

/**
 * A PV as a VG's metadata lists it, joined to the device that carries it here.
 *
 * @param device the device with this PV's UUID, or null when it is missing on this host
 */
public record VgPv(PvMetadata meta, DeviceScan.PvScan device) {
    public boolean missing() {
        return device == null;
    }
}
