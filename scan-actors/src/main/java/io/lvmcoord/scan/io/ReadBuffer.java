package io.lvmcoord.scan.io;

import io.lvmcoord.scan.codec.BlockCache;
import io.lvmcoord.scan.nativeio.AlignedBuffer;

/**
 * The bytes of a completed read, still in the aligned buffer the kernel wrote: callers copy out
 * only the ranges they need (a 128 KiB head read usually needs a few KiB), then
 * {@link #release()} it back to the scheduler's pool. Until released it counts as outstanding.
 */
public final class ReadBuffer implements BlockCache.Bytes {
    private final IoScheduler owner;
    private final AlignedBuffer buffer;
    private final int length;
    private final String target;
    private boolean released;

    ReadBuffer(IoScheduler owner, AlignedBuffer buffer, int length, String target) {
        this.owner = owner;
        this.buffer = buffer;
        this.length = length;
        this.target = target;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void copy(int from, byte[] dst, int dstOffset, int count) {
        if (released) {
            throw new IllegalStateException("read buffer used after release");
        }
        if (from < 0 || count < 0 || from + count > length) {
            throw new IndexOutOfBoundsException("range " + from + "+" + count + " of a " + length + "-byte read");
        }
        buffer.copyOut(from, dst, dstOffset, count);
    }

    /** Returns the memory to the scheduler; further copies fail. Idempotent. */
    public void release() {
        if (!released) {
            released = true;
            owner.releaseBuffer(buffer, target);
        }
    }
}
