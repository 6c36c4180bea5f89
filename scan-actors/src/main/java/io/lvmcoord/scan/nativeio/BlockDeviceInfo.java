package io.lvmcoord.scan.nativeio;

import java.util.List;

/**
 * What sysfs says about one block device ({@link SysfsBlockDevices}).
 *
 * @param name      the kernel name, e.g. sda1, dm-3, cciss!c0d0
 * @param devNode   its node under /dev ('!' in the kernel name stands for '/')
 * @param sizeBytes sysfs {@code size}, which counts 512-byte sectors whatever the logical block size
 * @param partition a {@code partition} attribute exists
 * @param readOnly  {@code ro} is 1
 * @param removable {@code removable} is 1 (partitions have no such attribute: false)
 * @param dmName    {@code dm/name} for device-mapper devices, else null
 * @param dmUuid    {@code dm/uuid} for device-mapper devices that have one, else null; LVM's LVs
 *                  start with "LVM-", multipath maps with "mpath-"
 * @param holders   devices stacked on this one (entries of {@code holders/}), sorted
 * @param slaves    devices this one is stacked on (entries of {@code slaves/}), sorted
 */
public record BlockDeviceInfo(String name, String devNode, int major, int minor, long sizeBytes, boolean partition,
                              boolean readOnly, boolean removable, String dmName, String dmUuid, List<String> holders,
                              List<String> slaves) {
    public BlockDeviceInfo {
        holders = List.copyOf(holders);
        slaves = List.copyOf(slaves);
    }

    public boolean deviceMapper() {
        return dmName != null;
    }
}
