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

    public static List<String> scenarios() {
        try (Stream<Path> s = Files.list(fixtures())) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> n.matches("s\\d\\d-.*")).sorted().toList();
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
