package io.lvmcoord.scan.codec;

import java.util.zip.CRC32;

/**
 * The CRC-32 lvm2 uses for labels, mda headers and metadata text: the reflected zlib polynomial
 * 0xEDB88320, seeded with {@link #INITIAL} and with no final XOR. Chaining
 * {@code update(update(INITIAL, a), b)} equals one pass over {@code a ++ b}, which is how a
 * metadata text that wraps around the ring end is checked.
 *
 * <p>How it is computed fast: the register update R(s, d) is linear in the start state, so
 * R(s, d) = Z_n(s ^ ~0) ^ ~zlib(d), where zlib(d) is {@code java.util.zip.CRC32} (a hardware
 * intrinsic, seeded ~0 with a final XOR) and Z_n advances a register over n zero bytes. Z_n is a
 * 32x32 matrix over GF(2); the matrices for 2^k zero bytes are built once, so Z_n costs one
 * matrix-vector product per set bit of n. The bytewise table loop stays as the definition and
 * for short inputs.
 */
public final class LvmCrc {
    /** lvm2's INITIAL_CRC. */
    public static final int INITIAL = 0xF597A6CF;
    private static final int POLY = 0xEDB88320;
    /** Below this length the table loop beats the intrinsic plus the zero-advance. */
    private static final int SHORT = 64;

    private static final int[] TABLE = new int[256];
    /** ZEROS[k] advances a register over 2^k zero bytes (column i = image of bit i). */
    private static final int[][] ZEROS = new int[31][];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? POLY ^ (c >>> 1) : c >>> 1;
            }
            TABLE[n] = c;
        }
        // One zero bit: shift right, folding the polynomial in when bit 0 falls off.
        int[] op = new int[32];
        op[0] = POLY;
        for (int i = 1; i < 32; i++) {
            op[i] = 1 << (i - 1);
        }
        for (int i = 0; i < 3; i++) {
            op = square(op);
        }
        ZEROS[0] = op;
        for (int k = 1; k < ZEROS.length; k++) {
            ZEROS[k] = square(ZEROS[k - 1]);
        }
    }

    private LvmCrc() {
    }

    public static int update(int crc, byte[] data, int offset, int length) {
        if (length < SHORT) {
            return updateBytewise(crc, data, offset, length);
        }
        CRC32 z = new CRC32();
        z.update(data, offset, length);
        return advanceOverZeros(crc ^ 0xFFFFFFFF, length) ^ ~(int) z.getValue();
    }

    public static int of(byte[] data, int offset, int length) {
        return update(INITIAL, data, offset, length);
    }

    /** The definition: one table lookup per byte. */
    static int updateBytewise(int crc, byte[] data, int offset, int length) {
        int c = crc;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            c = TABLE[(c ^ data[i]) & 0xFF] ^ (c >>> 8);
        }
        return c;
    }

    static int advanceOverZeros(int register, long bytes) {
        int r = register;
        for (int k = 0; bytes != 0; k++, bytes >>>= 1) {
            if ((bytes & 1) != 0) {
                r = times(ZEROS[k], r);
            }
        }
        return r;
    }

    private static int times(int[] matrix, int vector) {
        int sum = 0;
        for (int i = 0; vector != 0; i++, vector >>>= 1) {
            if ((vector & 1) != 0) {
                sum ^= matrix[i];
            }
        }
        return sum;
    }

    private static int[] square(int[] m) {
        int[] out = new int[32];
        for (int i = 0; i < 32; i++) {
            out[i] = times(m, m[i]);
        }
        return out;
    }
}
