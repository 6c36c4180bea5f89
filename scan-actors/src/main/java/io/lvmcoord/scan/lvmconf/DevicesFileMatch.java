package io.lvmcoord.scan.lvmconf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Pairs devices-file entries with devices, as lvm2 2.03.16 does (device_id.c).
 *
 * <p><b>Before reading any device</b> ({@link #match}): entries are taken in file order. An
 * entry is first tried on the device its DEVNAME names (any name of the device), since that is
 * usually right; failing that, on every device not yet paired, in the order given (lvm2's
 * device-number order). An entry pairs with a device when its IDTYPE suits the device's kind
 * (loop_file only loops, md_uuid only md, mpath/crypt/lvmlv_uuid only device-mapper, sys_wwid
 * and sys_serial only other disks, devname any), its PART equals the device's partition number,
 * and its IDNAME equals the device's ID of that type. For devname the ID is the device's
 * preferred name, and a device-mapper device also answers to its /dev/dm-N and /dev/mapper names.
 * Only paired devices are used.
 *
 * <p><b>After reading PVIDs</b> ({@link #validate}): a devname pairing is only a guess, so a
 * device paired by devname whose PVID is not the entry's loses the pairing (and is dropped unless
 * another entry holds it). Then the PVIDs of devname entries left without a device are searched
 * for, with {@code devices/search_for_devnames}: "none" does not search; "auto" reads the devices
 * not paired and without a stable ID (wwid, serial, loop file, dm or md uuid); "all" reads every
 * unpaired device. A PVID found on one device pairs it; found on two, on neither. Stable-ID
 * pairings are kept whatever PVID the device holds (lvm2 only corrects the file's PVID then).
 * lvm2 remembers a fruitless search in /run/lvm/searched_devnames to skip it next time; this
 * class searches every time.
 */
public final class DevicesFileMatch {

    /** A devices-file entry and the device paired with it, if any. */
    public record Pairing(DevicesFile.Entry entry, Optional<DeviceIdentity> device) {
    }

    private final List<Pairing> pairings;
    private final List<String> warnings;

    private DevicesFileMatch(List<Pairing> pairings, List<String> warnings) {
        this.pairings = List.copyOf(pairings);
        this.warnings = List.copyOf(warnings);
    }

    public List<Pairing> pairings() {
        return pairings;
    }

    /** lvm2's warnings from validation, in order. */
    public List<String> warnings() {
        return warnings;
    }

    /** The devices paired with some entry, in the order of {@code devices}. */
    public List<DeviceIdentity> used(List<DeviceIdentity> devices) {
        List<DeviceIdentity> out = new ArrayList<>();
        for (DeviceIdentity d : devices) {
            if (pairings.stream().anyMatch(p -> p.device().isPresent() && p.device().get() == d)) {
                out.add(d);
            }
        }
        return out;
    }

    /** Whether {@code device} is paired with some entry. */
    public boolean uses(DeviceIdentity device) {
        return pairings.stream().anyMatch(p -> p.device().isPresent() && p.device().get() == device);
    }

    /** The pre-read pairing of {@code file}'s entries with {@code devices} (in device-number order). */
    public static DevicesFileMatch match(DevicesFile file, List<DeviceIdentity> devices) {
        Map<String, DeviceIdentity> byName = new HashMap<>();
        for (DeviceIdentity d : devices) {
            for (String n : d.names()) {
                byName.putIfAbsent(n, d);
            }
        }
        Map<DeviceIdentity, Boolean> paired = new IdentityHashMap<>();
        List<Pairing> out = new ArrayList<>();
        for (DevicesFile.Entry e : file.entries()) {
            DeviceIdentity found = null;
            DeviceIdentity named = e.devName().map(byName::get).orElse(null);
            if (named != null && pairs(e, named)) {
                found = named;
            } else {
                for (DeviceIdentity d : devices) {
                    if (!paired.containsKey(d) && pairs(e, d)) {
                        found = d;
                        break;
                    }
                }
            }
            if (found != null) {
                paired.put(found, Boolean.TRUE);
            }
            out.add(new Pairing(e, Optional.ofNullable(found)));
        }
        return new DevicesFileMatch(out, List.of());
    }

    /** lvm2's _match_du_to_dev. */
    static boolean pairs(DevicesFile.Entry e, DeviceIdentity d) {
        if (e.idType().isEmpty() || e.idName().isEmpty()) {
            return false;
        }
        DeviceIdType type = e.idType().get();
        if (!d.compatible(type) || e.part() != d.partition()) {
            return false;
        }
        String want = e.idName().get();
        if (type == DeviceIdType.DEVNAME && d.kind() == DeviceIdentity.Kind.DEVICE_MAPPER
                && (want.equals(d.name()) || ((want.startsWith("/dev/dm-") || want.startsWith("/dev/mapper/")) && d.names().contains(want)))) {
            return true;
        }
        return d.id(type).map(want::equals).orElse(false);
    }

    /**
     * Corrects the pairing with what the devices hold.
     *
     * @param pvidOf         the PVID on a device (32 characters, no dashes), empty when it holds
     *                       no LVM label or cannot be read; asked only for the devices concerned
     * @param searchForDevnames {@code devices/search_for_devnames}: "none", "auto" or "all"
     * @param devices        every device, in device-number order
     */
    public DevicesFileMatch validate(List<DeviceIdentity> devices, Function<DeviceIdentity, Optional<String>> pvidOf,
                                     String searchForDevnames) {
        List<String> warns = new ArrayList<>();
        Map<DeviceIdentity, Optional<String>> read = new IdentityHashMap<>();
        Function<DeviceIdentity, Optional<String>> pvid = d -> read.computeIfAbsent(d, pvidOf);
        List<Pairing> next = new ArrayList<>(pairings);
        for (int i = 0; i < next.size(); i++) {
            Pairing p = next.get(i);
            if (p.device().isEmpty() || p.entry().idType().orElse(null) == DeviceIdType.DEVNAME) {
                continue;
            }
            DeviceIdentity d = p.device().get();
            Optional<String> onDisk = pvid.apply(d);
            if (onDisk.isPresent() && !onDisk.equals(p.entry().pvid())) {
                warns.add("Device " + d.name() + " has PVID " + onDisk.get() + " (devices file " + p.entry().pvid().orElse("none") + ")");
            } else if (onDisk.isEmpty() && p.entry().pvid().isPresent()) {
                warns.add("Device " + d.name() + " has no PVID (devices file " + p.entry().pvid().get() + ")");
            }
            if (!p.entry().devName().equals(Optional.of(d.name()))) {
                warns.add("Device " + d.name() + " has updated name (devices file " + p.entry().devName().orElse("none") + ")");
            }
        }
        for (int i = 0; i < next.size(); i++) {
            Pairing p = next.get(i);
            if (p.device().isEmpty() || p.entry().idType().orElse(null) != DeviceIdType.DEVNAME || p.entry().pvid().isEmpty()) {
                continue;
            }
            DeviceIdentity d = p.device().get();
            Optional<String> onDisk = pvid.apply(d);
            if (onDisk.equals(p.entry().pvid())) {
                if (!p.entry().devName().equals(Optional.of(d.name()))) {
                    warns.add("Device " + d.name() + " has updated name (devices file " + p.entry().devName().orElse("none") + ")");
                }
                continue;
            }
            warns.add(onDisk.isPresent()
                    ? "Devices file PVID " + p.entry().pvid().get() + " not found on device " + d.name() + " (device PVID " + onDisk.get() + ")."
                    : "Devices file PVID " + p.entry().pvid().get() + " not found on device " + d.name() + ".");
            DevicesFile.Entry e = p.entry();
            next.set(i, new Pairing(new DevicesFile.Entry(e.idType(), Optional.empty(), e.devName(), e.pvid(), e.part()), Optional.empty()));
        }
        if (!"none".equals(searchForDevnames)) {
            searchRenamed(next, devices, pvid, "auto".equals(searchForDevnames), warns);
        }
        return new DevicesFileMatch(next, warns);
    }

    private static void searchRenamed(List<Pairing> pairings, List<DeviceIdentity> devices,
                                      Function<DeviceIdentity, Optional<String>> pvid, boolean auto, List<String> warns) {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (int i = 0; i < pairings.size(); i++) {
            Pairing p = pairings.get(i);
            if (p.device().isEmpty() && p.entry().pvid().isPresent() && p.entry().idType().orElse(null) == DeviceIdType.DEVNAME) {
                wanted.putIfAbsent(p.entry().pvid().get(), i);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        Map<String, DeviceIdentity> found = new LinkedHashMap<>();
        for (DeviceIdentity d : devices) {
            if (pairings.stream().anyMatch(p -> p.device().isPresent() && p.device().get() == d)) {
                continue;
            }
            if (auto && d.hasStableId()) {
                continue;
            }
            Optional<String> onDisk = pvid.apply(d);
            if (onDisk.isEmpty() || !wanted.containsKey(onDisk.get())) {
                continue;
            }
            String id = onDisk.get();
            if (found.containsKey(id)) {
                DeviceIdentity first = found.get(id);
                if (first != null) {
                    warns.add("WARNING: found PVID " + id + " on multiple devices " + first.name() + " " + d.name() + ".");
                    warns.add("WARNING: duplicate PVIDs should be changed to be unique.");
                    warns.add("WARNING: use lvmdevices to select a device for PVID " + id + ".");
                    found.put(id, null);
                }
            } else {
                warns.add("Devices file PVID " + id + " found on " + d.name() + ".");
                found.put(id, d);
            }
        }
        for (Map.Entry<String, Integer> w : wanted.entrySet()) {
            DeviceIdentity d = found.get(w.getKey());
            if (d == null) {
                continue;
            }
            int i = w.getValue();
            DevicesFile.Entry e = pairings.get(i).entry();
            warns.add("Devices file PVID " + w.getKey() + " updating IDNAME to " + d.name() + ".");
            pairings.set(i, new Pairing(new DevicesFile.Entry(e.idType(), Optional.of(d.name()), Optional.of(d.name()), e.pvid(), e.part()),
                    Optional.of(d)));
        }
    }
}
