package io.lvmcoord.scan.fuzz;

import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.DiskArea;
import io.lvmcoord.scan.codec.MdaScan;
import io.lvmcoord.scan.codec.PvDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The fuzzers' seeds: every image of every lvm2-written scenario in {@code testdata/lvm2}
 * (s15 contributes three of its states), held sparsely, with the layout each one decodes to so
 * mutators know where the label, the metadata areas and the committed texts are.
 */
public final class FixtureSeeds {

    /** Where a metadata area of a seed lies and the committed text it held (NUL included), if any. */
    public record Area(long offset, long size, byte[] text) {
    }

    /** One seed device. {@code labelSector} is -1 when the device is not a PV. */
    public record Seed(String scenario, SparseImage image, int labelSector, List<Area> areas) {
        public String name() {
            return image.name();
        }

        public boolean isPv() {
            return labelSector >= 0;
        }
    }

    /** The devices of one scenario, reported on together as lvm2 did. */
    public record Scenario(String name, List<Seed> seeds) {
        /** The committed texts of the scenario's PVs, for mutation. */
        public List<byte[]> texts() {
            List<byte[]> out = new ArrayList<>();
            for (Seed s : seeds) {
                for (Area a : s.areas()) {
                    if (a.text() != null) {
                        out.add(a.text());
                    }
                }
            }
            return out;
        }
    }

    private static volatile List<Scenario> all;
    private static volatile List<byte[]> distinctTexts;

    private FixtureSeeds() {
    }

    /** All scenarios, loaded once per JVM (a few seconds: s06's images are 256 MiB of gzip each). */
    public static List<Scenario> scenarios() {
        List<Scenario> s = all;
        if (s == null) {
            synchronized (FixtureSeeds.class) {
                s = all;
                if (s == null) {
                    s = load(fixtures());
                    all = s;
                }
            }
        }
        return s;
    }

    /** Every PV seed of every scenario. */
    public static List<Seed> pvSeeds() {
        return scenarios().stream().flatMap(sc -> sc.seeds().stream()).filter(Seed::isPv).toList();
    }

    /** Every committed metadata text of every scenario (distinct copies), NUL included. */
    public static List<byte[]> texts() {
        List<byte[]> t = distinctTexts;
        if (t == null) {
            t = distinct();
            distinctTexts = t;
        }
        return t;
    }

    private static List<byte[]> distinct() {
        List<byte[]> out = new ArrayList<>();
        for (Scenario sc : scenarios()) {
            for (byte[] t : sc.texts()) {
                if (out.stream().noneMatch(o -> Arrays.equals(o, t))) {
                    out.add(t);
                }
            }
        }
        return List.copyOf(out);
    }

    /** testdata/lvm2: -Dlvmcoord.fixtures, else below -Dlvmcoord.repo.root, else found upwards from here. */
    public static Path fixtures() {
        String direct = System.getProperty("lvmcoord.fixtures");
        if (direct != null) {
            return Path.of(direct);
        }
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

    private static List<Scenario> load(Path root) {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> list = Files.list(root)) {
            list.filter(d -> Files.isRegularFile(d.resolve("images.txt"))).sorted().forEach(dirs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // s15 is 122 states of one VG; three of them (first LV, middle, last) cover its variety.
        for (String state : List.of("state-002", "state-061", "state-122")) {
            Path d = root.resolve("s15-seqno-series").resolve(state);
            if (Files.isRegularFile(d.resolve("images.txt"))) {
                dirs.add(d);
            }
        }
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        List<Scenario> out = new ArrayList<>();
        for (Path d : dirs) {
            String scenario = root.relativize(d).toString();
            List<Seed> seeds = new ArrayList<>();
            try {
                for (String img : Files.readAllLines(d.resolve("images.txt"), StandardCharsets.UTF_8)) {
                    if (img.isBlank()) {
                        continue;
                    }
                    SparseImage image;
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(d.resolve(img.trim() + ".gz")), 1 << 16)) {
                        image = SparseImage.read(img.trim(), in);
                    }
                    seeds.add(describe(scenario, image, decoder.decode(image)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading fixture " + d, e);
            }
            out.add(new Scenario(scenario, List.copyOf(seeds)));
        }
        return List.copyOf(out);
    }

    private static Seed describe(String scenario, SparseImage image, DeviceScan scan) {
        if (!(scan instanceof DeviceScan.PvScan pv)) {
            return new Seed(scenario, image, -1, List.of());
        }
        List<Area> areas = new ArrayList<>();
        for (int i = 0; i < pv.label().metadataAreas().size(); i++) {
            DiskArea a = pv.label().metadataAreas().get(i);
            MdaScan m = pv.mdas().get(i);
            long size = m.header() != null ? m.header().size() : a.size();
            areas.add(new Area(a.offset(), size, m.text()));
        }
        return new Seed(scenario, image, pv.label().sector(), List.copyOf(areas));
    }
}
