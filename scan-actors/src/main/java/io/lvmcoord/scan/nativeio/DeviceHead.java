package io.lvmcoord.scan.nativeio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The first bytes of a device, read outside the scanner's I/O engine: for the few label reads
 * lvm2 itself makes before deciding which devices to use (a devices-file entry identified by
 * name is checked against the PVID on the device). A plain buffered read: it shares the page
 * cache with the writers on this host, which is what those checks compare against.
 */
public final class DeviceHead {
    private DeviceHead() {
    }

    /** Up to {@code length} bytes from offset 0 of {@code path}, or empty when it cannot be opened or read. */
    public static Optional<byte[]> read(String path, int length) {
        try (FileChannel ch = FileChannel.open(Path.of(path), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    break;
                }
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return Optional.of(out);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
