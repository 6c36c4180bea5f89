package io.lvmcoord.scan.codec;

/**
 * One slot of the mda_header: where a metadata text copy sits in the ring.
 *
 * @param offset   relative to the start of the metadata area (0 = no metadata)
 * @param size     bytes of text including the trailing NUL
 * @param checksum lvm CRC of those bytes
 * @param flags    bit 0 is RAW_LOCN_IGNORED (honoured on slot 0 only)
 */
public record RawLocn(long offset, long size, int checksum, int flags) {
    public static final int IGNORED = 0x1;
    public static final RawLocn EMPTY = new RawLocn(0, 0, 0, 0);

    public boolean ignored() {
        return (flags & IGNORED) != 0;
    }

    public boolean empty() {
        return offset == 0;
    }
}
