package io.lvmcoord.scan.nativeio;

import jnr.ffi.Pointer;

import java.util.List;
import java.util.Optional;

/**
 * {@link DeviceMapper} on {@code /dev/mapper/control}: the DM ioctls through libc's ioctl(2),
 * with the layout of {@link DmIoctl}. Each call copies a request into native memory, lets the
 * kernel answer in place and copies the reply back; a reply flagged {@link DmIoctl#BUFFER_FULL_FLAG}
 * is asked again with twice the buffer, as libdevmapper does, up to {@link #MAX_BUFFER}.
 * Not thread-safe: one reader at a time (the control fd is cheap; open one per reader).
 */
public final class LinuxDeviceMapper implements DeviceMapper {

    public static final String CONTROL = "/dev/mapper/control";
    /** libdevmapper's first buffer: a few hundred devices or a long table fit without a retry. */
    static final int FIRST_BUFFER = 16 * 1024;
    /** Far beyond any real table; a kernel that keeps asking for more is answered with an error, not unbounded memory. */
    static final int MAX_BUFFER = 64 * 1024 * 1024;

    private static final int O_RDWR = 2;
    private static final int ENOENT = 2;
    private static final int ENXIO = 6;
    private static final int ENODEV = 19;

    private final LinuxNativeIo.LibC libc = LinuxNativeIo.libc();
    private final String controlPath;
    private final int fd;
    private boolean closed;

    private final int firstBuffer;

    private LinuxDeviceMapper(String controlPath, int fd, int firstBuffer) {
        this.controlPath = controlPath;
        this.fd = fd;
        this.firstBuffer = firstBuffer;
    }

    /** Opens the host's control node. */
    public static Opening open() throws NativeIoException {
        return open(CONTROL);
    }

    /**
     * Opens {@code controlPath} read-write, as libdevmapper does. A missing node (ENOENT) or one
     * no driver answers (ENXIO, ENODEV: device-mapper not built or not loaded) is
     * {@link Opening.NotAvailable}; anything else (EACCES when not root, ...) is an error.
     */
    public static Opening open(String controlPath) throws NativeIoException {
        return open(controlPath, FIRST_BUFFER);
    }

    /**
     * As {@link #open(String)}, each ioctl starting with a buffer of {@code firstBuffer} bytes (at
     * least the header): a small one makes the kernel answer "buffer full" and exercises the retry.
     */
    public static Opening open(String controlPath, int firstBuffer) throws NativeIoException {
        if (firstBuffer < DmIoctl.HEADER_SIZE || firstBuffer > MAX_BUFFER) {
            throw new IllegalArgumentException("a DM ioctl buffer holds " + DmIoctl.HEADER_SIZE + " to " + MAX_BUFFER + " bytes, asked for "
                    + firstBuffer);
        }
        int fd = LinuxNativeIo.libc().open(controlPath, O_RDWR | NativeIo.O_CLOEXEC, 0);
        if (fd < 0) {
            int errno = LinuxNativeIo.errno();
            if (errno == ENOENT || errno == ENXIO || errno == ENODEV) {
                return new Opening.NotAvailable(controlPath, NativeIoException.describe(errno));
            }
            throw new NativeIoException("open", controlPath, errno);
        }
        return new Opening.Opened(new LinuxDeviceMapper(controlPath, fd, firstBuffer));
    }

    @Override
    public String driverVersion() throws NativeIoException {
        return DmIoctl.header(call(DmIoctl.DM_VERSION, "", 0).orElseThrow()).version();
    }

    @Override
    public List<Listed> listDevices() throws NativeIoException {
        return DmIoctl.names(call(DmIoctl.DM_LIST_DEVICES, "", 0).orElseThrow());
    }

    @Override
    public Optional<Info> info(String name) throws NativeIoException {
        return call(DmIoctl.DM_DEV_STATUS, name, 0).map(r -> DmIoctl.header(r).info());
    }

    @Override
    public Optional<TableRead> tableStatus(String name, boolean table) throws NativeIoException {
        return call(DmIoctl.DM_TABLE_STATUS, name, table ? DmIoctl.STATUS_TABLE_FLAG : DmIoctl.NOFLUSH_FLAG)
                .map(r -> new TableRead(DmIoctl.header(r).info(), DmIoctl.targets(r)));
    }

    /**
     * One ioctl, retried with a doubled buffer while the kernel says it is full. Empty when a
     * named device does not exist (ENXIO): it was removed since it was listed.
     */
    private Optional<byte[]> call(long request, String name, int flags) throws NativeIoException {
        ensureOpen();
        for (int size = firstBuffer; ; size = (int) Math.min(MAX_BUFFER, 2L * size)) {
            byte[] req = DmIoctl.request(size, name, flags);
            Pointer buf = LinuxNativeIo.runtime().getMemoryManager().allocateDirect(size);
            buf.put(0, req, 0, size);
            if (libc.ioctl(fd, request, buf) < 0) {
                int errno = LinuxNativeIo.errno();
                if (errno == ENXIO && !name.isEmpty()) {
                    return Optional.empty();
                }
                throw new NativeIoException("ioctl(" + DmIoctl.name(request) + ")", target(name), errno);
            }
            byte[] reply = new byte[size];
            buf.get(0, reply, 0, size);
            if (!DmIoctl.header(reply).bufferFull()) {
                return Optional.of(reply);
            }
            if (size >= MAX_BUFFER) {
                throw new IllegalStateException(DmIoctl.name(request) + " on " + target(name) + ": the kernel's answer does not fit in "
                        + MAX_BUFFER + " bytes");
            }
        }
    }

    private String target(String name) {
        return name.isEmpty() ? controlPath : controlPath + " device " + name;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(controlPath + " (fd " + fd + ") is closed");
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
            throw new NativeIoException("close", controlPath, LinuxNativeIo.errno());
        }
    }
}
