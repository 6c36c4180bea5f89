package io.lvmcoord.scan.nativeio;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * {@link NativeIo} on Linux x86_64 through jnr-ffi: direct bindings to libc, no JNI of our own.
 * errno is read right after each failing call ({@code @SaveError}).
 */
public final class LinuxNativeIo implements NativeIo {

    /** The libc functions we bind; also used by {@link IoUring}. */
    public interface LibC {
        @SaveError
        int open(String path, int flags, int mode);

        @SaveError
        long pread(int fd, Pointer buf, long count, long offset);

        @SaveError
        long read(int fd, Pointer buf, long count);

        @SaveError
        int close(int fd);

        @SaveError
        int fstat(int fd, Pointer statbuf);

        @SaveError
        int ioctl(int fd, long request, Pointer arg);

        @SaveError
        long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

        @SaveError
        long write(int fd, Pointer buf, long count);

        @SaveError
        int eventfd(int initval, int flags);

        int isatty(int fd);
    }

    /** BLKGETSIZE64 = _IOR(0x12, 114, size_t). */
    static final long BLKGETSIZE64 = 0x80081272L;
    /** BLKSSZGET = _IO(0x12, 104). */
    static final long BLKSSZGET = 0x1268L;
    private static final int STAT_SIZE = 144;
    private static final int STAT_MODE = 24;
    private static final int STAT_RDEV = 40;
    private static final int STAT_ST_SIZE = 48;

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    public static LibC libc() {
        return LIBC;
    }

    public static Runtime runtime() {
        return RUNTIME;
    }

    static int errno() {
        return RUNTIME.getLastError();
    }

    /** True when the file descriptor is a terminal (e.g. 2 for stderr). */
    public static boolean isTerminal(int fd) {
        return LIBC.isatty(fd) == 1;
    }

    @Override
    public int open(String path, int flags) throws NativeIoException {
        int fd = LIBC.open(path, flags | O_CLOEXEC, 0);
        if (fd < 0) {
            throw new NativeIoException("open", path, errno());
        }
        return fd;
    }

    @Override
    public int pread(int fd, long address, int length, long offset, String target) throws NativeIoException {
        long n = LIBC.pread(fd, Pointer.wrap(RUNTIME, address), length, offset);
        if (n < 0) {
            throw new NativeIoException("pread", target + " at " + offset, errno());
        }
        return (int) n;
    }

    @Override
    public int read(int fd, long address, int length, String target) throws NativeIoException {
        long n = LIBC.read(fd, Pointer.wrap(RUNTIME, address), length);
        if (n < 0) {
            throw new NativeIoException("read", target, errno());
        }
        return (int) n;
    }

    @Override
    public void close(int fd) throws NativeIoException {
        if (LIBC.close(fd) < 0) {
            throw new NativeIoException("close", "fd " + fd, errno());
        }
    }

    @Override
    public FileStat fstat(int fd, String target) throws NativeIoException {
        Pointer st = RUNTIME.getMemoryManager().allocateDirect(STAT_SIZE);
        if (LIBC.fstat(fd, st) < 0) {
            throw new NativeIoException("fstat", target, errno());
        }
        return new FileStat(st.getInt(STAT_MODE), st.getLong(STAT_ST_SIZE), st.getLong(STAT_RDEV));
    }

    @Override
    public long blockDeviceSize(int fd, String target) throws NativeIoException {
        Pointer out = RUNTIME.getMemoryManager().allocateDirect(8);
        if (LIBC.ioctl(fd, BLKGETSIZE64, out) < 0) {
            throw new NativeIoException("ioctl(BLKGETSIZE64)", target, errno());
        }
        return out.getLong(0);
    }

    @Override
    public int logicalBlockSize(int fd, String target) throws NativeIoException {
        Pointer out = RUNTIME.getMemoryManager().allocateDirect(4);
        if (LIBC.ioctl(fd, BLKSSZGET, out) < 0) {
            throw new NativeIoException("ioctl(BLKSSZGET)", target, errno());
        }
        return out.getInt(0);
    }
}
