package io.lvmcoord.agent.discovery;


import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
    /** The copy {@link #reopen} made for each gzipped image, and the image's state when it did. */
    private final Map<String, Inflated> latest = new HashMap<>();

    private record Inflated(Path copy, FileTime modified, long size, Object fileKey) {
        boolean of(BasicFileAttributes image) {
            return modified.equals(image.lastModifiedTime()) && size == image.size() && Objects.equals(fileKey, image.fileKey());
        }
    }

    /** The path to open for {@code name}: itself, or a fresh inflated copy of a gzipped image. */
    public synchronized Path resolve(String name) throws IOException {
        Path path = Path.of(name);
        BasicFileAttributes a = attributes(path).orElseThrow(() -> new IOException("No such file or directory"));
        return a.isRegularFile() && name.endsWith(".gz") ? inflate(path) : path.toAbsolutePath();
    }

    /**
     * As {@link #resolve}, for every rescan of a device: empty when {@code name} does not exist
     * (now), and a gzipped image is inflated again only when it changed since its last copy (the
     * copy made before is then deleted). One stat per name: rescans ask this for every device.
     */
    public synchronized Optional<Path> reopen(String name) throws IOException {
        Path path = Path.of(name);
        Optional<BasicFileAttributes> found = attributes(path);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        BasicFileAttributes a = found.get();
        if (!a.isRegularFile() || !name.endsWith(".gz")) {
            return Optional.of(path.toAbsolutePath());
        }
        Inflated before = latest.get(name);
        if (before != null && before.of(a)) {
            return Optional.of(before.copy());
        }
        Path fresh = inflate(path);
        latest.put(name, new Inflated(fresh, a.lastModifiedTime(), a.size(), a.fileKey()));
        if (before != null && temporaries.remove(before.copy())) {
            Files.deleteIfExists(before.copy());
        }
        return Optional.of(fresh);
    }

    /** What a device name is, in one stat; refuses what is no device (a directory, a link where links are not followed). */
    private Optional<BasicFileAttributes> attributes(Path path) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class, linkOptions);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (a.isSymbolicLink()) {
            // Only seen with links not followed.
            throw new IOException("is a symbolic link");
        }
        if (a.isDirectory()) {
            throw new IOException("is a directory");
        }
        return Optional.of(a);
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

    @Override
    public synchronized void close() throws IOException {
        for (Path p : temporaries) {
            Files.deleteIfExists(p);
        }
    }

}
