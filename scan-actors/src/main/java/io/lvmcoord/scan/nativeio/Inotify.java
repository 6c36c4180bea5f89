package io.lvmcoord.scan.nativeio;

import jnr.ffi.Pointer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An inotify instance (inotify(7)): watches on paths, read as {@link InotifyEvent}s. The fd is
 * non-blocking; {@link #poll} waits for it with poll(2) up to a timeout so that a reader thread
 * can check a stop flag between waits (closing the fd would not wake a blocked read). One thread
 * polls; close it after that thread has stopped.
 *
 * <p>A queue overflow arrives as an event with {@link #IN_Q_OVERFLOW} ({@link InotifyEvent#overflow()}):
 * events were lost and the caller must rescan.
 */
public final class Inotify implements AutoCloseable {
    public static final int IN_MODIFY = 0x2;
    public static final int IN_ATTRIB = 0x4;
    public static final int IN_CLOSE_WRITE = 0x8;
    public static final int IN_MOVED_FROM = 0x40;
    public static final int IN_MOVED_TO = 0x80;
    public static final int IN_CREATE = 0x100;
    public static final int IN_DELETE = 0x200;
    public static final int IN_DELETE_SELF = 0x400;
    public static final int IN_MOVE_SELF = 0x800;
    public static final int IN_Q_OVERFLOW = 0x4000;
    public static final int IN_IGNORED = 0x8000;
    /** addWatch fails with ENOTDIR unless the path is a directory. */
    public static final int IN_ONLYDIR = 0x01000000;
    public static final int IN_ISDIR = 0x40000000;

    private static final int IN_NONBLOCK = 0x800;
    private static final int IN_CLOEXEC = 0x80000;
    // Many events per read; the kernel needs at least one header plus NAME_MAX + 1.
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final LinuxNativeIo.LibC libc = LinuxNativeIo.libc();
    private final int fd;
    private final Pointer readBuffer;
    private final byte[] copy = new byte[READ_BUFFER_BYTES];
    private volatile boolean closed;

    private Inotify(int fd) {
        this.fd = fd;
        this.readBuffer = LinuxNativeIo.runtime().getMemoryManager().allocateDirect(READ_BUFFER_BYTES);
    }

    public static Inotify open() throws NativeIoException {
        int fd = LinuxNativeIo.libc().inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0) {
            throw new NativeIoException("inotify_init1", "new inotify instance", LinuxNativeIo.errno());
        }
        return new Inotify(fd);
    }

    /**
     * Watches {@code path} for the events in {@code mask}; returns the watch descriptor that its
     * events carry. Watching the same path again returns the same wd with the mask replaced.
     */
    public int addWatch(String path, int mask) throws NativeIoException {
        ensureOpen();
        int wd = libc.inotify_add_watch(fd, path, mask);
        if (wd < 0) {
            throw new NativeIoException("inotify_add_watch", path, LinuxNativeIo.errno());
        }
        return wd;
    }

    /** Removes a watch; an {@link #IN_IGNORED} event for it follows. */
    public void removeWatch(int wd) throws NativeIoException {
        ensureOpen();
        if (libc.inotify_rm_watch(fd, wd) < 0) {
            throw new NativeIoException("inotify_rm_watch", "wd " + wd, LinuxNativeIo.errno());
        }
    }

    /**
     * Waits up to {@code timeout} for events, then returns every event queued (empty on
     * timeout). Does not block past the timeout.
     */
    public List<InotifyEvent> poll(Duration timeout) throws NativeIoException {
        ensureOpen();
        List<InotifyEvent> events = new ArrayList<>();
        if (!LinuxNativeIo.awaitReadable(fd, timeout, target())) {
            return events;
        }
        while (true) {
            long n = libc.read(fd, readBuffer, READ_BUFFER_BYTES);
            if (n < 0) {
                int errno = LinuxNativeIo.errno();
                if (errno == LinuxNativeIo.EAGAIN) {
                    return events;
                }
                if (errno != LinuxNativeIo.EINTR) {
                    throw new NativeIoException("read", target(), errno);
                }
            } else if (n == 0) {
                return events;
            } else {
                readBuffer.get(0, copy, 0, (int) n);
                events.addAll(InotifyEvent.parse(copy, (int) n));
            }
        }
    }

    private String target() {
        return "inotify fd " + fd;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("inotify fd " + fd + " is closed");
        }
    }

    /** Closes the fd and with it every watch. Idempotent. */
    @Override
    public void close() throws NativeIoException {
        if (closed) {
            return;
        }
        closed = true;
        if (libc.close(fd) < 0) {
            throw new NativeIoException("close", target(), LinuxNativeIo.errno());
        }
    }
}
