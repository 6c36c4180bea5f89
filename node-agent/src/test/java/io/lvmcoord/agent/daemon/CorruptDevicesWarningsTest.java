package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.cli.FixtureImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host with many broken devices: their warnings travel bounded (the first
 * {@code lvmcoord.query.max-warnings} and a count), so every CLI call keeps working. 150 corrupt
 * PVs once made a 74 KB warnings header that the CLI refused on every call.
 */
class CorruptDevicesWarningsTest {
    private static final int CORRUPT_PVS = 150;
    private static final int MAX_WARNINGS = 50;

    @TempDir
    Path tmp;

    /** {@code count} copies of s13's PV whose metadata-area header has a bad checksum, sparse past their data. */
    private static void corruptPvs(Path devices, int count) throws Exception {
        byte[] img;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(FixtureImages.fixtures().resolve("s13-bad-inputs/badmdacrc.img.gz")))) {
            img = in.readAllBytes();
        }
        int used = img.length;
        while (used > 0 && img[used - 1] == 0) {
            used--;
        }
        for (int i = 0; i < count; i++) {
            Path part = devices.getParent().resolve("bad" + i + ".part");
            try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw")) {
                f.write(img, 0, used);
                f.setLength(img.length);
            }
            Files.move(part, devices.resolve(String.format("bad%03d.img", i)));
        }
    }

    @Test
    void hundredFiftyCorruptPvsLeaveTheCliWorkingWithTheFirstWarningsAndTheCount() throws Exception {
        Path devices = Files.createDirectories(tmp.resolve("dev"));
        corruptPvs(devices, CORRUPT_PVS);
        for (Path img : FixtureImages.unpack("s01-single-linear", tmp.resolve("staging"))) {
            Files.move(img, devices.resolve(img.getFileName()));
        }
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), "--devices-dir", devices.toString())) {
            agent.awaitScanned();
            for (String report : List.of("pvs", "vgs", "lvs")) {
                AgentProcess.Run r = agent.cli(report, "--noheadings", "-o", report.equals("pvs") ? "pv_name" : "vg_name");
                assertEquals(0, r.exit(), report + ": " + r.err());
                List<String> err = r.err().lines().toList();
                assertEquals(MAX_WARNINGS + 1, err.size(), r.err());
                assertTrue(err.get(0).startsWith("  WARNING: "), err.get(0));
                Matcher more = Pattern.compile("  \\.\\.\\. and (\\d+) more warnings \\(lvmcoord\\.query\\.max-warnings = 50\\)")
                        .matcher(err.get(MAX_WARNINGS));
                assertTrue(more.matches(), err.get(MAX_WARNINGS));
                // Every corrupt PV is warned about at least once; the count says how many were left out.
                assertTrue(Integer.parseInt(more.group(1)) + MAX_WARNINGS >= CORRUPT_PVS, more.group(1));
                assertTrue(r.out().contains("vg01") || r.out().contains("pv1.img"), r.out());
            }
            var raw = agent.client().get("/v1/vgs?format=basic");
            assertEquals(200, raw.status());
            int total = Integer.parseInt(raw.header("x-lvmcoord-warning-count"));
            assertTrue(total >= CORRUPT_PVS, "count " + total);
            assertTrue(raw.header("x-lvmcoord-warnings").length() < 16 * 1024, "header of " + raw.header("x-lvmcoord-warnings").length());
        }
    }
}
