package io.lvmcoord.scan.nativeio;

import jnr.ffi.Pointer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's uevent broadcast: a NETLINK_KOBJECT_UEVENT socket bound to multicast group 1
 * (kernel events; group 2 is udev's re-broadcast, which we do not want because it arrives only
 * after udev's rules ran, and only if udev runs at all).
 *
 * <p>Netlink is lossy: when the receive buffer fills, the kernel drops events and the next recv
 * fails with ENOBUFS. The socket asks for a large buffer (SO_RCVBUFFORCE, which as root ignores
 * rmem_max; SO_RCVBUF otherwise) so a storm of device events fits, and reports a drop as
 * {@link Uevent#overflowMarker()} in the stream so the caller can rescan.
 *
 * <p>As with {@link Inotify}, one thread polls with a timeout and checks its stop flag between
 * waits; close the socket after that thread has stopped.
 */
public final class UeventSocket implements AutoCloseable {
    private static final int AF_NETLINK = 16;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_KOBJECT_UEVENT = 15;
    private static final int KERNEL_EVENTS_GROUP = 1;
    private static final int SOCKADDR_NL_BYTES = 12;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVBUFFORCE = 33;
    // The kernel caps one uevent's environment at 2 KiB (UEVENT_BUFFER_SIZE) plus the header, so
    // 16 KiB never truncates a message.
    private static final int MESSAGE_BUFFER_BYTES = 16 * 1024;

    private final LinuxNativeIo.LibC libc = LinuxNativeIo.libc();
    private final int fd;
    private final Pointer message;
    private final Pointer sender;
    private final Pointer senderLength;
    private final byte[] copy = new byte[MESSAGE_BUFFER_BYTES];
    private volatile boolean closed;

    private UeventSocket(int fd) {
        this.fd = fd;
        var memory = LinuxNativeIo.runtime().getMemoryManager();
        this.message = memory.allocateDirect(MESSAGE_BUFFER_BYTES);
        this.sender = memory.allocateDirect(SOCKADDR_NL_BYTES, true);
        this.senderLength = memory.allocateDirect(4, true);
    }

    /**
     * Opens and binds the socket, with a receive buffer of {@code receiveBufferBytes} (the kernel
     * doubles the value for its bookkeeping; see {@link #receiveBufferBytes()}).
     */
    public static UeventSocket open(int receiveBufferBytes) throws NativeIoException {
        if (receiveBufferBytes <= 0) {
            throw new IllegalArgumentException("uevent receive buffer must be positive, got " + receiveBufferBytes);
        }
        LinuxNativeIo.LibC libc = LinuxNativeIo.libc();
        int fd = libc.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT);
        if (fd < 0) {
            throw new NativeIoException("socket", "AF_NETLINK NETLINK_KOBJECT_UEVENT", LinuxNativeIo.errno());
        }
        UeventSocket socket = new UeventSocket(fd);
        try {
            socket.setReceiveBuffer(receiveBufferBytes);
            socket.bindKernelGroup();
        } catch (NativeIoException e) {
            libc.close(fd);
            throw e;
        }
        return socket;
    }

    private void setReceiveBuffer(int bytes) throws NativeIoException {
        Pointer value = LinuxNativeIo.runtime().getMemoryManager().allocateDirect(4, true);
        value.putInt(0, bytes);
        if (libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, value, 4) == 0) {
            return;
        }
        // Without CAP_NET_ADMIN (EPERM) the kernel silently caps this at net.core.rmem_max.
        if (libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, value, 4) < 0) {
            throw new NativeIoException("setsockopt(SO_RCVBUF)", bytes + " bytes on " + target(), LinuxNativeIo.errno());
        }
    }

    private void bindKernelGroup() throws NativeIoException {
        Pointer addr = LinuxNativeIo.runtime().getMemoryManager().allocateDirect(SOCKADDR_NL_BYTES, true);
        addr.putShort(0, (short) AF_NETLINK);
        // nl_pad stays 0; nl_pid 0 lets the kernel assign the port id.
        addr.putInt(4, 0);
        addr.putInt(8, KERNEL_EVENTS_GROUP);
        if (libc.bind(fd, addr, SOCKADDR_NL_BYTES) < 0) {
            throw new NativeIoException("bind", "netlink uevent group " + KERNEL_EVENTS_GROUP, LinuxNativeIo.errno());
        }
    }

    /** SO_RCVBUF as the kernel reports it: twice what was granted. */
    public int receiveBufferBytes() throws NativeIoException {
        ensureOpen();
        var memory = LinuxNativeIo.runtime().getMemoryManager();
        Pointer value = memory.allocateDirect(4, true);
        Pointer length = memory.allocateDirect(4, true);
        length.putInt(0, 4);
        if (libc.getsockopt(fd, SOL_SOCKET, SO_RCVBUF, value, length) < 0) {
            throw new NativeIoException("getsockopt(SO_RCVBUF)", target(), LinuxNativeIo.errno());
        }
        return value.getInt(0);
    }

    /**
     * Waits up to {@code timeout} for uevents, then returns all that are queued (empty on
     * timeout). Lost events appear as {@link Uevent#overflowMarker()} at the point of the loss.
     * Datagrams that are not kernel uevents are skipped.
     */
    public List<Uevent> poll(Duration timeout) throws NativeIoException {
        ensureOpen();
        List<Uevent> events = new ArrayList<>();
        if (!LinuxNativeIo.awaitReadable(fd, timeout, target())) {
            return events;
        }
        while (true) {
            senderLength.putInt(0, SOCKADDR_NL_BYTES);
            // recvfrom rather than recv: the sender's port id tells kernel messages (0) from
            // ones another process (needs CAP_NET_ADMIN) multicast to the group.
            long n = libc.recvfrom(fd, message, MESSAGE_BUFFER_BYTES, 0, sender, senderLength);
            if (n < 0) {
                int errno = LinuxNativeIo.errno();
                if (errno == LinuxNativeIo.EAGAIN) {
                    return events;
                }
                if (errno == LinuxNativeIo.ENOBUFS) {
                    events.add(Uevent.overflowMarker());
                } else if (errno != LinuxNativeIo.EINTR) {
                    throw new NativeIoException("recvfrom", target(), errno);
                }
            } else if (sender.getInt(4) == 0) {
                message.get(0, copy, 0, (int) n);
                Uevent.parse(copy, (int) n).ifPresent(events::add);
            }
        }
    }

    private String target() {
        return "netlink uevent socket fd " + fd;
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
