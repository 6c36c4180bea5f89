package io.lvmcoord.scan.codec;

import io.lvmcoord.scan.fuzz.FuzzInputs;
import io.lvmcoord.scan.fuzz.FuzzOracle;
import io.lvmcoord.scan.fuzz.Reproducers;
import io.lvmcoord.scan.fuzz.ScanTargets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random damage to real lvm2 images must only ever produce decode results (PV, not-a-PV, fault,
 * or areas marked bad): never an exception, a hang, or a read larger than the caps allow.
 * Mutations are aimed at the structures (label, mda headers, text) and are often resealed with
 * valid checksums, so they reach the field checks and the text parser rather than stopping at
 * the first CRC.
 */
class DecoderRobustnessProperties {
    private static final int MIB = 1 << 20;
    private static final List<byte[]> BASES = List.of(
            Arrays.copyOf(Images.load("s01-single-linear", "pv1.img"), 2 * MIB),
            Arrays.copyOf(Images.load("s07-wrapped-mda", "pv1.img"), 2 * MIB),
            Arrays.copyOf(Images.load("s06-many-lvs", "pv1.img"), 4 * MIB),
            Images.load("s03-two-mdas", "pv1.img"));
    private static final byte[] S01 = Arrays.copyOf(Images.load("s01-single-linear", "pv1.img"), 2 * MIB);
    private static final String S01_TEXT = Images.committedText(S01, 4096);
    private static final DecodeLimits LIMITS = new DecodeLimits(1 << 20, 64);

    /** Where failing fuzz inputs are saved, for replay outside the test. */
    static final Path FUZZ_FAILURES = Path.of("target", "fuzz-failures");
    private static final FuzzOracle ORACLE = new FuzzOracle(FuzzOracle.Budget.ISSUE_11);

    /** Inputs are timed against 200 ms; a cold JVM would fail that while still interpreting. */
    @BeforeContainer
    static void warmUp() {
        FuzzInputs.warmUp(ScanTargets::decode, 20);
    }

    @AfterContainer
    static void stopOracle() {
        ORACLE.close();
    }

    /**
     * Fuzz target (a) of issue 11: every fixture PV, with its label, pv_header and mda headers
     * damaged (mostly resealed) or its metadata text structurally mutated and written back with
     * valid checksums, decodes to a result within 200 ms and without holding 256 MB. The seed is
     * fixed so CI runs the same inputs every time; a failure prints the input's seed (replay with
     * {@code FuzzInputs.oneDevice(seed)}) and saves it under target/fuzz-failures.
     */
    @Property(tries = 3000, seed = "1100011", shrinking = ShrinkingMode.OFF)
    void fuzzedDevicesDecodeToResultsWithinBudget(@ForAll long seed) {
        FuzzInputs.Devices in = FuzzInputs.oneDevice(seed);
        FuzzOracle.Outcome o = ORACLE.run(() -> ScanTargets.decode(in));
        if (!o.ok()) {
            Path saved = Reproducers.save(FUZZ_FAILURES, "decode", o, in);
            throw new AssertionError("decode target: " + o.describe() + "\n  input: " + in.describe() + "\n  saved: " + saved,
                    o.error());
        }
    }

    @Property(tries = 400)
    void mutatedImagesOnlyYieldDecodeResults(@ForAll @IntRange(min = 0, max = 3) int which,
                                             @ForAll @IntRange(min = 1, max = 40) int mutations,
                                             @ForAll long seed,
                                             @ForAll boolean reseal) {
        byte[] base = BASES.get(which);
        Random rnd = new Random(seed);
        byte[] img = base.clone();
        long mda2 = which == 3 ? img.length - 65536 : -1;
        for (int i = 0; i < mutations; i++) {
            int region = rnd.nextInt(6);
            int at = switch (region) {
                case 0 -> 512 + rnd.nextInt(512);
                case 1 -> 4096 + rnd.nextInt(512);
                case 2 -> 4608 + rnd.nextInt(16384);
                case 3 -> mda2 > 0 ? (int) mda2 + rnd.nextInt(1024) : rnd.nextInt(131072);
                default -> rnd.nextInt(131072);
            };
            if (rnd.nextInt(4) == 0 && at + 8 <= img.length) {
                Images.putU64(img, at, rnd.nextBoolean() ? rnd.nextLong() : rnd.nextInt(1 << 20));
            } else {
                img[at] = (byte) rnd.nextInt(256);
            }
        }
        if (reseal) {
            Images.resealLabel(img, 512);
            Images.resealMdaHeader(img, 4096);
            if (mda2 > 0) {
                Images.resealMdaHeader(img, (int) mda2);
            }
        }
        decodeSafely(new Images.Memory("mutant.img", img));
    }

    @Property(tries = 200)
    void truncatedImagesOnlyYieldDecodeResults(@ForAll @IntRange(min = 0, max = 3) int which,
                                               @ForAll @LongRange(min = 0, max = 40 * MIB) long cut) {
        byte[] base = BASES.get(which);
        decodeSafely(new Images.Memory("truncated.img", Arrays.copyOf(base, (int) Math.min(cut, base.length))));
    }

    /** Hostile values in a correctly checksummed text: the importer's checks, reached through the decoder. */
    @Property(tries = 300)
    void hostileTextsOnlyYieldDecodeResults(@ForAll @IntRange(min = 1, max = 6) int edits, @ForAll long seed) {
        String text = HostileTexts.mutate(S01_TEXT, new Random(seed), edits);
        Images.Memory dev = new Images.Memory("hostile.img", Images.withText(S01, 4096, text));
        decodeSafely(dev);
        MdaScan m = ((DeviceScan.PvScan) new PvDecoder(LIMITS).decode(dev)).mdas().get(0);
        if (m.status() == MdaScan.Status.BAD_TEXT) {
            assertTrue(m.error().offset() == 4096 + 512 && m.error().kind() == DecodeError.Kind.BAD_TEXT, m.error().toString());
            assertTrue(m.error().reason().contains("text byte"), m.error().reason());
        } else {
            assertTrue(m.status() == MdaScan.Status.IN_USE, m.toString());
        }
    }

    private static void decodeSafely(Images.Memory dev) {
        DeviceScan result = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> new PvDecoder(LIMITS).decode(dev));
        assertNotNull(result);
        assertTrue(dev.largestRead <= Math.max(PvDecoder.HEAD_BYTES, LIMITS.maxTextBytes()), "read " + dev.largestRead + " bytes at once");
        if (result instanceof DeviceScan.PvScan pv) {
            for (MdaScan m : pv.mdas()) {
                assertTrue((m.status() == MdaScan.Status.IN_USE) == (m.vg() != null), "vg present iff in use: " + m);
                assertTrue((m.error() != null) == (m.status() == MdaScan.Status.BAD_HEADER || m.status() == MdaScan.Status.BAD_TEXT),
                        "error present iff bad: " + m);
                if (m.error() != null) {
                    assertTrue(m.error().device().equals(dev.name()) && m.error().offset() >= 0, "error names device and offset: " + m.error());
                }
            }
        }
    }
}
