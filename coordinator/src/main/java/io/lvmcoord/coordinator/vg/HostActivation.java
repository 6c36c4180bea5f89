package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.dm.DmDevice;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The device-mapper devices of one VG on one host, as that host's agent last reported them to
 * the VG's aggregate: the kernel's side of the activation map.
 *
 * @param incarnation the reporting agent's cluster incarnation (its member's unique address uid):
 *                    entries of an incarnation that left the cluster are dropped, while a
 *                    restarted agent of the same name, a new incarnation, reports afresh
 * @param devices     the host's dm devices whose dm UUID names this VG, every layer, in name order
 */
public record HostActivation(long incarnation, List<DmDevice> devices) {

    public HostActivation {
        List<DmDevice> sorted = new ArrayList<>(devices == null ? List.of() : devices);
        sorted.sort(Comparator.comparing(DmDevice::name));
        devices = List.copyOf(sorted);
    }

    /**
     * Whether {@code next} says something {@code this} does not, besides target statuses: devices
     * come or go, open, suspend or change tables. A status-only difference (a thin pool filling,
     * a raid syncing) changes on its own all the time; it is reported on the slow reconcile only
     * (see {@link Activation#worthReporting}), so the journal is not written at every read.
     */
    public boolean sameApartFromStatuses(HostActivation next) {
        return incarnation == next.incarnation && withoutStatuses(devices).equals(withoutStatuses(next.devices));
    }

    private static List<DmDevice> withoutStatuses(List<DmDevice> devices) {
        return devices.stream().map(d -> new DmDevice(d.name(), d.uuid(), d.major(), d.minor(), d.openCount(), d.suspended(),
                d.readOnly(), d.liveTable(), d.inactiveTable(), List.of(), d.tables(), d.readAhead())).toList();
    }
}
