package io.lvmcoord.agent.autoact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-VG latch files: made once, exclusively, complete when they exist, named safely. */
class VgLatchesTest {
    private static final String UUID = "Hx3kQ2-aBcD-eFgH-iJkL-mNoP-qRsT-uVwXyZ";
    @TempDir
    Path tmp;

    @Test
    void theFirstClaimLatchesAndLaterOnesFindItHeldWithItsTime() throws Exception {
        VgLatches latches = new VgLatches(tmp.resolve("run/vgs-online"));
        Instant at = Instant.parse("2026-11-30T01:02:03.456Z");
        VgLatches.Claim first = latches.claim(UUID, "vg0", at);
        assertEquals(new VgLatches.Claimed(tmp.resolve("run/vgs-online/" + UUID), at), first);
        assertEquals("vg=vg0\nvg_uuid=" + UUID + "\nlatched_at=2026-11-30T01:02:03.456Z\n",
                Files.readString(tmp.resolve("run/vgs-online/" + UUID)));
        assertEquals(new VgLatches.Held(tmp.resolve("run/vgs-online/" + UUID), at), latches.claim(UUID, "vg0", at.plusSeconds(60)));
        assertTrue(latches.held(UUID));
        // Nothing but the latch is left behind (the temporary file is gone).
        try (Stream<Path> files = Files.list(tmp.resolve("run/vgs-online"))) {
            assertEquals(List.of(UUID), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void ofManyConcurrentClaimsExactlyOneWins() throws Exception {
        VgLatches latches = new VgLatches(tmp);
        int n = 16;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<VgLatches.Claim>> claims = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant at = Instant.ofEpochSecond(1000 + i);
            claims.add(pool.submit(() -> {
                go.await();
                return latches.claim(UUID, "vg0", at);
            }));
        }
        go.countDown();
        List<VgLatches.Claim> results = new ArrayList<>();
        for (Future<VgLatches.Claim> f : claims) {
            results.add(f.get());
        }
        pool.shutdown();
        List<VgLatches.Claim> won = results.stream().filter(c -> c instanceof VgLatches.Claimed).toList();
        assertEquals(1, won.size(), results.toString());
        Instant winner = ((VgLatches.Claimed) won.get(0)).at();
        // Every loser read the winner's complete file, never a half-written one.
        assertTrue(results.stream().allMatch(c -> c instanceof VgLatches.Claimed
                || (c instanceof VgLatches.Held h && h.at().equals(winner))), results.toString());
    }

    @Test
    void aLatchMadeByHandCountsWithItsModificationTime() throws Exception {
        VgLatches latches = new VgLatches(tmp);
        Path file = Files.createFile(tmp.resolve(UUID));
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
        assertEquals(new VgLatches.Held(file, Instant.parse("2026-01-02T03:04:05Z")), latches.claim(UUID, "vg0", Instant.now()));
    }

    @Test
    void aUuidThatIsNoFileNameIsRefusedAndNothingIsWritten() throws Exception {
        VgLatches latches = new VgLatches(tmp.resolve("latches"));
        VgLatches.Claim c = latches.claim("../escape", "vg0", Instant.now());
        assertInstanceOf(VgLatches.Failed.class, c);
        assertEquals("VG vg0 has no usable UUID for a latch file name: \"../escape\"", ((VgLatches.Failed) c).reason());
        assertFalse(Files.exists(tmp.resolve("escape")));
        assertFalse(latches.held("../escape"));
    }

    @Test
    void aLatchDirectoryThatCannotBeMadeFailsTheClaimNamingIt() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        VgLatches.Claim c = new VgLatches(notADir.resolve("vgs-online")).claim(UUID, "vg0", Instant.now());
        assertInstanceOf(VgLatches.Failed.class, c);
        assertTrue(((VgLatches.Failed) c).reason().startsWith("cannot make latch file " + notADir.resolve("vgs-online/" + UUID)),
                ((VgLatches.Failed) c).reason());
    }
}
