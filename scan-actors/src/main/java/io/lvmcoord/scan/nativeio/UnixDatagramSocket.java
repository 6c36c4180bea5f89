package io.lvmcoord.scan.nativeio;

import jnr.ffi.Pointer;

import java.time.Duration;
import java.util.Optional;

/**
 * An AF_UNIX datagram socket: what systemd's notify protocol ({@code sd_notify}) speaks. The JDK's
 * channels cannot send datagrams on AF_UNIX (only streams since Java 16), hence this.
 *
 * <p>A sender needs no bind: {@link #send} names the destination on each datagram, and a
 * datagram to a socket nobody listens on fails at once (ECONNREFUSED or ENOENT), it never blocks
 * for long. A receiver {@link #bind}s a name and {@link #receive}s. Like the other event sockets
 * here, receive polls with a timeout; sends may come from any thread.
 */
public final class UnixDatagramSocket implements AutoCloseable {
    private static final int AF_UNIX = UnixSocketAddress.AF_UNIX;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** systemd reads notify datagrams into a buffer of this size (NOTIFY_BUFFER_MAX); larger ones it drops. */
    public static final int MAX_DATAGRAM_BYTES = 4096;

    private final LinuxNativeIo.LibC libc = LinuxNativeIo.libc();
    private final int fd;
    private volatile boolean closed;

    private UnixDatagramSocket(int fd) {
        this.fd = fd;
    }

    /** A new unbound, non-blocking datagram socket. */
    public static UnixDatagramSocket open() throws NativeIoException {
        int fd = LinuxNativeIo.libc().socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            throw new NativeIoException("socket", "AF_UNIX SOCK_DGRAM", LinuxNativeIo.errno());
        }
        return new UnixDatagramSocket(fd);
    }

    /** Binds {@code address} (a path must not exist yet; an abstract name must be free). */
    public void bind(UnixSocketAddress address) throws NativeIoException {
        ensureOpen();
        byte[] encoded = address.encode();
        if (libc.bind(fd, memoryOf(encoded), encoded.length) < 0) {
            throw new NativeIoException("bind", target() + " to " + address, LinuxNativeIo.errno());
        }
    }

    /** Sends {@code payload} as one datagram to {@code to}. */
    public void send(UnixSocketAddress to, byte[] payload) throws NativeIoException {
        ensureOpen();
        if (payload.length > MAX_DATAGRAM_BYTES) {
            throw new IllegalArgumentException("datagram of " + payload.length + " bytes to " + to + " is over "
                    + MAX_DATAGRAM_BYTES);
        }
        byte[] encoded = to.encode();
        Pointer data = memoryOf(payload.length == 0 ? new byte[1] : payload);
        while (true) {
            long n = libc.sendto(fd, data, payload.length, MSG_NOSIGNAL, memoryOf(encoded), encoded.length);
            if (n >= 0) {
                return;
            }
            int errno = LinuxNativeIo.errno();
            if (errno != LinuxNativeIo.EINTR) {
                throw new NativeIoException("sendto", to + " (" + payload.length + " bytes)", errno);
            }
        }
    }

    /** Waits up to {@code timeout} for one datagram; its bytes, or empty on timeout. */
    public Optional<byte[]> receive(Duration timeout) throws NativeIoException {
        ensureOpen();
        Pointer buffer = LinuxNativeIo.runtime().getMemoryManager().allocateDirect(MAX_DATAGRAM_BYTES);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long n = libc.recvfrom(fd, buffer, MAX_DATAGRAM_BYTES, 0, null, null);
            if (n >= 0) {
                byte[] copy = new byte[(int) n];
                buffer.get(0, copy, 0, copy.length);
                return Optional.of(copy);
            }
            int errno = LinuxNativeIo.errno();
            if (errno == LinuxNativeIo.EINTR) {
                continue;
            }
            if (errno != LinuxNativeIo.EAGAIN) {
                throw new NativeIoException("recvfrom", target(), errno);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !LinuxNativeIo.awaitReadable(fd, Duration.ofNanos(left), target())) {
                return Optional.empty();
            }
        }
    }

    private static Pointer memoryOf(byte[] bytes) {
        Pointer p = LinuxNativeIo.runtime().getMemoryManager().allocateDirect(bytes.length, true);
        p.put(0, bytes, 0, bytes.length);
        return p;
    }

    private String target() {
        return "unix datagram socket fd " + fd;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(target() + " is closed");
        }
    }

    /** Idempotent. */
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
