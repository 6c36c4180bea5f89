package io.lvmcoord.scan.codec;

import io.lvmcoord.scan.metadata.VgMetadata;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** What decoding one device yields: a PV, a device that is not a PV, or a fault. */
public sealed interface DeviceScan permits DeviceScan.PvScan, DeviceScan.NotAPv, DeviceScan.DeviceFault {

    String device();

    /**
     * A device carrying an LVM2 label.
     *
     * @param deviceSize the device's current size in bytes
     * @param mdas       one entry per metadata area in the pv_header, in order
     */
    record PvScan(String device, long deviceSize, Label label, List<MdaScan> mdas) implements DeviceScan {
        public PvScan {
            mdas = List.copyOf(mdas);
        }

        /** The newest VG metadata found in this PV's own areas, if any. */
        public Optional<MdaScan> newest() {
            return mdas.stream().filter(m -> m.vg() != null).max(Comparator.comparingLong(m -> m.vg().seqno()));
        }

        public Optional<VgMetadata> metadata() {
            return newest().map(MdaScan::vg);
        }

        /** True when some area holds metadata we could not read: lvm2 then shows the VG as [unknown]. */
        public boolean hasUnreadableMetadata() {
            return mdas.stream().anyMatch(m -> m.status() == MdaScan.Status.BAD_HEADER || m.status() == MdaScan.Status.BAD_TEXT);
        }
    }

    /** No valid label; {@code reason} says what was seen (nothing, a bad checksum, a wiped label). */
    record NotAPv(String device, long deviceSize, DecodeError reason) implements DeviceScan {
    }

    /** The device could not be read (I/O error, too small for what it claims). */
    record DeviceFault(String device, DecodeError error) implements DeviceScan {
    }
}
