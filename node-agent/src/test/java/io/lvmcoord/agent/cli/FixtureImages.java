package io.lvmcoord.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
