package io.lvmcoord.scan.nativeio;

import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * A raw io_uring instance: io_uring_setup, the mmap'd submission and completion rings, and
 * io_uring_enter, through jnr-ffi's {@code syscall}. Not thread-safe: one thread owns it.
 *
 * <p>Ring protocol (see io_uring(7)): we write SQEs into the SQE array, publish their indexes in
 * the SQ array and advance the SQ tail (release); the kernel consumes up to its head. The kernel
 * writes CQEs and advances the CQ tail; we read up to it (acquire) and advance the CQ head
 * (release). Fences stand in for the acquire/release the C helpers use, since jnr's memory
 * accessors are plain loads and stores.
 */
public final class IoUring implements AutoCloseable {
    // jnr's binding of libc mmap fails with EINVAL here, so the rings are mapped with raw syscalls.
    private static final long SYS_MMAP = 9;
    private static final long SYS_MUNMAP = 11;
    private static final long SYS_IO_URING_SETUP = 425;
    private static final long SYS_IO_URING_ENTER = 426;
    private static final long IORING_OFF_SQ_RING = 0L;
    private static final long IORING_OFF_CQ_RING = 0x8000000L;
    private static final long IORING_OFF_SQES = 0x10000000L;
    private static final int IORING_FEAT_SINGLE_MMAP = 1;
    private static final int IORING_ENTER_GETEVENTS = 1;
    private static final int PROT_READ_WRITE = 3;
    private static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;
    private static final int SQE_SIZE = 64;
    private static final int CQE_SIZE = 16;

    public static final int OP_NOP = 0;
    public static final int OP_ASYNC_CANCEL = 14;
    public static final int OP_OPENAT = 18;
    public static final int OP_CLOSE = 19;
    public static final int OP_READ = 22;
    /** AT_FDCWD: openat relative to the working directory (paths we pass are absolute anyway). */
    public static final int AT_FDCWD = -100;

    private final LinuxNativeIo.LibC libc = LinuxNativeIo.libc();
    private final Runtime runtime = LinuxNativeIo.runtime();
    private final int ringFd;
    private final long sqRingAddr;
    private final long sqRingSize;
    private final long cqRingAddr;
    private final long cqRingSize;
    private final long sqesAddr;
    private final long sqesSize;
    private final Pointer sq;
    private final Pointer cq;
    private final Pointer sqes;
    private final int sqHead;
    private final int sqTail;
    private final int sqMask;
    private final int sqEntries;
    private final int sqArray;
    private final int cqHead;
    private final int cqTail;
    private final int cqMask;
    private final int cqes;
    private int pendingTail;
    private long enterCalls;

    /** One completion. */
    public record Completion(long userData, int result) {
    }

    private IoUring(int entries) throws NativeIoException {
        Pointer params = runtime.getMemoryManager().allocateDirect(120, true);
        long fd = libc.syscall(SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
        if (fd < 0) {
            throw new NativeIoException("io_uring_setup", entries + " entries", LinuxNativeIo.errno());
        }
        ringFd = (int) fd;
        int sqEntriesP = params.getInt(0);
        int cqEntriesP = params.getInt(4);
        int features = params.getInt(20);
        sqHead = params.getInt(40);
        sqTail = params.getInt(44);
        int sqMaskOff = params.getInt(48);
        sqEntries = sqEntriesP;
        sqArray = params.getInt(64);
        cqHead = params.getInt(80);
        cqTail = params.getInt(84);
        int cqMaskOff = params.getInt(88);
        cqes = params.getInt(100);
        long sqSize = sqArray + 4L * sqEntriesP;
        long cqSize = cqes + (long) CQE_SIZE * cqEntriesP;
        boolean single = (features & IORING_FEAT_SINGLE_MMAP) != 0;
        if (single) {
            sqSize = Math.max(sqSize, cqSize);
            cqSize = sqSize;
        }
        sqRingSize = sqSize;
        sqRingAddr = map(sqSize, IORING_OFF_SQ_RING);
        if (single) {
            cqRingAddr = sqRingAddr;
            cqRingSize = 0;
        } else {
            cqRingAddr = map(cqSize, IORING_OFF_CQ_RING);
            cqRingSize = cqSize;
        }
        sqesSize = (long) SQE_SIZE * sqEntriesP;
        sqesAddr = map(sqesSize, IORING_OFF_SQES);
        sq = Pointer.wrap(runtime, sqRingAddr);
        cq = Pointer.wrap(runtime, cqRingAddr);
        sqes = Pointer.wrap(runtime, sqesAddr);
        // The params hold offsets into the rings; the masks themselves live in ring memory.
        sqMask = sq.getInt(sqMaskOff);
        cqMask = cq.getInt(cqMaskOff);
        pendingTail = sq.getInt(sqTail);
    }

    /** Creates a ring, or throws when the kernel has no io_uring (or forbids it). */
    public static IoUring create(int entries) throws NativeIoException {
        return new IoUring(entries);
    }

    private long map(long size, long offset) throws NativeIoException {
        long addr = libc.syscall(SYS_MMAP, 0, size, PROT_READ_WRITE, MAP_SHARED_POPULATE, ringFd, offset);
        if (addr < 0 && addr > -4096) {
            int errno = LinuxNativeIo.errno();
            libc.close(ringFd);
            throw new NativeIoException("mmap", "io_uring ring", errno);
        }
        return addr;
    }

    public int entries() {
        return sqEntries;
    }

    /** SQ slots not yet handed to the kernel or still unconsumed by it. */
    public int freeSlots() {
        VarHandle.acquireFence();
        int head = sq.getInt(sqHead);
        return sqEntries - (pendingTail - head);
    }

    private long nextSqe() {
        if (freeSlots() <= 0) {
            throw new IllegalStateException("io_uring submission queue full (" + sqEntries + " entries)");
        }
        int index = pendingTail & sqMask;
        long off = (long) index * SQE_SIZE;
        for (int i = 0; i < SQE_SIZE; i += 8) {
            sqes.putLong(off + i, 0L);
        }
        sq.putInt(sqArray + 4L * index, index);
        pendingTail++;
        return off;
    }

    /** Queues an openat of a NUL-terminated path held at {@code pathAddress} (kept alive by the caller). */
    public void prepOpenAt(long pathAddress, int flags, long userData) {
        long o = nextSqe();
        sqes.putByte(o, (byte) OP_OPENAT);
        sqes.putInt(o + 4, AT_FDCWD);
        sqes.putLong(o + 16, pathAddress);
        sqes.putInt(o + 24, 0);
        sqes.putInt(o + 28, flags);
        sqes.putLong(o + 32, userData);
    }

    public void prepRead(int fd, long bufferAddress, int length, long offset, long userData) {
        long o = nextSqe();
        sqes.putByte(o, (byte) OP_READ);
        sqes.putInt(o + 4, fd);
        sqes.putLong(o + 8, offset);
        sqes.putLong(o + 16, bufferAddress);
        sqes.putInt(o + 24, length);
        sqes.putLong(o + 32, userData);
    }

    public void prepClose(int fd, long userData) {
        long o = nextSqe();
        sqes.putByte(o, (byte) OP_CLOSE);
        sqes.putInt(o + 4, fd);
        sqes.putLong(o + 32, userData);
    }

    /** Asks the kernel to cancel the request carrying {@code targetUserData}. */
    public void prepCancel(long targetUserData, long userData) {
        long o = nextSqe();
        sqes.putByte(o, (byte) OP_ASYNC_CANCEL);
        sqes.putInt(o + 4, -1);
        sqes.putLong(o + 16, targetUserData);
        sqes.putLong(o + 32, userData);
    }

    /**
     * Publishes queued SQEs and, with {@code waitFor > 0}, blocks until that many completions are
     * available. One io_uring_enter system call.
     */
    public int submitAndWait(int waitFor) throws NativeIoException {
        int oldTail = sq.getInt(sqTail);
        int toSubmit = pendingTail - oldTail;
        VarHandle.fullFence();
        sq.putInt(sqTail, pendingTail);
        VarHandle.fullFence();
        enterCalls++;
        long r = libc.syscall(SYS_IO_URING_ENTER, ringFd, toSubmit, waitFor, waitFor > 0 ? IORING_ENTER_GETEVENTS : 0, 0, 0);
        if (r < 0) {
            int errno = LinuxNativeIo.errno();
            // EINTR/EAGAIN/EBUSY: nothing lost, the caller loops.
            if (errno == 4 || errno == 11 || errno == 16) {
                return 0;
            }
            throw new NativeIoException("io_uring_enter", "ring fd " + ringFd, errno);
        }
        return (int) r;
    }

    /** Removes and returns the completions available now (no system call). */
    public int reap(java.util.function.Consumer<Completion> sink) {
        int head = cq.getInt(cqHead);
        VarHandle.fullFence();
        int tail = cq.getInt(cqTail);
        VarHandle.fullFence();
        int n = 0;
        while (head != tail) {
            long off = cqes + (long) (head & cqMask) * CQE_SIZE;
            sink.accept(new Completion(cq.getLong(off), cq.getInt(off + 8)));
            head++;
            n++;
        }
        VarHandle.fullFence();
        cq.putInt(cqHead, head);
        return n;
    }

    public long enterCalls() {
        return enterCalls;
    }

    /** NUL-terminated copy of a path in native memory, for openat SQEs. */
    public static Pointer nativePath(String path) {
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        Pointer p = LinuxNativeIo.runtime().getMemoryManager().allocateDirect(b.length + 1, true);
        p.put(0, b, 0, b.length);
        p.putByte(b.length, (byte) 0);
        return p;
    }

    @Override
    public void close() {
        libc.syscall(SYS_MUNMAP, sqesAddr, sqesSize, 0, 0, 0, 0);
        if (cqRingSize > 0) {
            libc.syscall(SYS_MUNMAP, cqRingAddr, cqRingSize, 0, 0, 0, 0);
        }
        libc.syscall(SYS_MUNMAP, sqRingAddr, sqRingSize, 0, 0, 0, 0);
        libc.close(ringFd);
    }
}
