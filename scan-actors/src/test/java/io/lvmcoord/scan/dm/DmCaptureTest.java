package io.lvmcoord.scan.dm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A state written as a recording's dm/ folder reads back as the same state, and its files are dmsetup's. */
class DmCaptureTest {
    private static final Path DM = Path.of(System.getProperty("user.dir")).getParent().resolve("testdata/dm");

    /** Every recording of testdata/dm (the four first ones at least). */
    private static List<String> recordings() throws IOException {
        List<String> all;
        try (Stream<Path> s = Files.list(DM)) {
            all = s.filter(d -> Files.isRegularFile(d.resolve("dm/info.txt"))).map(d -> d.getFileName().toString()).sorted().toList();
        }
        assertTrue(all.containsAll(List.of("dm-s01-linear", "dm-s02-thin", "dm-s03-raid-snap", "dm-s04-cache")), all.toString());
        return all;
    }

    @Test
    void everyRecordingWrittenAgainReadsBackAsTheSameState(@TempDir Path tmp) throws IOException {
        for (String s : recordings()) {
            Path fixture = DM.resolve(s + "/dm");
            DmState state = DmRecording.read(fixture);
            Path out = Files.createDirectories(tmp.resolve(s));
            DmCapture.write(state, fixture.resolve("sysfs"), fixture.resolve("proc"), out);
            assertEquals(state, DmRecording.read(out), s);
        }
    }

    @Test
    void infoStatusAndTableAreDmsetupsOutputByteForByte(@TempDir Path tmp) throws IOException {
        for (String s : recordings()) {
            Path fixture = DM.resolve(s + "/dm");
            Path out = Files.createDirectories(tmp.resolve(s));
            DmCapture.write(DmRecording.read(fixture), fixture.resolve("sysfs"), fixture.resolve("proc"), out);
            for (String f : List.of("info.txt", "status.txt", "table.txt", "proc/partitions")) {
                assertEquals(Files.readString(fixture.resolve(f)), Files.readString(out.resolve(f)), s + " " + f);
            }
            assertEquals("Driver version:    4.47.0\n", Files.readString(out.resolve("version.txt")), s);
        }
    }

    @Test
    void theSysfsCopyHasDmCollectsFilesForDmDevicesAndTheDevicesTheyHold(@TempDir Path tmp) throws IOException {
        Path fixture = DM.resolve("dm-s02-thin/dm");
        DmCapture.write(DmRecording.read(fixture), fixture.resolve("sysfs"), fixture.resolve("proc"), tmp);
        List<String> copied;
        try (Stream<Path> s = Files.walk(tmp.resolve("sysfs"))) {
            copied = s.filter(Files::isRegularFile).map(p -> tmp.resolve("sysfs").relativize(p).toString()).sorted().toList();
        }
        List<String> recorded;
        try (Stream<Path> s = Files.walk(fixture.resolve("sysfs"))) {
            // The recording has every vd* disk; the capture has the ones a dm device holds: the pool's data
            // on vdb (254:16) and its metadata on vde (254:64), not the root disk vda nor the unused vdc, vdd.
            recorded = s.filter(Files::isRegularFile).map(p -> fixture.resolve("sysfs").relativize(p).toString())
                    .filter(p -> p.startsWith("block/dm-") || p.startsWith("block/vdb/") || p.startsWith("block/vde/")).sorted().toList();
        }
        assertEquals(recorded, copied);
        for (String f : copied) {
            assertEquals(Files.readString(fixture.resolve("sysfs").resolve(f)), Files.readString(tmp.resolve("sysfs").resolve(f)), f);
        }
        assertEquals("../../dm-2\n", Files.readString(tmp.resolve("sysfs/block/dm-3/slaves/dm-2")));
        String commands = Files.readString(tmp.resolve("commands.txt"));
        assertTrue(commands.startsWith("info.txt\t0\tDM_LIST_DEVICES, DM_DEV_STATUS per device, printed as dmsetup info -c"), commands);
        assertTrue(commands.contains("\nsysfs\t0\tcopy of "), commands);
    }

    @Test
    void aHostWithoutDevicesIsWhatDmsetupPrintsThenAndReadsBackEmpty(@TempDir Path tmp) throws IOException {
        DmCapture.write(DmState.NONE, tmp.resolve("no-sysfs"), tmp.resolve("no-proc"), tmp);
        for (String f : List.of("info.txt", "status.txt", "table.txt")) {
            assertEquals("No devices found\n", Files.readString(tmp.resolve(f)), f);
        }
        assertEquals("", Files.readString(tmp.resolve("version.txt")), "no driver, no version line");
        assertFalse(Files.exists(tmp.resolve("sysfs")));
        assertEquals(DmState.NONE, DmRecording.read(tmp));
    }

    @Test
    void devicesWithoutALiveTableOrSuspendedReadOnlyKeepTheirAttrAndNameOnlyLines(@TempDir Path tmp) throws IOException {
        DmStatusLine zero = new DmStatusLine("ro", 0, 8, "zero", "");
        DmState state = new DmState("4.47.0", List.of(
                new DmDevice("loaded", "", 253, 4, 0, false, false, false, true, List.of(), List.of(), DmDevice.UNKNOWN_READ_AHEAD, 0),
                new DmDevice("ro", "X-1", 253, 5, 2, true, true, true, true, List.of(zero), List.of(zero), DmDevice.UNKNOWN_READ_AHEAD, 7)));
        DmCapture.write(state, tmp.resolve("no-sysfs"), tmp.resolve("no-proc"), tmp);
        assertEquals("loaded||253|4|0|-I-w|0|0|dm-4\nro|X-1|253|5|2|LIsr|1|7|dm-5\n", Files.readString(tmp.resolve("info.txt")));
        assertEquals("loaded: \nro: 0 8 zero \n", Files.readString(tmp.resolve("status.txt")));
        assertEquals(state, DmRecording.read(tmp));
    }
}
