package io.lvmcoord.coordinator.vg;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Whether a VG is complete on a node: every PV its metadata lists is present there. The VG is
 * named by name or UUID; a VG not seen at all is incomplete with nothing known to list.
 */
public record Completeness(String vg, boolean known, List<String> missingPvUuids) {

    public boolean complete() {
        return known && missingPvUuids.isEmpty();
    }

    public static Completeness of(Assembly view, String vgNameOrUuid) {
        Optional<VgView> vg = view.vgs().stream()
                .filter(v -> v.name().equals(vgNameOrUuid) || v.metadata().id().equals(vgNameOrUuid)).findFirst();
        return of(vg.orElse(null), vgNameOrUuid);
    }

    /** Of a VG already found in a view ({@code vg} null: not in it), for callers that look many up at once. */
    public static Completeness of(VgView vg, String vgNameOrUuid) {
        if (vg == null) {
            return new Completeness(vgNameOrUuid, false, List.of());
        }
        return new Completeness(vgNameOrUuid, true, vg.pvs().stream().filter(VgPv::missing).map(p -> p.meta().id()).toList());
    }

    /** The failure a waiter gets when time runs out. */
    public TimeoutException timeout(String node, long millis) {
        String what = known ? "missing PVs " + String.join(", ", missingPvUuids) : "no PV of it has been seen";
        return new TimeoutException("VG " + vg + " is not complete on " + node + " after " + millis + " ms: " + what);
    }
}
