package io.lvmcoord.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LvmcoordCliTest {
    @TempDir
    Path tmp;

    private record Run(int rc, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = LvmcoordCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String gz(String scenario, String image) {
        return FixtureImages.fixtures().resolve(scenario).resolve(image + ".gz").toString();
    }

    @Test
    void warningsGoToStderrAndStdoutStaysParseableJson() throws Exception {
        Run r = run("vgs", "--reportformat", "json", "--devices", gz("s08-missing-pv", "pv1.img") + "," + gz("s08-missing-pv", "pv2.img"));
        assertEquals(0, r.rc());
        JsonNode vg = new ObjectMapper().readTree(r.out()).get("report").get(0).get("vg").get(0);
        assertEquals("wz-pn-", vg.get("vg_attr").asText());
        assertTrue(r.err().contains("WARNING: VG vg08 is missing PV y0Y7bK-6ram-lire-N2cR-P5pk-Yo8W-B2uXs9"), r.err());
        assertFalse(r.out().contains("WARNING"));
    }

    @Test
    void gzippedImagesAreReadAndKeepTheirGivenNames() {
        String dev = gz("s01-single-linear", "pv1.img");
        Run r = run("pvs", "--noheadings", "--separator", "|", "-o", "pv_name,vg_name,pv_size", "--devices", dev);
        assertEquals("  " + dev + "|vg01|31.00m\n", r.out());
    }

    @Test
    void missingDeviceIsNamedAndFailsTheCommandWithoutATrace() {
        Run r = run("pvs", "--devices", tmp.resolve("nope.img").toString());
        assertEquals(5, r.rc());
        assertTrue(r.err().contains("Cannot use " + tmp.resolve("nope.img") + ": No such file or directory"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals("", r.out(), "lvm2 prints no headings for an empty report");
    }

    @Test
    void badCommandLinesExitWithLvm2sUsageCode() {
        // (A bare `pvs` is no usage error: it asks the agent. It passed here only while the command's name reached the parser twice.)
        for (List<String> args : List.<List<String>>of(List.of(), List.of("pvs", "--node", "a", "--all-nodes"), List.of("pvs", "--bogus"),
                List.of("vgs", "--units", "q", "--devices", "x"), List.of("vgs", "bad/name", "--devices", "x"),
                List.of("vgs", "--reportformat", "yaml", "--devices", "x"))) {
            Run r = run(args.toArray(String[]::new));
            assertEquals(3, r.rc(), "exit code for " + args + ": " + r.err());
            assertFalse(r.err().isBlank(), "an explanation for " + args);
            assertFalse(r.err().contains("at io.lvmcoord"), "no stack trace for " + args + ": " + r.err());
        }
    }

    @Test
    void aReportLvm2StartsAndCannotFinishExitsFive() throws Exception {
        // lvm2 runs these and fails them (ECMD_FAILED): an unknown field, a VG that is not there.
        String s01 = gz("s01-single-linear", "pv1.img");
        Run field = run("lvs", "-o", "no_such_field", "--devices", s01);
        assertEquals(5, field.rc(), field.err());
        // As lvm2: its whole field listing, then the name it did not know.
        assertTrue(field.err().startsWith("  Logical Volume Fields\n  ---------------------\n"), field.err());
        assertTrue(field.err().endsWith("    ?                           - Show help.\n   \n  Unrecognised field: no_such_field\n"), field.err());
        assertEquals("", field.out());
        Run vg = run("vgs", "-o", "vg_name", "vg0", "vg01", "--devices", s01);
        assertEquals(5, vg.rc(), vg.err());
        assertTrue(vg.err().contains("  Volume group \"vg0\" not found\n  Cannot process volume group vg0\n"), vg.err());
        assertEquals("  VG  \n  vg01\n", vg.out());
    }

    @Test
    void versionNamesTheLvm2ReleaseWhoseReportsWeReproduce() {
        for (String[] args : List.of(new String[]{"vgs", "--version"}, new String[]{"pvs", "--version", "-o", "x"})) {
            Run r = run(args);
            assertEquals(0, r.rc(), r.err());
            assertTrue(r.out().startsWith("  LVM version:     2.03.16(2) (lvmcoord "), r.out());
            assertTrue(r.out().contains("\n  Configuration:   lvmcoord "), r.out());
        }
    }

    @Test
    void topLevelVersionStartsWithLvmcoordsOwnVersionAloneOnItsLine() {
        Run r = run("--version");
        assertEquals(0, r.rc(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("lvmcoord " + io.lvmcoord.agent.client.VersionText.lvmcoordVersion(),
                "reproduces the reports of lvm2 2.03.16(2)"), lines);
    }

    @Test
    void scanPrintsOneLinePerDeviceAndTheStatsLine() throws Exception {
        Path list = tmp.resolve("devices.txt");
        java.nio.file.Files.writeString(list, "# two PVs and a blank device\n" + gz("s05-orphans", "pv1.img") + "\n"
                + gz("s01-single-linear", "pv1.img") + "\n" + gz("s05-orphans", "blank.img") + "\n");
        Run r = run("scan", "--devices-file", list.toString(), "--stats");
        assertEquals(0, r.rc(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith(gz("s05-orphans", "pv1.img") + "\tpv uuid=otp0Va-gDt1-XtJh-4mvz-Hqax-fKHe-Q5ARUj vg=- mdas=0/1"),
                lines.get(0));
        assertTrue(lines.get(1).contains("\tpv uuid=") && lines.get(1).contains(" vg=vg01 seqno=2 mdas=1/1 dev_size=33554432"), lines.get(1));
        assertTrue(lines.get(2).contains("\tnot-a-pv no LVM2 label"), lines.get(2));
        String stats = r.err().lines().filter(l -> l.startsWith("scan-stats ")).findFirst().orElseThrow();
        assertTrue(stats.matches("scan-stats devices=3 pvs=2 faults=0 reads=3 bytes=393216 syscalls=\\d+ elapsed_ms=\\d+ engine=(io_uring|pread)"),
                stats);
    }

    @Test
    void segmentFieldsTurnAnLvReportIntoASegmentReport() throws Exception {
        Run r = run("lvs", "-o", "lv_name,devices", "--reportformat", "json", "--devices",
                gz("s04-no-mda-pv", "pv1.img") + "," + gz("s04-no-mda-pv", "pv2.img") + "," + gz("s04-no-mda-pv", "pv3.img"));
        JsonNode seg = new ObjectMapper().readTree(r.out()).get("report").get(0).get("seg");
        assertEquals(3, seg.size(), r.out());
    }
}
