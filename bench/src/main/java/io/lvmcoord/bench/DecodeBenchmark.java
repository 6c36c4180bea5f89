package io.lvmcoord.bench;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.coordinator.report.Fields;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.coordinator.report.ReportRenderer;
import io.lvmcoord.coordinator.report.ReportRequest;
import io.lvmcoord.coordinator.report.ReportType;
import io.lvmcoord.coordinator.report.Units;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.PvDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Decoding lvm2 fixture s06 (two PVs, 300 LVs, ~100 KB of metadata text per copy) from memory:
 * one PV alone (label, mda header, text CRC, parse, import), and the whole pipeline of an
 * {@code lvs -a} in JSON (both PVs, assembly, rendering). I/O is excluded on purpose: it is the
 * scan actors' benchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeBenchmark {
    private byte[] pv1;
    private byte[] pv2;
    private final PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
    private ReportBuilder builder;
    private ReportRequest lvsJson;

    @Setup
    public void load() throws IOException {
        Path dir = Path.of(System.getProperty("lvmcoord.fixtures", "testdata/lvm2")).resolve("s06-many-lvs");
        pv1 = head(dir.resolve("pv1.img.gz"));
        pv2 = head(dir.resolve("pv2.img.gz"));
        builder = new ReportBuilder(new Fields(ZoneId.of("UTC")));
        lvsJson = new ReportRequest(ReportType.LV, List.of(), List.of(), true, new Units('b', false), true, null, false, false,
                ReportRequest.Format.JSON);
    }

    /** The first 4 MiB hold the label, the 2 MiB mda and its text. */
    private static byte[] head(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readNBytes(4 << 20);
        }
    }

    @Benchmark
    public DeviceScan decodeOnePv() {
        return decoder.decode(new ByteArrayBlockSource("pv1.img", pv1));
    }

    @Benchmark
    public String decodeAssembleAndRenderLvsJson() throws Exception {
        Assembly a = new VgAssembler().assemble(List.of(decoder.decode(new ByteArrayBlockSource("pv1.img", pv1)), decoder.decode(new ByteArrayBlockSource("pv2.img", pv2))));
        return ReportRenderer.json(builder.build(a, lvsJson));
    }
}
