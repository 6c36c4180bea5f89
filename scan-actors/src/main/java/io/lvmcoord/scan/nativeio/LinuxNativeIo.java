package io.lvmcoord.scan.nativeio;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

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

        // Event sources (Inotify, UeventSocket).

        @SaveError
        int inotify_init1(int flags);

        @SaveError
        int inotify_add_watch(int fd, String path, int mask);

        @SaveError
        int inotify_rm_watch(int fd, int wd);

        @SaveError
        int poll(Pointer fds, long nfds, int timeoutMillis);

        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int bind(int fd, Pointer addr, int addrlen);

        @SaveError
        int setsockopt(int fd, int level, int optname, Pointer optval, int optlen);

        @SaveError
        int getsockopt(int fd, int level, int optname, Pointer optval, Pointer optlen);

        @SaveError
        long recvfrom(int fd, Pointer buf, long len, int flags, Pointer srcAddr, Pointer addrlen);

        // Datagrams to a named Unix socket (UnixDatagramSocket: systemd's notify socket).

        @SaveError
        long sendto(int fd, Pointer buf, long len, int flags, Pointer destAddr, int addrlen);
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

    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EBADF = 9;
    static final int ENOBUFS = 105;
    private static final short POLLIN = 0x1;
    private static final short POLLNVAL = 0x20;

    /**
     * Waits with poll(2) until {@code fd} is readable or has an error pending, or the timeout
     * passes. Returns false on timeout. Event readers call this instead of a blocking read
     * because closing an fd does not wake a thread blocked reading it; a bounded wait lets the
     * reader see its stop flag. EINTR restarts the wait with the time left.
     */
    static boolean awaitReadable(int fd, Duration timeout, String target) throws NativeIoException {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("poll timeout must not be negative, got " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Pointer pollfd = RUNTIME.getMemoryManager().allocateDirect(8, true);
        while (true) {
            long leftMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime() + 999_999));
            pollfd.putInt(0, fd);
            pollfd.putShort(4, POLLIN);
            pollfd.putShort(6, (short) 0);
            int n = LIBC.poll(pollfd, 1, (int) Math.min(Integer.MAX_VALUE, leftMillis));
            if (n < 0) {
                int errno = errno();
                if (errno == EINTR) {
                    continue;
                }
                throw new NativeIoException("poll", target, errno);
            }
            if (n == 0) {
                return false;
            }
            if ((pollfd.getShort(6) & POLLNVAL) != 0) {
                throw new NativeIoException("poll", target + " (fd " + fd + ")", EBADF);
            }
            // POLLIN, or POLLERR: a netlink socket reports dropped messages as an error that
            // the next recv returns (ENOBUFS), so both mean "go and read".
            return true;
        }
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
