package io.lvmcoord.mjvm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The lvm2 fixtures of testdata/lvm2 (see its INDEX.md): a scenario, or one state of the
 * s15-seqno-series, is a folder with {@code images.txt}, the gzipped images and lvm2's
 * {@code expected/} reports.
 */
final class Fixtures {
    static final String SERIES = "s15-seqno-series";
    /** The VG of the series and its two images. */
    static final String SAN_VG = "sanvg";
    static final List<String> SAN_IMAGES = List.of("pv1.img", "pv2.img");
    /** The series' first state with its LV (state-001 is the bare VG) and its last. */
    static final int FIRST_STATE = 2;
    static final int LAST_STATE = 122;

    private Fixtures() {
    }

    static Path root() {
        String prop = System.getProperty("lvmcoord.repo.root");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata/lvm2"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("testdata/lvm2 not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("testdata/lvm2");
    }

    /** A scenario's folder ("s11-multi-vg"), or a state of the series. */
    static Path scenario(String name) {
        Path p = root().resolve(name);
        if (!Files.isRegularFile(p.resolve("images.txt"))) {
            throw new IllegalArgumentException("no fixture " + name + " (no images.txt in " + p + ")");
        }
        return p;
    }

    static Path state(int seqno) {
        return scenario(SERIES + "/" + String.format("state-%03d", seqno));
    }

    static List<String> images(Path fixture) throws IOException {
        return Files.readAllLines(fixture.resolve("images.txt")).stream().filter(l -> !l.isBlank()).toList();
    }

    /**
     * Puts the fixture's images into {@code dir} under their names, each inflated in
     * {@code staging} (same file system) and renamed over any older copy: an agent that lists
     * {@code dir} meanwhile sees an image whole, old or new, never half-written or twice.
     */
    static List<Path> install(Path fixture, Path dir, Path staging) throws IOException {
        Files.createDirectories(dir);
        Files.createDirectories(staging);
        List<Path> out = new ArrayList<>();
        for (String img : images(fixture)) {
            Path tmp = staging.resolve(img + ".tmp");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(fixture.resolve(img + ".gz")))) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Path target = dir.resolve(img);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            out.add(target);
        }
        return out;
    }

    /**
     * Inflates a gzipped disk image to {@code target} sparse, through a temporary file renamed over it
     * (an agent watching the directory sees it whole): runs of zeros are skipped, not written.
     */
    static void installSparse(Path gz, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        byte[] block = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz));
             java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                     java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            long pos = 0;
            int n;
            while ((n = in.readNBytes(block, 0, block.length)) > 0) {
                boolean zero = true;
                for (int i = 0; i < n && zero; i++) {
                    zero = block[i] == 0;
                }
                if (!zero) {
                    out.write(java.nio.ByteBuffer.wrap(block, 0, n), pos);
                }
                pos += n;
            }
            if (out.size() < pos) {
                out.write(java.nio.ByteBuffer.wrap(new byte[1]), pos - 1);
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
