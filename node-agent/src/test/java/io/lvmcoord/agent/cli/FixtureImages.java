package io.lvmcoord.agent.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The lvm2 fixture scenarios under {@code testdata/lvm2}, unpacked into a temporary directory
 * with the image file names lvm2's expected JSON uses.
 */
public final class FixtureImages {
    private FixtureImages() {
    }

    public static Path repoRoot() {
        String prop = System.getProperty("lvmcoord.repo.root");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata/lvm2"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("testdata/lvm2 not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** What the CLI did: exit code, stdout (image paths made relative, as in lvm2's recorded JSON), stderr. */
    public record CliRun(int rc, String stdout, String stderr) {
    }

    /**
     * Runs the CLI's direct mode over a scenario's images (unpacked into {@code dir} on first use),
     * with {@code args} then the options the fixtures were recorded with: {@code --devices <the
     * images> --reportformat json --units b --nosuffix}.
     */
    public static CliRun runOnImages(String scenario, Path dir, List<String> args) throws IOException {
        List<Path> images = Files.isDirectory(dir) ? imageNames(scenario).stream().map(dir::resolve).toList() : unpack(scenario, dir);
        List<String> argv = new ArrayList<>(args);
        argv.addAll(List.of("--devices", String.join(",", images.stream().map(Path::toString).toList()),
                "--reportformat", "json", "--units", "b", "--nosuffix"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = LvmcoordCli.run(argv.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(rc, out.toString(StandardCharsets.UTF_8).replace(dir + "/", ""),
                err.toString(StandardCharsets.UTF_8));
    }

    public static Path fixtures() {
        return repoRoot().resolve("testdata/lvm2");
    }

    /**
     * The one-state scenarios: folders {@code sNN-*} with an {@code images.txt}. A series such as
     * s15-seqno-series holds one such folder per state ({@code state-NNN/}, usable as
     * {@code "s15-seqno-series/state-001"} wherever a scenario name is taken); multi-jvm-tests
     * replays it.
     */
    public static List<String> scenarios() {
        try (Stream<Path> s = Files.list(fixtures())) {
            return s.filter(p -> p.getFileName().toString().matches("s\\d\\d-.*") && Files.isRegularFile(p.resolve("images.txt")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> imageNames(String scenario) throws IOException {
        return Files.readAllLines(fixtures().resolve(scenario).resolve("images.txt")).stream().filter(l -> !l.isBlank()).toList();
    }

    /**
     * Inflates a gzipped disk image to {@code target} sparse: runs of zeros are skipped, not written
     * (the vmlab disks are 256 MiB each, mostly empty).
     */
    public static void gunzipSparse(Path gz, Path target) throws IOException {
        byte[] block = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz));
             java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(target, java.nio.file.StandardOpenOption.CREATE,
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
    }

    /** Unpacks a scenario's images into {@code dir}; returns their paths in images.txt order. */
    public static List<Path> unpack(String scenario, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.createDirectories(dir);
        for (String img : imageNames(scenario)) {
            Path target = dir.resolve(img);
            try (InputStream in = new GZIPInputStream(Files.newInputStream(fixtures().resolve(scenario).resolve(img + ".gz")))) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            out.add(target);
        }
        return out;
    }
}
