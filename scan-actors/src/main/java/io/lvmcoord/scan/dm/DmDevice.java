package io.lvmcoord.scan.dm;

import java.util.List;
import java.util.Optional;

/**
 * One device-mapper device as the kernel describes it ({@code DM_DEV_STATUS} and
 * {@code DM_TABLE_STATUS}, or a {@code dmsetup info}/{@code status} recording): what lvm2 asks
 * for an LV's kernel fields and {@code lv_attr} state characters.
 *
 * @param uuid          the dm UUID; LVM's are {@code LVM-<vg uuid><lv uuid>[-layer]} ({@link #lvm()})
 * @param openCount     how many holders have it open
 * @param liveTable     a table is loaded and live
 * @param inactiveTable a table is loaded but not yet live
 * @param statuses      one per target, in table order ({@code DM_TABLE_STATUS} with status)
 * @param tables        the live table, one line per target ({@code DM_TABLE_STATUS} with table); empty when not read
 * @param readAhead     the device's read-ahead in 512-byte sectors (sysfs {@code bdi/read_ahead_kb} or
 *                      {@code BLKRAGET}), or {@link #UNKNOWN_READ_AHEAD} when the source did not record it
 * @param eventNr       the device's event counter ({@code dmsetup info}'s "events": raised by a target's
 *                      event, e.g. a raid or mirror finishing its sync); 0 when the source did not record it
 */
public record DmDevice(String name, String uuid, int major, int minor, int openCount, boolean suspended, boolean readOnly,
                       boolean liveTable, boolean inactiveTable, List<DmStatusLine> statuses, List<DmStatusLine> tables,
                       long readAhead, long eventNr) {

    public static final long UNKNOWN_READ_AHEAD = -1;

    public DmDevice {
        statuses = List.copyOf(statuses);
        tables = List.copyOf(tables);
    }

    /** A device whose source has no event counter (reports do not use it; {@code dmsetup info} prints it). */
    public DmDevice(String name, String uuid, int major, int minor, int openCount, boolean suspended, boolean readOnly,
                    boolean liveTable, boolean inactiveTable, List<DmStatusLine> statuses, List<DmStatusLine> tables, long readAhead) {
        this(name, uuid, major, minor, openCount, suspended, readOnly, liveTable, inactiveTable, statuses, tables, readAhead, 0);
    }

    /** Which VG and LV an LVM device belongs to, and its layer ({@code tpool}, {@code real}, {@code cow}, ...; "" for the LV itself). */
    public record LvmId(String vgUuid, String lvUuid, String layer) {
    }

    private static final String LVM_PREFIX = "LVM-";
    /** LVM UUIDs as the dm UUID carries them: 32 characters, without dashes. */
    private static final int ID_LEN = 32;

    /** The LV this device serves, when its UUID is LVM's. */
    public Optional<LvmId> lvm() {
        if (uuid == null || !uuid.startsWith(LVM_PREFIX) || uuid.length() < LVM_PREFIX.length() + 2 * ID_LEN) {
            return Optional.empty();
        }
        String ids = uuid.substring(LVM_PREFIX.length());
        String layer = ids.length() > 2 * ID_LEN && ids.charAt(2 * ID_LEN) == '-' ? ids.substring(2 * ID_LEN + 1) : "";
        if (ids.length() > 2 * ID_LEN && layer.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LvmId(ids.substring(0, ID_LEN), ids.substring(ID_LEN, 2 * ID_LEN), layer));
    }
}
