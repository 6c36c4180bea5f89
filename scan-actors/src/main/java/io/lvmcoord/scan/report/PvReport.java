package io.lvmcoord.scan.report;

import io.lvmcoord.persistence.CborSerializable;
import io.lvmcoord.scan.codec.DecodeError;
import io.lvmcoord.scan.codec.DiskArea;
import io.lvmcoord.scan.codec.Label;
import io.lvmcoord.scan.codec.MdaHeader;
import io.lvmcoord.scan.codec.MdaScan;

import java.util.List;

/**
 * What one node's scan found on one device, in durable form: the decoded structures, but each
 * metadata text only by its {@link TextKey} (the text itself travels and is stored once per key).
 * Exactly one of {@code label}, {@code notAPv}, {@code fault} is set.
 *
 * @param deviceSize the device's size in bytes as this node sees it
 */
public record PvReport(String node, String device, long deviceSize, Label label, List<Mda> mdas, DecodeError notAPv,
                       DecodeError fault) implements CborSerializable {

    public PvReport {
        mdas = mdas == null ? List.of() : List.copyOf(mdas);
    }

    /** One metadata area: its header, what it held, and the key of its committed text when in use. */
    public record Mda(int index, DiskArea area, MdaHeader header, MdaScan.Status status, TextKey text, DecodeError error)
            implements CborSerializable {
    }

    /** A metadata text's identity: the committed slot's checksum and size (NUL included). */
    public record TextKey(int checksum, long size) implements CborSerializable {
    }

    public boolean isPv() {
        return label != null;
    }

    /** The PV UUID (undashed), or null when the device carries no PV. */
    public String pvUuid() {
        return label == null ? null : label.pvUuid();
    }
}
