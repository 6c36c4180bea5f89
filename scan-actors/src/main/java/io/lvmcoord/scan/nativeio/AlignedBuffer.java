package io.lvmcoord.scan.nativeio;

import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Direct memory aligned for O_DIRECT (offset, length and address must be multiples of the
 * logical block size; 4096 satisfies every device we meet). The address is what the kernel
 * writes into; the ByteBuffer is how Java reads it back.
 *
 * <p>Lifecycle: the owner (the I/O scheduler's pool) {@link #free()}s a buffer it does not keep,
 * so its memory goes back at once. Left to the garbage collector, a dropped direct buffer's
 * memory stays allocated until a collection happens to find its small heap object, which on a
 * resident agent with a quiet heap can take arbitrarily long: memory would then grow with the
 * number of reads (one 128 KiB head per device scanned), not with the reads in flight. Freeing
 * goes through the JDK's own cleaner for the buffer ({@code sun.misc.Unsafe.invokeCleaner}, in
 * the jdk.unsupported module, exported to every class path); where that is unavailable the
 * collector frees it as before. The memory is counted in the JVM's "direct" buffer pool either
 * way, so {@code -XX:MaxDirectMemorySize} bounds it.
 */
public final class AlignedBuffer {
    public static final int ALIGNMENT = 4096;
    private static final Cleaner CLEANER = Cleaner.find();
    /** What was allocated (the aligned view lies inside it); null for a slice, which owns nothing. */
    private final ByteBuffer allocation;
    private final ByteBuffer buffer;
    private final long address;
    private boolean freed;

    private AlignedBuffer(ByteBuffer allocation, ByteBuffer buffer) {
        this.allocation = allocation;
        this.buffer = buffer;
        this.address = Pointer.wrap(Runtime.getSystemRuntime(), buffer).address();
    }

    /** Allocates {@code capacity} bytes (rounded up to the alignment). */
    public static AlignedBuffer allocate(int capacity) {
        int rounded = roundUp(capacity);
        ByteBuffer raw = ByteBuffer.allocateDirect(rounded + ALIGNMENT);
        return new AlignedBuffer(raw, raw.alignedSlice(ALIGNMENT).limit(rounded).slice());
    }

    /**
     * Direct memory this JVM may allocate: {@code -XX:MaxDirectMemorySize}, or when unset the
     * JVM's default for it, the maximum heap.
     */
    public static long maxDirectMemory() {
        try {
            String v = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("MaxDirectMemorySize").getValue();
            long set = Long.parseLong(v);
            return set > 0 ? set : java.lang.Runtime.getRuntime().maxMemory();
        } catch (RuntimeException notHotSpot) {
            return java.lang.Runtime.getRuntime().maxMemory();
        }
    }

    public static int roundUp(int n) {
        return (n + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** A view from {@code from} to the end, sharing memory (to continue a short read in place). */
    public AlignedBuffer slice(int from) {
        return from == 0 ? this : new AlignedBuffer(null, buffer.slice(from, buffer.capacity() - from));
    }

    public int capacity() {
        return buffer.capacity();
    }

    /** Bytes this buffer takes from direct memory (its capacity plus the alignment slack). */
    public int footprint() {
        return allocation == null ? 0 : allocation.capacity();
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
        if (freed) {
            throw new IllegalStateException("aligned buffer used after free");
        }
        buffer.get(from, dst, dstOffset, count);
    }

    /**
     * Returns the memory now. The caller must be the only holder, and no I/O may still target
     * it (the kernel would write into freed memory). Idempotent; a slice cannot be freed.
     */
    public void free() {
        if (allocation == null) {
            throw new IllegalStateException("a slice of an aligned buffer owns no memory to free");
        }
        if (!freed) {
            freed = true;
            CLEANER.clean(allocation);
        }
    }

    /** Frees a direct ByteBuffer now, or leaves it to the collector when the JDK offers no way. */
    private interface Cleaner {
        void clean(ByteBuffer direct);

        static Cleaner find() {
            try {
                Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                Field f = unsafeClass.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                Object unsafe = f.get(null);
                Method invokeCleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
                return direct -> {
                    try {
                        invokeCleaner.invoke(unsafe, direct);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("freeing a direct buffer failed", e);
                    }
                };
            } catch (ReflectiveOperationException | RuntimeException e) {
                return direct -> {
                    // No cleaner reachable (a JDK without jdk.unsupported): the collector frees it.
                };
            }
        }
    }
}
