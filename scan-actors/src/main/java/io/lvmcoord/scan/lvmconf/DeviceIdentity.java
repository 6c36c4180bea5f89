package io.lvmcoord.scan.lvmconf;

import java.util.List;
import java.util.Optional;

/**
 * What lvm2 knows of one block device before reading it: its names and the sysfs values its
 * device IDs come from. Built by the discovery code from sysfs and the {@code devices/scan} dirs.
 *
 * @param names      every path that leads to the device node, lvm2's preferred name first
 *                   ({@link DeviceNames#order}); never empty
 * @param kind       what the major number says (loop, md and device-mapper devices take their
 *                   own ID types)
 * @param partition  the partition number (sysfs {@code partition}), 0 for a whole device
 * @param wwid       {@code device/wwid}, else {@code wwid} (a partition's comes from its disk)
 * @param serial     {@code device/serial}
 * @param dmUuid     {@code dm/uuid}
 * @param mdUuid     {@code md/uuid}
 * @param loopBackingFile {@code loop/backing_file}
 */
public record DeviceIdentity(List<String> names, Kind kind, int partition, Optional<String> wwid, Optional<String> serial,
                             Optional<String> dmUuid, Optional<String> mdUuid, Optional<String> loopBackingFile) {

    /** The device classes lvm2's devices-file matching tells apart by major number. */
    public enum Kind { LOOP, MD, DEVICE_MAPPER, OTHER }

    public DeviceIdentity {
        names = List.copyOf(names);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a device needs at least one name");
        }
    }

    /** lvm2's dev_name(): the preferred name. */
    public String name() {
        return names.get(0);
    }

    /**
     * The device's ID of {@code type} as lvm2 computes it (device_id_system_read): blanks,
     * spaces and control characters become '_'; a QEMU disk's wwid and a deleted loop backing
     * file count as absent; devname is the preferred name.
     */
    public Optional<String> id(DeviceIdType type) {
        Optional<String> raw = switch (type) {
            case SYS_WWID -> wwid.filter(w -> !w.contains("QEMU HARDDISK"));
            case SYS_SERIAL -> serial;
            case MPATH_UUID, CRYPT_UUID, LVMLV_UUID -> dmUuid;
            case MD_UUID -> mdUuid;
            case LOOP_FILE -> loopBackingFile.filter(f -> !f.contains("(deleted)"));
            case DEVNAME -> Optional.of(name());
        };
        if (type == DeviceIdType.DEVNAME) {
            return raw;
        }
        return raw.map(DeviceIdentity::sanitise).filter(s -> !s.isEmpty());
    }

    private static String sanitise(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isWhitespace(c) || Character.isISOControl(c) ? '_' : c);
        }
        return b.toString();
    }

    /** Whether this device has an ID of a type other than devname (lvm2's _dev_has_stable_id). */
    public boolean hasStableId() {
        if (id(DeviceIdType.SYS_WWID).isPresent() || id(DeviceIdType.SYS_SERIAL).isPresent()) {
            return true;
        }
        if (kind == Kind.LOOP && id(DeviceIdType.LOOP_FILE).isPresent()) {
            return true;
        }
        if (kind == Kind.DEVICE_MAPPER && dmUuid.isPresent()) {
            String u = dmUuid.get();
            return hasDmPrefix(u, "mpath-") || hasDmPrefix(u, "CRYPT-") || hasDmPrefix(u, "LVM-");
        }
        return kind == Kind.MD && mdUuid.isPresent();
    }

    /** A dm uuid with this prefix, or a kpartx partition's ("part1-mpath-..."). */
    static boolean hasDmPrefix(String uuid, String prefix) {
        if (uuid.startsWith(prefix)) {
            return true;
        }
        if (uuid.startsWith("part")) {
            int dash = uuid.indexOf('-');
            return dash >= 0 && uuid.startsWith(prefix, dash + 1);
        }
        return false;
    }

    /** lvm2's _idtype_compatible_with_major_number. */
    boolean compatible(DeviceIdType type) {
        if (type == DeviceIdType.DEVNAME) {
            return true;
        }
        return switch (type) {
            case MPATH_UUID, CRYPT_UUID, LVMLV_UUID -> kind == Kind.DEVICE_MAPPER;
            case MD_UUID -> kind == Kind.MD;
            case LOOP_FILE -> kind == Kind.LOOP;
            default -> kind == Kind.OTHER;
        };
    }
}
