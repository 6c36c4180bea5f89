package io.lvmcoord.scan.codec;

/**
 * The CRC-32 lvm2 uses for labels, mda headers and metadata text: the reflected zlib polynomial
 * 0xEDB88320, seeded with {@link #INITIAL} and with no final XOR. {@code java.util.zip.CRC32}
 * cannot take a seed (and applies the final XOR), hence our own table. Chaining
 * {@code update(update(INITIAL, a), b)} equals one pass over {@code a ++ b}, which is how a
 * metadata text that wraps around the ring end is checked.
 */
public final class LvmCrc {
    /** lvm2's INITIAL_CRC. */
    public static final int INITIAL = 0xF597A6CF;

    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private LvmCrc() {
    }

    public static int update(int crc, byte[] data, int offset, int length) {
        int c = crc;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            c = TABLE[(c ^ data[i]) & 0xFF] ^ (c >>> 8);
        }
        return c;
    }

    public static int of(byte[] data, int offset, int length) {
        return update(INITIAL, data, offset, length);
    }
}
