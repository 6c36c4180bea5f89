package io.lvmcoord.coordinator.vg;

import io.lvmcoord.persistence.CborSerializable;
import io.lvmcoord.scan.report.PvReport;

import java.util.List;

/** What happened to a VG aggregate; the journal holds these. */
public sealed interface VgEvent extends CborSerializable permits VgEvent.DeviceReported, VgEvent.DevicesReported, VgEvent.DeviceForgotten,
        VgEvent.VgRetired, VgEvent.ActivationReported, VgEvent.ActivationDropped {

    /**
     * A node reported a device differently from before.
     *
     * @param newTexts texts this report refers to that the aggregate did not hold yet
     */
    record DeviceReported(PvReport report, List<StoredText> newTexts) implements VgEvent {
        public DeviceReported {
            newTexts = List.copyOf(newTexts);
        }
    }

    /**
     * Several devices of one node reported differently from before, in one scan batch: one event,
     * one journal write and one published version for all of them (a 1000-PV VG found at start-up
     * is one write, not a thousand, and its state is copied once, not once per PV).
     *
     * @param reports  the changed reports, at most one per device
     * @param newTexts texts these reports refer to that the aggregate did not hold yet, each once
     */
    record DevicesReported(List<PvReport> reports, List<StoredText> newTexts) implements VgEvent {
        public DevicesReported {
            reports = List.copyOf(reports);
            newTexts = List.copyOf(newTexts);
        }
    }

    /**
     * A node no longer sees the device (removed, or it now belongs elsewhere).
     *
     * @param atMillis when (epoch ms); the retirement grace period of an aggregate left without
     *                 devices counts from it. Events written before it existed read as 0.
     */
    record DeviceForgotten(String node, String device, long atMillis) implements VgEvent {
    }

    /**
     * The aggregate had no device on any node for longer than the grace period: its reports and
     * texts are dropped, and once the snapshot that follows is stored, every event up to it is
     * deleted. The version
     * goes on, so a VG that comes back later continues above every version caches have seen.
     *
     * @param emptySinceMillis when its last device was forgotten (epoch ms)
     * @param atMillis         when it was retired (epoch ms)
     */
    record VgRetired(long emptySinceMillis, long atMillis) implements VgEvent {
    }

    /**
     * A host's dm devices of this VG changed (LVs activated, deactivated, opened, suspended, or
     * their statuses at a reconcile); an entry without devices removes the host from the map.
     */
    record ActivationReported(String node, HostActivation activation) implements VgEvent {
    }

    /**
     * The agent incarnation that reported {@code node}'s entry left the cluster (left, downed,
     * removed): what it reported is no longer known to be true. Its next incarnation reports anew.
     */
    record ActivationDropped(String node, long incarnation) implements VgEvent {
    }
}
