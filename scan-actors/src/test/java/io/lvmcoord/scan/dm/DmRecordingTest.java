package io.lvmcoord.scan.dm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A vmlab recording's dm state read back: devices, their state flags and statuses, and the LVs they serve. */
class DmRecordingTest {
    private static final Path DM = Path.of(System.getProperty("user.dir")).getParent().resolve("testdata/dm");

    @Test
    void aThinRecordingReadsEveryDeviceWithItsStateAndItsLv() throws IOException {
        List<DmDevice> devices = DmRecording.read(DM.resolve("dm-s02-thin/dm")).devices();
        DmDevice pool = devices.stream().filter(d -> d.name().equals("vg2-pool1")).findFirst().orElseThrow();
        assertEquals(253, pool.major());
        assertEquals(3, pool.minor());
        assertEquals(0, pool.openCount());
        assertTrue(pool.liveTable());
        assertTrue(pool.readOnly(), "the pool's top device is read-only (L--r)");
        assertFalse(pool.suspended());
        assertEquals(new DmDevice.LvmId("WThBpxamy9ZicLunJjKHP8fA6cMP6ZX9", "UvXirqmMkevbn4VXH76hCQnaVDLZLh3A", "pool"), pool.lvm().orElseThrow());
        DmDevice tpool = devices.stream().filter(d -> d.name().equals("vg2-pool1-tpool")).findFirst().orElseThrow();
        assertEquals("tpool", tpool.lvm().orElseThrow().layer());
        assertEquals(3, tpool.openCount());
        assertEquals("thin-pool", tpool.statuses().get(0).target());
        assertEquals("253:0 253:1 128 0 0 ", tpool.tables().get(0).params(),
                "the table line is kept beside the status, with the blank the kernel ends it with");
        assertEquals(DmDevice.UNKNOWN_READ_AHEAD, tpool.readAhead(), "vmlab's first recordings have no bdi/read_ahead_kb");
        DmDevice t1 = devices.stream().filter(d -> d.name().equals("vg2-t1")).findFirst().orElseThrow();
        assertEquals("", t1.lvm().orElseThrow().layer(), "the LV itself has no layer suffix");
    }

    @Test
    void aDeviceWithOnlyAnInactiveTableHasNoTargets() throws IOException {
        DmDevice it = DmRecording.read(DM.resolve("dm-l01-faults/dm")).named("lf-it").orElseThrow();
        assertFalse(it.liveTable());
        assertTrue(it.inactiveTable());
        assertEquals(List.of(), it.statuses(), "dmsetup status prints \"lf-it: \" and nothing else");
    }

    @Test
    void theDriverVersionComesFromDmsetupVersion() throws IOException {
        assertEquals("4.47.0", DmRecording.read(DM.resolve("dm-s02-thin/dm")).driverVersion());
    }

    @Test
    void aDeviceWithTwoTargetsKeepsBothStatusesInOrder() throws IOException {
        DmDevice a = DmRecording.read(DM.resolve("dm-s01-linear/dm")).devices().stream().filter(d -> d.name().equals("vg1-a")).findFirst()
                .orElseThrow();
        assertEquals(List.of(0L, 49152L), a.statuses().stream().map(DmStatusLine::start).toList());
    }

    @Test
    void everyRecordingReadsAndEveryLvmDeviceNamesItsLv() throws IOException {
        for (String s : List.of("dm-s01-linear", "dm-s02-thin", "dm-s03-raid-snap", "dm-s04-cache")) {
            List<DmDevice> devices = DmRecording.read(DM.resolve(s + "/dm")).devices();
            assertFalse(devices.isEmpty(), s);
            for (DmDevice d : devices) {
                assertTrue(d.lvm().isPresent(), s + " " + d.name() + " " + d.uuid());
                assertFalse(d.statuses().isEmpty(), s + " " + d.name() + " has a status line");
            }
        }
    }

    @Test
    void aDamagedRecordingIsRefusedNamingFileAndLine(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("status.txt"), "vg-x: 0 8 linear \n");
        Files.writeString(tmp.resolve("info.txt"), "vg-x|LVM-abc|253|x|0|L--w|1|0|dm-0\n");
        DmRecording.BadRecording e = assertThrows(DmRecording.BadRecording.class, () -> DmRecording.read(tmp));
        assertTrue(e.getMessage().contains("info.txt:1"), e.getMessage());
        assertEquals(java.util.Optional.empty(), new DmDevice("n", "LVM-short", 1, 1, 0, false, false, true, false, List.of(), List.of(), DmDevice.UNKNOWN_READ_AHEAD).lvm());
    }
}
