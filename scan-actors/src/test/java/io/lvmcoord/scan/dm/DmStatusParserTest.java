package io.lvmcoord.scan.dm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status lines the kernel printed in the vmlab recordings ({@code testdata/dm/&#42;/dm/status.txt},
 * made by {@code ../shared/tools/vmlab/capture-dm.sh} on a Debian 12 kernel with lvm2 2.03.16)
 * read as libdevmapper reads them.
 */
class DmStatusParserTest {

    private static Map<String, DmStatusLine> recorded() throws IOException {
        Path dm = Path.of(System.getProperty("user.dir")).getParent().resolve("testdata/dm");
        Map<String, DmStatusLine> out = new HashMap<>();
        try (Stream<Path> scenarios = Files.list(dm)) {
            for (Path s : scenarios.filter(Files::isDirectory).toList()) {
                for (String line : Files.readAllLines(s.resolve("dm/status.txt"))) {
                    if (line.stripTrailing().endsWith(":")) {
                        continue; // a device without a live table: no target to read
                    }
                    DmStatusLine l = DmStatusLine.parse(line).orElseThrow(() -> new AssertionError("not a status line: " + line));
                    out.put(s.getFileName() + "/" + l.device() + "@" + l.start(), l);
                }
            }
        }
        return out;
    }

    private static DmStatus read(Map<String, DmStatusLine> lines, String key) {
        DmStatusParser.Result r = lines.get(key).status();
        return assertInstanceOf(DmStatusParser.Result.Read.class, r, key + ": " + r).status();
    }

    @Test
    void everyRecordedStatusLineReadsAndEveryStatusTargetIsRecognised() throws IOException {
        Map<String, DmStatusLine> lines = recorded();
        assertTrue(lines.size() >= 40, "status lines of the four recordings: " + lines.size());
        List<String> targets = new ArrayList<>();
        for (Map.Entry<String, DmStatusLine> e : lines.entrySet()) {
            DmStatus s = read(lines, e.getKey());
            assertEquals(e.getValue().target(), s.target(), e.getKey());
            if (!(s instanceof DmStatus.Other)) {
                targets.add(s.target());
            }
        }
        for (String t : List.of("thin-pool", "thin", "raid", "cache", "writecache", "snapshot", "mirror")) {
            assertTrue(targets.contains(t), t + " among the recorded statuses " + targets);
        }
    }

    @Test
    void aThinPoolReadsItsBlockCountsAndFlags() throws IOException {
        var pool = (DmStatus.ThinPool) read(recorded(), "dm-s02-thin/vg2-pool1-tpool@0");
        assertEquals(new DmStatus.ThinPool(4, 114, 1024, 128, 2048, DmStatus.Discards.PASSDOWN, false, false, false, false, false, false),
                pool);
    }

    @Test
    void aThinVolumeWithNothingMappedReadsAsZeroAsInLibdevmapper() throws IOException {
        Map<String, DmStatusLine> lines = recorded();
        assertEquals(new DmStatus.Thin(16384, 16383, false), read(lines, "dm-s02-thin/vg2-t1@0"));
        assertEquals(new DmStatus.Thin(0, 0, false), read(lines, "dm-s02-thin/vg2-t2@0"));
    }

    @Test
    void raidMirrorAndSnapshotReadTheirSyncAndUsage() throws IOException {
        Map<String, DmStatusLine> lines = recorded();
        assertEquals(new DmStatus.Raid("raid5_ls", 3, "AAA", 32768, 32768, "idle", 0, 0), read(lines, "dm-s03-raid-snap/vg3-r5@0"));
        assertEquals(new DmStatus.Mirror("AA", 8, 8, "core", ""), read(lines, "dm-s03-raid-snap/vg3-mir@0"));
        assertEquals(new DmStatus.Snapshot(10296, 32768, 56, true, false, false, false), read(lines, "dm-s03-raid-snap/vg3-snap@0"));
    }

    @Test
    void cacheAndWritecacheReadTheirCountersFeaturesAndPolicy() throws IOException {
        Map<String, DmStatusLine> lines = recorded();
        var cache = (DmStatus.Cache) read(lines, "dm-s04-cache/vg4-cached@0");
        assertEquals(List.of(8L, 9L, 2048L, 128L, 31L, 256L, 26L, 44L, 0L, 64L, 0L, 31L, 0L),
                List.of(cache.metadataBlockSize(), cache.metadataUsedBlocks(), cache.metadataTotalBlocks(), cache.blockSize(),
                        cache.usedBlocks(), cache.totalBlocks(), cache.readHits(), cache.readMisses(), cache.writeHits(),
                        cache.writeMisses(), cache.demotions(), cache.promotions(), cache.dirtyBlocks()));
        assertEquals(List.of("metadata2", "writethrough"), cache.features());
        assertEquals(List.of("migration_threshold", "2048"), cache.coreArgs());
        assertEquals("smq", cache.policyName());
        assertFalse(cache.readOnly());
        var mq = (DmStatus.Cache) read(lines, "dm-s04-cache/vg4-cvol_lv@0");
        assertEquals("mq", mq.policyName());
        assertEquals(10, mq.policyArgs().size());
        assertEquals(new DmStatus.Writecache(0, 4080, 3568, 0), read(lines, "dm-s04-cache/vg4-wc_lv@0"));
    }

    @Test
    void failedAndDamagedStatusesAreValuesNotExceptions() {
        assertTrue(((DmStatus.ThinPool) ((DmStatusParser.Result.Read) DmStatusParser.parse("thin-pool", "Fail")).status()).fail());
        assertTrue(((DmStatus.Snapshot) ((DmStatusParser.Result.Read) DmStatusParser.parse("snapshot", "Invalid")).status()).invalid());
        assertTrue(((DmStatus.Snapshot) ((DmStatusParser.Result.Read) DmStatusParser.parse("snapshot", "Merge failed")).status())
                .mergeFailed());
        for (String[] bad : new String[][]{{"thin-pool", "x 1/2"}, {"raid", "raid1 2 AA"}, {"cache", "8 9/2048 128"},
                {"writecache", "0 1"}, {"mirror", "2 253:16 x"}, {"raid", "raid1 two AA 1/1"}, {"cache", "8 9/2048 128 31/256 1 2 3 4 5 6 7 9"}}) {
            DmStatusParser.Result r = DmStatusParser.parse(bad[0], bad[1]);
            var u = assertInstanceOf(DmStatusParser.Result.Unreadable.class, r, bad[0] + " " + bad[1]);
            assertEquals(bad[0], u.target());
            assertEquals(bad[1], u.params());
        }
    }

    @Test
    void aRaidInSyncByCountWithALegStillAliveIsOneRegionShortAsInLibdevmapper() {
        var r = (DmStatus.Raid) ((DmStatusParser.Result.Read) DmStatusParser.parse("raid", "raid1 2 Aa 100/100 recover 0 0")).status();
        assertEquals(99, r.insyncRegions());
        var done = (DmStatus.Raid) ((DmStatusParser.Result.Read) DmStatusParser.parse("raid", "raid1 2 AA 100/100 idle 0 0")).status();
        assertEquals(100, done.insyncRegions());
    }
}
