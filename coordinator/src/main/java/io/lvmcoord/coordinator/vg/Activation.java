package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.codec.Uuids;
import io.lvmcoord.scan.dm.DmDevice;
import io.lvmcoord.scan.dm.DmState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The cluster activation map's rules, pure: which of a host's dm devices belong to a VG, when an
 * LV counts as active on a host, when a host's entry is worth a journal write, and a host's
 * device-mapper state rebuilt from what it reported (for reports of another node's view).
 *
 * <p>dm UUIDs carry VG and LV UUIDs without their dashes ({@code LVM-<vg><lv>[-layer]}); the
 * aggregates are keyed by the dashed VG UUID of the metadata, so the two are joined here only.
 */
public final class Activation {

    /** An LV's kernel state on one host, as lvs would summarise it there. */
    public record LvOnHost(boolean open, boolean suspended, boolean readOnly) {
    }

    private Activation() {
    }

    /**
     * Whether an LV is active on a host: a dm device with its VG and LV UUID exists there, of any
     * layer (its own device, or a {@code -real}, {@code -tpool}, {@code -cow} ... layer while the
     * top device is being created or removed). This is lvm2's {@code lv_info} test on the LV's
     * UUID widened to layers: a host holding only a layer of an LV still holds its data open, which
     * is what a double activation is about. The report fields may refine it; this is the map's rule.
     *
     * @param lvUuid dashed or not
     */
    public static boolean activeOn(HostActivation host, String lvUuid) {
        String lv = Uuids.undashed(lvUuid);
        return host.devices().stream().anyMatch(d -> d.lvm().map(id -> id.lvUuid().equals(lv)).orElse(false));
    }

    /** The LVM devices of {@code state} grouped by their VG's dashed UUID (the aggregate's key), VGs in UUID order. */
    public static SortedMap<String, List<DmDevice>> byVg(DmState state) {
        SortedMap<String, List<DmDevice>> out = new TreeMap<>();
        for (DmDevice d : state.devices()) {
            Optional<DmDevice.LvmId> id = d.lvm();
            if (id.isPresent()) {
                out.computeIfAbsent(Uuids.dashed(id.get().vgUuid()), k -> new ArrayList<>()).add(d);
            }
        }
        return out;
    }

    /** What a host at {@code incarnation} reports for the VG {@code vgUuid} (dashed) from its {@code state}. */
    public static HostActivation of(long incarnation, DmState state, String vgUuid) {
        return new HostActivation(incarnation, byVg(state).getOrDefault(vgUuid, List.of()));
    }

    /**
     * Whether {@code next} should be sent to the aggregate that holds {@code held} for this host
     * (null: none). A host with no device of the VG and no entry sends nothing; devices appearing,
     * going, opening, suspending or reloading are sent at once; a difference in target statuses
     * only alone waits for the slow reconcile ({@code reconcile}), which bounds the journal writes
     * a filling thin pool or a syncing raid causes to one per reconcile interval.
     */
    public static boolean worthReporting(HostActivation held, HostActivation next, boolean reconcile) {
        if (held == null) {
            return !next.devices().isEmpty();
        }
        if (next.devices().isEmpty() || !held.sameApartFromStatuses(next)) {
            return true;
        }
        return reconcile && !held.equals(next);
    }

    /** The hosts where the LV is active (see {@link #activeOn}), sorted. */
    public static List<String> activeHosts(VgState state, String lvUuid) {
        return List.copyOf(onHosts(state, lvUuid).keySet());
    }

    /**
     * The LV's state on each host where it is active, hosts sorted: open and read-only as its own
     * device says (a layer's when only a layer is there), suspended if any of its devices is.
     */
    public static SortedMap<String, LvOnHost> onHosts(VgState state, String lvUuid) {
        String lv = Uuids.undashed(lvUuid);
        SortedMap<String, LvOnHost> out = new TreeMap<>();
        state.activation().forEach((host, a) -> {
            List<DmDevice> mine = a.devices().stream().filter(d -> d.lvm().map(id -> id.lvUuid().equals(lv)).orElse(false)).toList();
            if (mine.isEmpty()) {
                return;
            }
            DmDevice top = mine.stream().filter(d -> d.lvm().get().layer().isEmpty()).findFirst().orElse(mine.get(0));
            out.put(host, new LvOnHost(top.openCount() > 0, mine.stream().anyMatch(DmDevice::suspended), top.readOnly()));
        });
        return out;
    }

    /**
     * A host's device-mapper state as far as the aggregates know it: the LVM devices it reported
     * to each of {@code states}, once each. Devices that are not LVM's are never reported, and
     * the driver version is not known remotely ("").
     */
    public static DmState stateOf(String host, Collection<VgState> states) {
        Map<String, DmDevice> byName = new LinkedHashMap<>();
        for (VgState s : states) {
            HostActivation a = s.activation().get(host);
            if (a != null) {
                a.devices().forEach(d -> byName.putIfAbsent(d.name(), d));
            }
        }
        List<DmDevice> devices = new ArrayList<>(byName.values());
        devices.sort(java.util.Comparator.comparing(DmDevice::name));
        return new DmState("", devices);
    }
}
