package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.LvmCrc;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.fuzz.FuzzInputs;
import io.lvmcoord.scan.fuzz.FuzzOracle;
import io.lvmcoord.scan.fuzz.Reproducers;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static io.lvmcoord.scan.codec.LittleEndian.putU32;
import static io.lvmcoord.scan.codec.LittleEndian.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Metadata text that still passes its checksum but says odd things (numbers changed, names
 * altered, keys broken) must never make assembly or any report throw: every decoded VG,
 * however strange, renders, and every rejected one is a decode error.
 */
class MutatedMetadataReportProperties {
    private static final byte[] PV1 = head("s02-striped-two-pv", "pv1.img");
    private static final byte[] PV2 = head("s02-striped-two-pv", "pv2.img");
    private static final String DIGITS_AND_MORE = "0123456789-+.\"[]{},= \nabcpv_";

    private static final FuzzOracle ORACLE = new FuzzOracle(FuzzOracle.Budget.ISSUE_11);

    /** Inputs are timed against 200 ms; a cold JVM would fail that while still interpreting. */
    @BeforeContainer
    static void warmUp() {
        FuzzInputs.warmUp(ReportPathTarget::runEvery, 3);
    }

    @AfterContainer
    static void stopOracle() {
        ORACLE.close();
    }

    /**
     * Fuzz target (d) of issue 11: all devices of a fixture scenario, their metadata text
     * structurally mutated alike (or only on some PVs, or one device's headers damaged), go
     * through decode, assembly and one command drawn from the seed (pvs, vgs, lvs, lvs
     * --segments; with or without -a; every supported field; basic or JSON) within 200 ms and
     * 256 MB of heap. The seed is fixed; a failure prints the input's seed and command
     * ({@code FuzzInputs.scenario(seed)}, {@code ReportPathTarget.command(input)}) and saves the
     * devices under target/fuzz-failures.
     */
    @Property(tries = 3000, seed = "1100014", shrinking = ShrinkingMode.OFF)
    void fuzzedScenariosRenderEveryFieldWithinBudget(@ForAll long seed) {
        FuzzInputs.Devices in = FuzzInputs.scenario(seed);
        FuzzOracle.Outcome o = ORACLE.run(() -> ReportPathTarget.run(in));
        if (!o.ok()) {
            Path saved = Reproducers.save(Path.of("target", "fuzz-failures"), "report", o, in, "command: " + ReportPathTarget.command(in));
            throw new AssertionError("report target: " + o.describe() + "\n  command: " + ReportPathTarget.command(in) + "\n  input: "
                    + in.describe() + "\n  saved: " + saved, o.error());
        }
    }

    @Property(tries = 300)
    void resealedTextMutationsAlwaysRenderOrAreRejected(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int mutations,
                                                         @ForAll boolean mutateBoth) {
        Random rnd = new Random(seed);
        byte[] a = mutateText(PV1, rnd, mutations);
        byte[] b = mutateBoth ? mutateText(PV2, rnd, mutations) : PV2;
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        List<DeviceScan> scans = List.of(decoder.decode(new ByteArrayBlockSource("pv1.img", a)),
                decoder.decode(new ByteArrayBlockSource("pv2.img", b)));
        Assembly assembly = new VgAssembler().assemble(scans);
        ReportBuilder builder = new ReportBuilder(new Fields(ZoneId.of("UTC")));
        Fields fields = new Fields(ZoneId.of("UTC"));
        for (ReportType type : ReportType.values()) {
            List<String> all = fields.supportedIds().stream().filter(id -> fields.find(id).orElseThrow().scope() == type).toList();
            for (boolean hidden : new boolean[]{false, true}) {
                ReportRequest req = new ReportRequest(type, List.of(String.join(",", all)), List.of(), hidden, Units.DEFAULT, true, null,
                        false, false, ReportRequest.Format.JSON);
                Report r = build(builder, assembly, req);
                assertNotNull(ReportRenderer.json(r));
                assertNotNull(ReportRenderer.basic(r, true, null, false));
                r.rows().forEach(row -> assertEquals(all.size(), row.size()));
            }
        }
    }

    private static Report build(ReportBuilder builder, Assembly assembly, ReportRequest req) {
        try {
            return builder.build(assembly, req);
        } catch (ReportBuilder.BadRequest e) {
            throw new AssertionError("a request made of supported fields was refused", e);
        }
    }

    /** Changes bytes of mda1's committed text, then rewrites the text CRC and the header CRC. */
    private static byte[] mutateText(byte[] image, Random rnd, int mutations) {
        byte[] img = image.clone();
        int mda = 4096;
        long offset = u64(img, mda + 40);
        long size = u64(img, mda + 48);
        int start = (int) (mda + offset);
        int len = (int) size - 1;
        for (int i = 0; i < mutations; i++) {
            img[start + rnd.nextInt(len)] = (byte) DIGITS_AND_MORE.charAt(rnd.nextInt(DIGITS_AND_MORE.length()));
        }
        putU32(img, mda + 56, LvmCrc.of(img, start, (int) size));
        putU32(img, mda, LvmCrc.of(img, mda + 4, 508));
        return img;
    }



    private static byte[] head(String scenario, String image) {
        Path p = Path.of(System.getProperty("lvmcoord.repo.root", "..")).resolve("testdata/lvm2").resolve(scenario).resolve(image + ".gz");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return Arrays.copyOf(in.readAllBytes(), 32 << 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
