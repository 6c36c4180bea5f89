package io.lvmcoord.coordinator.vg;

import io.lvmcoord.persistence.CborSerializable;
import io.lvmcoord.scan.report.PvReport;

import java.util.List;

/** What happened to a VG aggregate; the journal holds these. */
public sealed interface VgEvent extends CborSerializable permits VgEvent.DeviceReported, VgEvent.DeviceForgotten {

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

    /** A node no longer sees the device (removed, or it now belongs elsewhere). */
    record DeviceForgotten(String node, String device) implements VgEvent {
    }
}
