package io.lvmcoord.agent.discovery;


import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Opens what {@code --devices} names: block devices and image files as they are, and
 * {@code .gz} images (as the bundled lvm2 fixtures are shipped) inflated once into a sparse
 * temporary file that is deleted on close. The device keeps the name the operator gave.
 */
public final class DeviceOpener implements AutoCloseable {
    private static final int BLOCK = 64 * 1024;
    private final List<Path> temporaries = new ArrayList<>();
    private final LinkOption[] linkOptions;

    /** Follows symbolic links, as for devices the operator names (/dev/disk/by-id/..., /dev/mapper/...). */
    public DeviceOpener() {
        this(true);
    }

    /** @param followLinks false for names found in a directory others may write: a link there is no device */
    public DeviceOpener(boolean followLinks) {
        this.linkOptions = followLinks ? new LinkOption[0] : new LinkOption[]{LinkOption.NOFOLLOW_LINKS};
    }
    /** The last path {@link #reopen} gave for each name. */
    private final java.util.Map<String, Path> latest = new java.util.HashMap<>();

    /** The path to open for {@code name}: itself, or an inflated copy of a gzipped image. */
    public synchronized Path resolve(String name) throws IOException {
        Path path = Path.of(name);
        if (!Files.exists(path, linkOptions)) {
            throw new IOException("No such file or directory");
        }
        if (Files.isSymbolicLink(path) && linkOptions.length > 0) {
            throw new IOException("is a symbolic link");
        }
        if (Files.isDirectory(path)) {
            throw new IOException("is a directory");
        }
        if (name.endsWith(".gz") && Files.isRegularFile(path, linkOptions)) {
            return inflate(path);
        }
        return path.toAbsolutePath();
    }

    private Path inflate(Path gz) throws IOException {
        Path out = Files.createTempFile("lvmcoord-image-", ".img");
        temporaries.add(out);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz, linkOptions), BLOCK);
             FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[BLOCK];
            long pos = 0;
            while (true) {
                int n = in.readNBytes(buf, 0, BLOCK);
                if (n <= 0) {
                    break;
                }
                // Images are mostly zeros: skipping zero blocks keeps the copy sparse.
                if (!allZero(buf, n)) {
                    ch.write(ByteBuffer.wrap(buf, 0, n), pos);
                }
                pos += n;
            }
            ch.truncate(pos);
            if (ch.size() < pos) {
                ch.write(ByteBuffer.wrap(new byte[1]), pos - 1);
            }
        }
        return out;
    }

    private static final byte[] ZEROS = new byte[BLOCK];

    /**
     * Whether the first {@code n} bytes are zero. Arrays.mismatch compares a word at a time (a
     * vector at a time once compiled) instead of a byte at a time in a JVM that has not compiled
     * this yet. Inflating the demo's 7 images (~200 MiB) still takes ~0.55 s of its first scan's
     * listing: that is zlib.
     */
    private static boolean allZero(byte[] b, int n) {
        return java.util.Arrays.mismatch(b, 0, n, ZEROS, 0, n) < 0;
    }

    /**
     * As {@link #resolve}, for an image that may have changed since it was last resolved: a
     * gzipped image is inflated afresh and the copy made for it before is deleted.
     */
    public synchronized Path reopen(String name) throws IOException {
        Path fresh = resolve(name);
        Path old = latest.put(name, fresh);
        if (old != null && !old.equals(fresh) && temporaries.remove(old)) {
            Files.deleteIfExists(old);
        }
        return fresh;
    }

    @Override
    public synchronized void close() throws IOException {
        for (Path p : temporaries) {
            Files.deleteIfExists(p);
        }
    }

}
