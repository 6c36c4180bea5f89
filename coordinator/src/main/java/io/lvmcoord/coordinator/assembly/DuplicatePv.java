package io.lvmcoord.coordinator.assembly;

import io.lvmcoord.scan.codec.DeviceScan;

/** A device carrying a PV UUID that another, preferred device also carries. */
public record DuplicatePv(DeviceScan.PvScan scan, String preferredDevice, String reason) {
}
