package io.lvmcoord.scan.codec;

import io.lvmcoord.scan.metadata.VgMetadata;

/**
 * The outcome for one metadata area of a PV.
 *
 * @param index  0 for mda1, 1 for mda2
 * @param area   the area as the pv_header lists it
 * @param header the decoded header, or null when it failed
 * @param status what the area holds
 * @param vg     parsed metadata when status is IN_USE
 * @param error  the failure when status is BAD_HEADER or BAD_TEXT
 * @param text   the committed metadata text as read (NUL included) when status is IN_USE: what a
 *               journal stores once per checksum
 */
public record MdaScan(int index, DiskArea area, MdaHeader header, Status status, VgMetadata vg, DecodeError error, byte[] text) {

    public MdaScan(int index, DiskArea area, MdaHeader header, Status status, VgMetadata vg, DecodeError error) {
        this(index, area, header, status, vg, error, null);
    }

    public enum Status {
        /** Slot 0 holds a valid, parsed metadata copy. */
        IN_USE,
        /** Slot 0 offset is 0: a fresh PV or an orphan. */
        EMPTY,
        /** Slot 0 carries RAW_LOCN_IGNORED: the area is skipped (its text may be stale). */
        IGNORED,
        /** The header failed checksum, magic, version or start. */
        BAD_HEADER,
        /** The text failed its location, checksum or parse checks. */
        BAD_TEXT
    }

    /** The committed slot, identity of the metadata copy ({offset, size, checksum}). */
    public RawLocn committed() {
        return header == null ? RawLocn.EMPTY : header.committed();
    }

    /** Absolute byte offset of the committed text on the device. */
    public long textOffset() {
        return area.offset() + committed().offset();
    }

    /** What lvm2 reports as pv_mda_free for this area, in bytes. */
    public long freeBytes() {
        if (header == null || status == Status.IGNORED || status == Status.BAD_TEXT) {
            return 0;
        }
        return header.freeBytes();
    }
}
