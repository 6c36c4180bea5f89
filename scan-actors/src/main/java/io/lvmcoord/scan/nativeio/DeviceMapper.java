package io.lvmcoord.scan.nativeio;

import java.util.List;
import java.util.Optional;

/**
 * The kernel's device-mapper driver as {@code /dev/mapper/control} answers its read-only
 * ioctls ({@code DM_VERSION}, {@code DM_LIST_DEVICES}, {@code DM_DEV_STATUS},
 * {@code DM_TABLE_STATUS}); nothing here changes a device. The live implementation is
 * {@link LinuxDeviceMapper}; tests substitute fakes (a device that vanishes between the list
 * and its status, for one). Devices are addressed by name, as {@code dmsetup} does.
 */
public interface DeviceMapper extends AutoCloseable {

    /** The driver's interface version, {@code 4.47.0} ({@code dmsetup version}'s "Driver version"). */
    String driverVersion() throws NativeIoException;

    /** Every dm device, in the order the kernel lists them (by name since Linux 5.14; hash order before). */
    List<Listed> listDevices() throws NativeIoException;

    /** {@code DM_DEV_STATUS}: the device's state, or empty when it no longer exists (ENXIO). */
    Optional<Info> info(String name) throws NativeIoException;

    /**
     * {@code DM_TABLE_STATUS} on the live table: each target's status line ({@code table} false,
     * what {@code dmsetup status} prints) or its table line ({@code table} true, with
     * {@code DM_STATUS_TABLE_FLAG}: what {@code dmsetup table} prints). Empty when the device no
     * longer exists; no targets when it has no live table.
     */
    Optional<TableRead> tableStatus(String name, boolean table) throws NativeIoException;

    @Override
    void close() throws NativeIoException;

    /** One entry of {@code DM_LIST_DEVICES} ({@code struct dm_name_list}). */
    record Listed(String name, int major, int minor) {
    }

    /**
     * A device's state as {@code struct dm_ioctl} returns it after {@code DM_DEV_STATUS}.
     *
     * @param targetCount   targets in the live table (0 without one)
     * @param openCount     holders that have the device open
     * @param eventNr       the device's event counter ({@code dmsetup info}'s "events")
     * @param liveTable     {@code DM_ACTIVE_PRESENT_FLAG}
     * @param inactiveTable {@code DM_INACTIVE_PRESENT_FLAG}: a table is loaded, not yet resumed
     */
    record Info(String name, String uuid, int major, int minor, int targetCount, int openCount, long eventNr,
                boolean suspended, boolean readOnly, boolean liveTable, boolean inactiveTable) {
    }

    /** One {@code struct dm_target_spec} with the text after it: a status or a table line of one target. */
    record Target(long start, long length, String type, String params) {
    }

    /** {@code DM_TABLE_STATUS}'s answer: the device's state at that moment and its targets in table order. */
    record TableRead(Info info, List<Target> targets) {
        public TableRead {
            targets = List.copyOf(targets);
        }
    }

    /** Opening the control node: a driver to ask, or a host without device-mapper. */
    sealed interface Opening {
        record Opened(DeviceMapper deviceMapper) implements Opening {
        }

        /**
         * The host has no device-mapper (the control node is missing, or no driver answers it):
         * callers treat it as "no dm devices".
         *
         * @param reason the errno seen, e.g. "ENOENT (No such file or directory)"
         */
        record NotAvailable(String controlPath, String reason) implements Opening {
            public String describe() {
                return "device-mapper not available: " + controlPath + ": " + reason;
            }
        }
    }

    /** How a caller gets a {@link DeviceMapper}: the live one, or a fake. */
    @FunctionalInterface
    interface Opener {
        Opening open() throws NativeIoException;
    }
}
