package io.lvmcoord.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded H2 journal's failure modes on real files: corruption and loss are found at start
 * (naming the file, within seconds), a file deleted or replaced while open is seen by the
 * guard, and setting the journal aside keeps the files and lets the next start begin afresh.
 */
class JournalDurabilityTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Config config() {
        return JournalSettings.apply(ConfigFactory.parseString("lvmcoord.persistence { profile = h2, state-dir = \"" + tmp.resolve("state")
                + "\", journal-watch-interval = 100ms }").withFallback(ConfigFactory.load()));
    }

    private JournalFiles files() {
        return JournalFiles.of(JournalSettings.from(config()));
    }

    /** A journal with a few hundred events (several H2 chunks), closed again. */
    private void writeJournal() throws Exception {
        ActorSystem<Void> sys = ActorSystem.create(Behaviors.empty(), "journal-write", config());
        try {
            JournalSchema.ensureNow(sys, JournalSettings.from(config()), T);
            ActorRef<TestLedger.Command> ledger = sys.systemActorOf(TestLedger.create("ledger-d"), "ledger", Props.empty());
            for (int i = 0; i < 200; i++) {
                int n = i;
                AskPattern.<TestLedger.Command, Integer>ask(ledger, r -> new TestLedger.Add("vg-" + n + "-" + "x".repeat(200), r), T, sys.scheduler())
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } finally {
            sys.terminate();
            sys.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static void overwrite(Path file, long from, long to, long seed) throws Exception {
        byte[] noise = new byte[(int) (to - from)];
        new Random(seed).nextBytes(noise);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(from);
            f.write(noise);
        }
    }

    @Test
    void aFreshStateDirectoryIsNoProblemAndAHealthyJournalPassesTheCheck() throws Exception {
        assertEquals(Optional.empty(), JournalCheck.atStart(JournalSettings.from(config())));
        writeJournal();
        assertTrue(Files.exists(files().marker()), "the marker is written once the journal exists");
        assertEquals(Optional.empty(), JournalCheck.atStart(JournalSettings.from(config())));
    }

    @Test
    void randomBytesOverTheJournalsChunksAreReportedAtStartNamingTheFileWithinSeconds() throws Exception {
        writeJournal();
        Path db = files().database();
        overwrite(db, 8192, Files.size(db), 11);
        long t0 = System.nanoTime();
        Optional<JournalProblem> p = JournalCheck.atStart(JournalSettings.from(config()));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(p.isPresent(), "corruption must be found");
        JournalProblem.Unreadable u = assertInstanceOf(JournalProblem.Unreadable.class, p.get());
        assertEquals(db, u.file());
        assertTrue(u.describe().startsWith("the journal " + db + " is corrupt or unreadable: "), u.describe());
        assertFalse(u.cause().isBlank());
        assertTrue(ms < 5000, "check took " + ms + " ms");
    }

    @Test
    void randomBytesOverTheJournalsHeaderAreReportedAtStart() throws Exception {
        writeJournal();
        Path db = files().database();
        overwrite(db, 0, 8192, 12);
        JournalUnusableException e = assertThrows(JournalUnusableException.class, () -> JournalCheck.requireUsable(JournalSettings.from(config())));
        assertInstanceOf(JournalProblem.Unreadable.class, e.problem());
        assertTrue(e.getMessage().contains(db.toString()), e.getMessage());
    }

    @Test
    void aJournalDeletedAfterItWasCreatedIsReportedAsMissingNotStartedEmpty() throws Exception {
        writeJournal();
        Files.delete(files().database());
        JournalProblem.Missing m = assertInstanceOf(JournalProblem.Missing.class, JournalCheck.atStart(JournalSettings.from(config())).orElseThrow());
        assertEquals(files().database(), m.file());
        assertEquals(files().marker(), m.marker());
        assertTrue(m.createdAt().isAfter(Instant.now().minusSeconds(600)), m.createdAt().toString());
    }

    @Test
    void theGuardSeesTheJournalDeletedWhileOpenAndKeepsSayingSo() throws Exception {
        ActorSystem<Void> sys = ActorSystem.create(Behaviors.empty(), "journal-guard", config());
        try {
            JournalSchema.ensureNow(sys, JournalSettings.from(config()), T);
            JournalGuard guard = JournalGuard.get(sys);
            assertTrue(guard.armed());
            assertEquals(Optional.empty(), guard.fault());
            Files.delete(files().database());
            String reason = guard.fault().orElseThrow();
            assertTrue(reason.startsWith("the journal " + files().database() + " was deleted while the agent ran"), reason);
            // Latched: a file put back at the path does not make the writes since the loss durable.
            Files.writeString(files().database(), "not the file the agent writes to");
            assertEquals(Optional.of(reason), guard.fault());
        } finally {
            sys.terminate();
            sys.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWriteTheEmbeddedJournalFailedLatchesTheGuardButOnlyWhenAFileIsWatched() throws Exception {
        ActorSystem<Void> unarmed = ActorSystem.create(Behaviors.empty(), "journal-unarmed", config());
        try {
            // No journal opened through JournalSchema (as with PostgreSQL): a failed write is the entity's own business.
            JournalGuard.get(unarmed).writeFailed("VolumeGroup|a", new java.sql.SQLException("connection reset"));
            assertEquals(Optional.empty(), JournalGuard.get(unarmed).fault());
        } finally {
            unarmed.terminate();
            unarmed.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        ActorSystem<Void> sys = ActorSystem.create(Behaviors.empty(), "journal-write-failed", config());
        try {
            JournalSchema.ensureNow(sys, JournalSettings.from(config()), T);
            JournalGuard guard = JournalGuard.get(sys);
            guard.writeFailed("VolumeGroup|a", new IllegalStateException("wrapped", new java.sql.SQLException("File corrupted while reading record")));
            assertEquals(Optional.of("writing to the journal " + files().database() + " failed (VolumeGroup|a: IllegalStateException: wrapped"
                    + " <- SQLException: File corrupted while reading record): the file may be damaged or its disk full"), guard.fault());
        } finally {
            sys.terminate();
            sys.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theGuardSeesTheJournalReplacedWhileOpen() throws Exception {
        ActorSystem<Void> sys = ActorSystem.create(Behaviors.empty(), "journal-replace", config());
        try {
            JournalSchema.ensureNow(sys, JournalSettings.from(config()), T);
            Path copy = tmp.resolve("copy.mv.db");
            Files.copy(files().database(), copy);
            Files.move(copy, files().database(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            String reason = JournalGuard.get(sys).fault().orElseThrow();
            assertTrue(reason.contains("was replaced while the agent ran"), reason);
        } finally {
            sys.terminate();
            sys.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anOpenJournalIsReportedInUseAndCannotBeSetAside() throws Exception {
        ActorSystem<Void> sys = ActorSystem.create(Behaviors.empty(), "journal-busy", config());
        try {
            JournalSchema.ensureNow(sys, JournalSettings.from(config()), T);
            assertThrows(IllegalStateException.class, () -> files().setAside(Instant.now()));
            assertTrue(Files.exists(files().database()));
        } finally {
            sys.terminate();
            sys.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void settingAsideKeepsEveryJournalFileAndTheNextStartBeginsEmpty() throws Exception {
        writeJournal();
        Path db = files().database();
        overwrite(db, 8192, Files.size(db), 13);
        long size = Files.size(db);
        Path aside = files().setAside(Instant.parse("2026-11-29T10:30:00Z"));
        assertEquals(tmp.resolve("state/journal-set-aside-20261129T103000Z"), aside);
        assertEquals(size, Files.size(aside.resolve("journal.mv.db")));
        assertTrue(Files.exists(aside.resolve("journal.created")));
        assertFalse(Files.exists(db));
        assertFalse(Files.exists(files().marker()));
        assertEquals(Optional.empty(), JournalCheck.atStart(JournalSettings.from(config())));
        // A second reset in the same second does not overwrite the first one's files.
        writeJournal();
        Path second = files().setAside(Instant.parse("2026-11-29T10:30:00Z"));
        assertEquals(tmp.resolve("state/journal-set-aside-20261129T103000Z-2"), second);
        assertEquals(List.of("journal.created", "journal.mv.db"), listNames(second));
    }

    private static List<String> listNames(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".trace.db")).sorted().toList();
        }
    }
}
