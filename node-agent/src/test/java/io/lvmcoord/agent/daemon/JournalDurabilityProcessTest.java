package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.cli.FixtureImages;
import io.lvmcoord.agent.cli.JournalCommand;
import io.lvmcoord.agent.cli.LvmcoordCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent as a real process on a damaged or lost H2 journal: corruption stops it at start
 * within seconds, naming the file and the recovery command, with exit code 6; a journal
 * deleted while it runs makes it refuse to acknowledge (the reason in the reply, status and
 * log), and the next start refuses rather than starting empty; {@code lvmcoord journal reset}
 * sets the files aside and the agent rebuilds from a rescan, answering as before.
 */
class JournalDurabilityProcessTest {
    @TempDir
    Path tmp;

    private Path devicesWith(String scenario) throws Exception {
        Path devices = Files.createDirectories(tmp.resolve("dev"));
        for (Path img : FixtureImages.unpack(scenario, tmp.resolve("staging"))) {
            Files.copy(img, devices.resolve(img.getFileName()));
        }
        return devices;
    }

    /** The basic vgs report once the start-up scan is persisted and the answer is stable. */
    private static String vgsAfterScan(AgentProcess agent, int vgs) throws Exception {
        agent.awaitScanned();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String body = "";
        while (System.nanoTime() < until) {
            body = agent.client().get("/v1/vgs?format=basic").bodyText();
            if (body.lines().count() == vgs + 1) {
                return body;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("vgs never showed " + vgs + " VGs:\n" + body);
    }

    private record Exit(int code, String log, long millis) {
    }

    /** Starts the agent expecting it to refuse: its exit code, output and how long it took. */
    private Exit startExpectingExit(Path work, String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("agent", "--socket", work.resolve("agent.sock").toString(),
                "--state-dir", work.resolve("state").toString()));
        args.addAll(List.of(flags));
        return lvmcoordProcess(work, args.toArray(String[]::new));
    }

    /** {@code lvmcoord ARGS} as its own process (H2 keeps a failed open's file lock for the life of its JVM). */
    private Exit lvmcoordProcess(Path work, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.lvmcoord.agent.Main"));
        cmd.addAll(List.of(args));
        Path log = work.resolve("refused-" + System.nanoTime() + ".log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the agent did not exit within 90 s:\n" + Files.readString(log));
        }
        return new Exit(p.exitValue(), Files.readString(log), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private static AgentProcess.Run lvmcoord(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = LvmcoordCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new AgentProcess.Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aCorruptJournalStopsTheAgentAtStartWithinSecondsAndJournalResetRebuildsItFromARescan() throws Exception {
        Path devices = devicesWith("s11-multi-vg");
        Path work = tmp.resolve("agent");
        Path state = work.resolve("state");
        String before;
        try (AgentProcess agent = AgentProcess.start(work, "--devices-dir", devices.toString(), "--node-name", "node-j")) {
            before = vgsAfterScan(agent, 3);
        }
        Path db = state.resolve("journal.mv.db");
        byte[] noise = new byte[(int) Files.size(db) - 8192];
        new Random(42).nextBytes(noise);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.seek(8192);
            f.write(noise);
        }

        Exit refused = startExpectingExit(work, "--devices-dir", devices.toString(), "--node-name", "node-j");
        assertEquals(JournalCommand.EXIT_JOURNAL_UNUSABLE, refused.code(), refused.log());
        assertTrue(refused.log().contains("lvmcoord agent: cannot start: the journal " + db + " is corrupt or unreadable: "), refused.log());
        assertTrue(refused.log().contains("lvmcoord journal reset --state-dir " + state), refused.log());
        // A JVM start and one read of the journal; it was 44 s of timeouts before.
        assertTrue(refused.millis() < 15_000, "refused after " + refused.millis() + " ms");
        System.out.println("corrupt journal: exit " + refused.code() + " after " + refused.millis() + " ms (JVM start included):\n" + refused.log());

        Exit check = lvmcoordProcess(work, "journal", "check", "--state-dir", state.toString());
        assertEquals(JournalCommand.EXIT_JOURNAL_UNUSABLE, check.code(), check.log());
        assertTrue(check.log().contains("lvmcoord journal check: the journal " + db + " is corrupt or unreadable: "), check.log());
        AgentProcess.Run reset = lvmcoord("journal", "reset", "--state-dir", state.toString());
        assertEquals(0, reset.exit(), reset.err());
        Path aside;
        try (var s = Files.list(state)) {
            aside = s.filter(p -> p.getFileName().toString().startsWith("journal-set-aside-")).findFirst().orElseThrow();
        }
        assertTrue(reset.out().contains(aside.toString()), reset.out());
        assertEquals(8192 + noise.length, Files.size(aside.resolve("journal.mv.db")), "the corrupt file is kept as it was");

        try (AgentProcess agent = AgentProcess.start(work, "--devices-dir", devices.toString(), "--node-name", "node-j")) {
            assertTrue(agent.logText().contains("0 aggregates from the journal"), agent.logText());
            assertEquals(before, vgsAfterScan(agent, 3));
        }
    }

    @Test
    void aJournalDeletedWhileRunningStopsAcknowledgementsAndTheNextStartRefusesUntilReset() throws Exception {
        Path devices = devicesWith("s02-striped-two-pv");
        Path work = tmp.resolve("agent");
        Path state = work.resolve("state");
        Path db = state.resolve("journal.mv.db");
        String before;
        try (AgentProcess agent = AgentProcess.start(work, "--devices-dir", devices.toString(), "--node-name", "node-d")) {
            before = vgsAfterScan(agent, 1);
            AgentProcess.Run ok = agent.cli("pvscan", "--cache", devices.resolve("pv1.img").toString());
            assertEquals(0, ok.exit(), ok.err());

            Files.delete(db);
            AgentProcess.Run refused = agent.cli("pvscan", "--cache", devices.resolve("pv1.img").toString());
            assertNotEquals(0, refused.exit(), refused.out());
            assertTrue(refused.err().contains("not acknowledged: the journal " + db + " was deleted while the agent ran"), refused.err());
            String status = agent.client().get("/v1/status").bodyText();
            assertTrue(status.contains("\"journal\": {\"durable\": false, \"fault\": \"the journal " + db + " was deleted"), status);
            // Queries still answer from memory; only acknowledgements of durability stop.
            assertEquals(before, agent.client().get("/v1/vgs?format=basic").bodyText());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!agent.logText().contains("no report is acknowledged as persisted") && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertTrue(agent.logText().contains("was deleted while the agent ran: writes since then go to a file no path reaches and would "
                            + "be lost at the next start; from now on no report is acknowledged as persisted"),
                    agent.logText());
        }

        Exit refused = startExpectingExit(work, "--devices-dir", devices.toString(), "--node-name", "node-d");
        assertEquals(JournalCommand.EXIT_JOURNAL_UNUSABLE, refused.code(), refused.log());
        assertTrue(refused.log().contains("lvmcoord agent: cannot start: the journal " + db + " is missing, but "
                + state.resolve("journal.created") + " records that it was created on "), refused.log());
        assertTrue(refused.log().contains("lvmcoord journal reset --state-dir " + state), refused.log());
        System.out.println("deleted journal: exit " + refused.code() + " after " + refused.millis() + " ms:\n" + refused.log());

        AgentProcess.Run reset = lvmcoord("journal", "reset", "--state-dir", state.toString());
        assertEquals(0, reset.exit(), reset.err());
        try (AgentProcess agent = AgentProcess.start(work, "--devices-dir", devices.toString(), "--node-name", "node-d")) {
            assertEquals(before, vgsAfterScan(agent, 1));
            AgentProcess.Run ok = agent.cli("pvscan", "--cache", devices.resolve("pv1.img").toString());
            assertEquals(0, ok.exit(), ok.err());
        }
    }
}
