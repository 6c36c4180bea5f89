package io.lvmcoord.scan.nativeio;

import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

import java.nio.ByteBuffer;

/**
 * Direct memory aligned for O_DIRECT (offset, length and address must be multiples of the
 * logical block size; 4096 satisfies every device we meet). The address is what the kernel
 * writes into; the ByteBuffer is how Java reads it back.
 */
public final class AlignedBuffer {
    public static final int ALIGNMENT = 4096;
    private final ByteBuffer buffer;
    private final long address;

    private AlignedBuffer(ByteBuffer buffer) {
        this.buffer = buffer;
        this.address = Pointer.wrap(Runtime.getSystemRuntime(), buffer).address();
    }

    /** Allocates {@code capacity} bytes (rounded up to the alignment). */
    public static AlignedBuffer allocate(int capacity) {
        int rounded = roundUp(capacity);
        ByteBuffer raw = ByteBuffer.allocateDirect(rounded + ALIGNMENT);
        return new AlignedBuffer(raw.alignedSlice(ALIGNMENT).limit(rounded).slice());
    }

    public static int roundUp(int n) {
        return (n + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** A view from {@code from} to the end, sharing memory (to continue a short read in place). */
    public AlignedBuffer slice(int from) {
        return from == 0 ? this : new AlignedBuffer(buffer.slice(from, buffer.capacity() - from));
    }

    public int capacity() {
        return buffer.capacity();
    }

    public long address() {
        return address;
    }

    /** Writes {@code data} at {@code offset}, as the kernel would (used by engines that are not the kernel). */
    public void copyIn(byte[] data, int offset, int length) {
        buffer.duplicate().position(offset).put(data, 0, length);
    }

    /** Copies {@code count} bytes starting at {@code from} into {@code dst}. */
    public void copyOut(int from, byte[] dst, int dstOffset, int count) {
        buffer.get(from, dst, dstOffset, count);
    }
}
