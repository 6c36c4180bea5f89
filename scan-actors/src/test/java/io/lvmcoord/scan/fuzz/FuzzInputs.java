package io.lvmcoord.scan.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The fuzz inputs, each a pure function of one {@code long}: the same seed always gives the same
 * devices or text, so a failure is reproduced by its seed alone (the CI properties print it, the
 * bench saves it with the input's bytes).
 */
public final class FuzzInputs {
    /** Largest text a text-only input produces: lvm2's default metadata area is 1 MiB. */
    static final int TEXT_INPUT_BYTES = 1 << 20;

    private FuzzInputs() {
    }

    /** Devices as a scanner would read them, with how they were damaged. */
    public record Devices(long seed, String scenario, List<SparseImage> images, List<String> mutations, byte[] text) {
        public String describe() {
            return "seed " + seed + ", scenario " + scenario + ": " + String.join("; ", mutations);
        }
    }

    /** A metadata text (NUL-terminated) and the fixture it was derived from. */
    public record Text(long seed, String origin, byte[] bytes) {
        public String describe() {
            return "seed " + seed + ", text of " + bytes.length + " bytes derived from " + origin;
        }
    }

    /** One device for the label/pv_header/mda decoder: header damage, a new text, or both. */
    public static Devices oneDevice(long seed) {
        Random rnd = new Random(seed);
        List<FixtureSeeds.Seed> all = FixtureSeeds.scenarios().stream().flatMap(s -> s.seeds().stream()).toList();
        List<FixtureSeeds.Seed> pvs = FixtureSeeds.pvSeeds();
        FixtureSeeds.Seed s = rnd.nextInt(10) == 0 ? all.get(rnd.nextInt(all.size())) : pvs.get(rnd.nextInt(pvs.size()));
        SparseImage img = s.image().copy(s.name());
        List<String> what = new ArrayList<>();
        what.add(s.scenario() + "/" + s.name());
        int mode = rnd.nextInt(10);
        byte[] text = null;
        if (mode >= 4 && !s.areas().isEmpty()) {
            text = mutatedTextFor(s.scenario(), rnd, ringOf(s));
            for (FixtureSeeds.Area a : s.areas()) {
                if (a.text() != null || rnd.nextInt(3) == 0) {
                    what.add(ImageMutator.putText(img, a, text, rnd));
                }
            }
        }
        if (mode < 4 || mode == 9 || s.areas().isEmpty()) {
            what.add(ImageMutator.damageHeaders(img, s, rnd));
        }
        if (rnd.nextInt(20) == 0) {
            long size = rnd.nextBoolean() ? rnd.nextInt(4 << 20) : img.size() + rnd.nextInt(1 << 20);
            img = img.resized(size);
            what.add("device size " + size);
        }
        return new Devices(seed, s.scenario(), List.of(img), what, text);
    }

    /** All devices of one scenario, with one mutated text written to its PVs' areas and sometimes one device damaged. */
    public static Devices scenario(long seed) {
        Random rnd = new Random(seed);
        List<FixtureSeeds.Scenario> scenarios = FixtureSeeds.scenarios();
        FixtureSeeds.Scenario sc = scenarios.get(rnd.nextInt(scenarios.size()));
        List<SparseImage> images = new ArrayList<>();
        for (FixtureSeeds.Seed s : sc.seeds()) {
            images.add(s.image().copy(s.name()));
        }
        List<String> what = new ArrayList<>();
        int ring = Integer.MAX_VALUE;
        for (FixtureSeeds.Seed s : sc.seeds()) {
            if (!s.areas().isEmpty()) {
                ring = Math.min(ring, ringOf(s));
            }
        }
        byte[] text = null;
        if (ring != Integer.MAX_VALUE && rnd.nextInt(8) != 0) {
            text = mutatedTextFor(sc.name(), rnd, ring);
            // Usually every copy of the VG's text changes alike (the VG assembles with it); sometimes only some do.
            boolean all = rnd.nextInt(4) != 0;
            for (int i = 0; i < sc.seeds().size(); i++) {
                FixtureSeeds.Seed s = sc.seeds().get(i);
                for (FixtureSeeds.Area a : s.areas()) {
                    if ((a.text() != null && (all || rnd.nextBoolean())) || rnd.nextInt(8) == 0) {
                        what.add(s.name() + ": " + ImageMutator.putText(images.get(i), a, text, rnd));
                    }
                }
            }
        }
        if (text == null || rnd.nextInt(5) == 0) {
            int i = rnd.nextInt(sc.seeds().size());
            what.add(sc.seeds().get(i).name() + ": " + ImageMutator.damageHeaders(images.get(i), sc.seeds().get(i), rnd));
        }
        return new Devices(seed, sc.name(), images, what, text);
    }

    /**
     * Every scenario unchanged, for warming the JIT before inputs are timed: a cold JVM
     * interprets the first reports several times slower than the budget allows.
     */
    public static List<Devices> pristine() {
        List<Devices> out = new ArrayList<>();
        for (FixtureSeeds.Scenario sc : FixtureSeeds.scenarios()) {
            List<SparseImage> images = sc.seeds().stream().map(s -> s.image().copy(s.name())).toList();
            out.add(new Devices(0, sc.name(), images, List.of("unchanged"), null));
        }
        return out;
    }

    /** Runs {@code target} over the unchanged scenarios {@code rounds} times, untimed. */
    public static void warmUp(java.util.function.Consumer<Devices> target, int rounds) {
        List<Devices> all = pristine();
        for (int i = 0; i < rounds; i++) {
            all.forEach(target);
        }
    }

    /** A metadata text for the parser and the importer. */
    public static Text text(long seed) {
        Random rnd = new Random(seed);
        List<FixtureSeeds.Scenario> scenarios = FixtureSeeds.scenarios().stream().filter(s -> !s.texts().isEmpty()).toList();
        FixtureSeeds.Scenario sc = scenarios.get(rnd.nextInt(scenarios.size()));
        List<byte[]> texts = sc.texts();
        byte[] base = texts.get(rnd.nextInt(texts.size()));
        return new Text(seed, sc.name(), MetadataTextMutator.mutate(base, rnd, TEXT_INPUT_BYTES));
    }

    /** A text of the scenario (or, now and then, of another one: a foreign VG grafted onto these PVs), mutated. */
    private static byte[] mutatedTextFor(String scenario, Random rnd, int maxBytes) {
        List<FixtureSeeds.Scenario> scenarios = FixtureSeeds.scenarios();
        List<byte[]> texts = scenarios.stream().filter(s -> s.name().equals(scenario)).findFirst().map(FixtureSeeds.Scenario::texts)
                .orElse(List.of());
        if (texts.isEmpty() || rnd.nextInt(10) == 0) {
            texts = FixtureSeeds.texts();
        }
        return MetadataTextMutator.mutate(texts.get(rnd.nextInt(texts.size())), rnd, maxBytes);
    }

    private static int ringOf(FixtureSeeds.Seed s) {
        long ring = Long.MAX_VALUE;
        for (FixtureSeeds.Area a : s.areas()) {
            ring = Math.min(ring, a.size() - 512);
        }
        return (int) Math.max(512, Math.min(ring, Integer.MAX_VALUE));
    }
}
