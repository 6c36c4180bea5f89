package io.lvmcoord.scan.codec;

/**
 * lvm2's on-disk integers are little-endian ("xlate"); u32/u64 are returned as raw bits. Public
 * for the tools and tests that write crafted images (a text and its CRCs resealed).
 */
public final class LittleEndian {
    private LittleEndian() {
    }

    public static int u32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    public static long u64(byte[] b, int off) {
        return (u32(b, off) & 0xFFFFFFFFL) | ((long) u32(b, off + 4)) << 32;
    }

    public static void putU32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    public static void putU64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
