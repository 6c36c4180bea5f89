package io.lvmcoord.scan.codec;

/** lvm2's on-disk integers are little-endian ("xlate"); u32/u64 are returned as raw bits. */
final class LittleEndian {
    private LittleEndian() {
    }

    static int u32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    static long u64(byte[] b, int off) {
        return (u32(b, off) & 0xFFFFFFFFL) | ((long) u32(b, off + 4)) << 32;
    }
}
