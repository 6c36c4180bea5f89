package io.lvmcoord.scan.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A device or image file read with plain positional reads. Block devices report size 0 through
 * {@code FileChannel.size()}, so their size comes from sysfs (sectors of 512 bytes).
 * The scan actors replace this with aligned, bounded asynchronous I/O.
 */
public final class FileBlockSource implements BlockSource, AutoCloseable {
    private final String name;
    private final Path path;
    private final FileChannel channel;

    public FileBlockSource(String name, Path path) throws IOException {
        this.name = name;
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() throws IOException {
        long s = channel.size();
        if (s > 0 || Files.isRegularFile(path)) {
            return s;
        }
        Path real = path.toRealPath();
        Path sys = Path.of("/sys/class/block", real.getFileName().toString(), "size");
        if (Files.exists(sys)) {
            return Long.parseLong(Files.readString(sys).trim()) * 512L;
        }
        return channel.position(0).size();
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        long pos = offset;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        if (buf.position() == length) {
            return buf.array();
        }
        byte[] out = new byte[buf.position()];
        System.arraycopy(buf.array(), 0, out, 0, out.length);
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
