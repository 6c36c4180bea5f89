package io.lvmcoord.coordinator.assembly;

import io.lvmcoord.scan.codec.DeviceScan;

import java.util.List;

/**
 * What a set of device scans amounts to: VGs, PVs outside any VG, unused duplicates, devices
 * that are not PVs, and lvm2-worded warnings in the order lvm2 would print them.
 */
public record Assembly(List<VgView> vgs, List<LoosePv> loosePvs, List<DuplicatePv> duplicates,
                       List<DeviceScan.NotAPv> nonPvDevices, List<String> warnings) {
    public Assembly {
        vgs = List.copyOf(vgs);
        loosePvs = List.copyOf(loosePvs);
        duplicates = List.copyOf(duplicates);
        nonPvDevices = List.copyOf(nonPvDevices);
        warnings = List.copyOf(warnings);
    }
}
