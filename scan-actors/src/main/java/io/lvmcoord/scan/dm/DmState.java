package io.lvmcoord.scan.dm;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A host's device-mapper state at one moment: the driver's version and every dm device with its
 * info, statuses and tables. Read from the kernel ({@code DM_LIST_DEVICES}, {@code DM_DEV_STATUS},
 * {@code DM_TABLE_STATUS}) or from a recording; reports compute kernel fields from it.
 *
 * @param driverVersion the dm driver's version as {@code dmsetup version} prints it ({@code 4.47.0}); "" when unknown
 */
public record DmState(String driverVersion, List<DmDevice> devices) {

    /** A host without device-mapper, or where it is not read: every LV is inactive. */
    public static final DmState NONE = new DmState("", List.of());

    public DmState {
        devices = List.copyOf(devices);
    }

    /** The devices serving LVM LVs, keyed by VG UUID, LV UUID and layer (dm UUIDs carry them without dashes). */
    /**
     * Whether the host has device-mapper at all: a driver answered with its version. {@link #NONE}
     * (no /dev/mapper/control, or a recording without version.txt) has none, and lvm2 then prints
     * its kernel fields as unknown rather than inactive.
     */
    public boolean deviceMapper() {
        return !driverVersion.isEmpty();
    }

    public Map<DmDevice.LvmId, DmDevice> byLvmId() {
        return devices.stream().filter(d -> d.lvm().isPresent())
                .collect(Collectors.toMap(d -> d.lvm().get(), Function.identity(), (a, b) -> a));
    }

    public Optional<DmDevice> named(String name) {
        return devices.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
