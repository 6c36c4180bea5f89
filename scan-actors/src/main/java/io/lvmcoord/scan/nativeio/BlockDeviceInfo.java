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
 * @param ids       the attributes lvm2's device IDs come from (devices file)
 */
public record BlockDeviceInfo(String name, String devNode, int major, int minor, long sizeBytes, boolean partition,
                              boolean readOnly, boolean removable, String dmName, String dmUuid, List<String> holders,
                              List<String> slaves, IdAttributes ids) {
    public BlockDeviceInfo {
        holders = List.copyOf(holders);
        slaves = List.copyOf(slaves);
    }

    /** A device whose ID attributes were not read. */
    public BlockDeviceInfo(String name, String devNode, int major, int minor, long sizeBytes, boolean partition,
                           boolean readOnly, boolean removable, String dmName, String dmUuid, List<String> holders,
                           List<String> slaves) {
        this(name, devNode, major, minor, sizeBytes, partition, readOnly, removable, dmName, dmUuid, holders, slaves,
                IdAttributes.NONE);
    }

    /**
     * The sysfs attributes lvm2 builds device IDs from (lvm2's read_sys_block: a partition's
     * attribute that is empty is taken from its disk). Each is the trimmed text, null when absent.
     *
     * @param partitionNumber sysfs {@code partition}, 0 for a whole device
     * @param wwid            {@code device/wwid}, else {@code wwid}
     * @param serial          {@code device/serial}
     * @param dmUuid          {@code dm/uuid} (a partition's falls back to its disk's)
     * @param mdUuid          {@code md/uuid}
     * @param loopBackingFile {@code loop/backing_file}
     */
    public record IdAttributes(int partitionNumber, String wwid, String serial, String dmUuid, String mdUuid,
                               String loopBackingFile) {
        public static final IdAttributes NONE = new IdAttributes(0, null, null, null, null, null);
    }

    public boolean deviceMapper() {
        return dmName != null;
    }
}
