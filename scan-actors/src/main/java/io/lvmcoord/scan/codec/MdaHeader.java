package io.lvmcoord.scan.codec;

import java.nio.charset.StandardCharsets;

/**
 * The 512-byte header at the start of a metadata area. lvm2 rejects it when any of checksum,
 * magic, version or start is wrong; so do we, naming the first field that failed.
 *
 * @param start        absolute byte offset of this header (equals the pv_header entry)
 * @param size         size of the whole area, header included
 * @param committed    slot 0: the current metadata
 * @param precommitted slot 1: set only between precommit and commit
 */
public record MdaHeader(long start, long size, RawLocn committed, RawLocn precommitted) {
    public static final int HEADER_SIZE = 512;
    public static final int VERSION = 1;
    /** Byte offset of raw_locn[0] (the committed slot) within the header. */
    public static final int COMMITTED_SLOT_OFFSET = 40;
    private static final byte[] MAGIC = " LVM2 x[5A%r0N*>".getBytes(StandardCharsets.ISO_8859_1);

    public static Decoded<MdaHeader> decode(String device, long areaOffset, byte[] b) {
        if (b.length < HEADER_SIZE) {
            return Decoded.fail(device, areaOffset, DecodeError.Kind.TRUNCATED,
                    "mda header needs 512 bytes, device has " + b.length + " left");
        }
        int stored = LittleEndian.u32(b, 0);
        int computed = LvmCrc.of(b, 4, HEADER_SIZE - 4);
        if (stored != computed) {
            // lvm2's own words, so the assembler can print them as lvm2 does.
            return Decoded.fail(device, areaOffset, DecodeError.Kind.MDA_HEADER_CHECKSUM,
                    String.format("wrong checksum %x in mda header", stored));
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[4 + i] != MAGIC[i]) {
                return Decoded.fail(device, areaOffset + 4, DecodeError.Kind.BAD_MDA_HEADER, "mda header has wrong magic");
            }
        }
        int version = LittleEndian.u32(b, 20);
        if (version != VERSION) {
            return Decoded.fail(device, areaOffset + 20, DecodeError.Kind.BAD_MDA_HEADER,
                    "mda header version is " + Integer.toUnsignedString(version) + ", expected 1");
        }
        long start = LittleEndian.u64(b, 24);
        if (start != areaOffset) {
            return Decoded.fail(device, areaOffset + 24, DecodeError.Kind.BAD_MDA_HEADER,
                    "mda header records start " + Long.toUnsignedString(start) + " but sits at " + areaOffset);
        }
        long size = LittleEndian.u64(b, 32);
        return Decoded.ok(new MdaHeader(start, size, slot(b, COMMITTED_SLOT_OFFSET), slot(b, COMMITTED_SLOT_OFFSET + 24)));
    }

    private static RawLocn slot(byte[] b, int off) {
        return new RawLocn(LittleEndian.u64(b, off), LittleEndian.u64(b, off + 8), LittleEndian.u32(b, off + 16),
                LittleEndian.u32(b, off + 20));
    }

    /**
     * Sectors lvm2 reports as free in this area: a copy may use half of the ring minus one
     * sector (copies are rounded to sector starts), less the current copy.
     */
    public long freeBytes() {
        long max = ((size - HEADER_SIZE) / 2) - 512;
        if (committed.empty()) {
            return (max >> 9) << 9;
        }
        return committed.size() >= max ? 0 : ((max - committed.size()) >> 9) << 9;
    }
}
