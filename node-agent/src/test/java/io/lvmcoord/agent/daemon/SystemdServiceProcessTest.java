package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.cli.FixtureImages;
import io.lvmcoord.scan.nativeio.UnixDatagramSocket;
import io.lvmcoord.scan.nativeio.UnixSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent as systemd runs it (Type=notify, WatchdogSec=, stderr to the journal): the test plays
 * systemd's part with its own notify socket and a JOURNAL_STREAM variable.
 */
class SystemdServiceProcessTest {
    private static final String SCENARIO = "s02-striped-two-pv";

    @TempDir
    Path tmp;

    private static Optional<String> next(UnixDatagramSocket systemd, Duration within) throws Exception {
        return systemd.receive(within).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** Datagrams until one satisfies {@code until} (included), within {@code limit}. */
    private static List<String> receiveUntil(UnixDatagramSocket systemd, java.util.function.Predicate<String> until,
                                             Duration limit) throws Exception {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> m = next(systemd, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (m.isPresent()) {
                got.add(m.get());
                if (until.test(m.get())) {
                    return got;
                }
            }
        }
        throw new AssertionError("no matching notification within " + limit + "; got " + got);
    }

    private static int count(Path json, String field) throws Exception {
        Matcher m = Pattern.compile("\"" + field + "\"").matcher(Files.readString(json));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void journalStreamOfAnotherFileLeavesStderrUnprefixed() throws Exception {
        // As a shell in a terminal that runs as a user service inherits it: the variable names the terminal's stream, not ours.
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("plain"), Map.of("JOURNAL_STREAM", "8:4242"),
                "--devices-dir", Files.createDirectories(tmp.resolve("none")).toString())) {
            agent.awaitScanned();

            assertTrue(agent.logText().lines().anyMatch(l -> l.startsWith("lvmcoord agent ready on ")), agent.logText());
            assertTrue(agent.logText().lines().noneMatch(l -> l.matches("<[0-7]>.*")), agent.logText());
        }
    }

    @Test
    void agentTellsSystemdItsPhasesIsReadyOnceScannedPetsTheWatchdogAndPrefixesItsLogLines() throws Exception {
        Path devices = Files.createDirectories(tmp.resolve("dev"));
        for (Path img : FixtureImages.unpack(SCENARIO, tmp.resolve("staging"))) {
            Files.move(img, devices.resolve(img.getFileName()));
        }
        Path expected = FixtureImages.fixtures().resolve(SCENARIO).resolve("expected");
        int vgs = count(expected.resolve("vgs.json"), "vg_name");
        int pvs = count(expected.resolve("pvs.json"), "pv_name");
        // A state directory others can read: the agent narrows it with a warning, which must reach the journal as <4>.
        Path work = tmp.resolve("agent");
        Files.createDirectories(work.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(work.resolve("state"), PosixFilePermissions.fromString("rwxr-xr-x"));

        String name = "@lvmcoord-systemd-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (UnixDatagramSocket systemd = UnixDatagramSocket.open()) {
            systemd.bind(UnixSocketAddress.parse(name));
            // stderr goes to this file, so JOURNAL_STREAM names it as systemd names the journal's stream.
            Path log = Files.createFile(work.resolve("journal-stream.log"));
            String stream = Long.toUnsignedString((Long) Files.getAttribute(log, "unix:dev")) + ":" + Files.getAttribute(log, "unix:ino");
            // WATCHDOG_PID is left out: the test cannot know the child's pid before it starts (systemd sets it).
            Map<String, String> env = Map.of("NOTIFY_SOCKET", name, "WATCHDOG_USEC", "2000000", "JOURNAL_STREAM", stream);
            try (AgentProcess agent = AgentProcess.start(work, log, env, "--devices-dir", devices.toString(), "--node-name", "svc")) {
                List<String> got = receiveUntil(systemd, m -> m.startsWith("READY=1"), Duration.ofSeconds(60));

                assertTrue(got.contains("STATUS=journal opened (H2), joining the cluster"), got.toString());
                assertTrue(got.stream().anyMatch(m -> m.startsWith("STATUS=answering from the journal (0 aggregates), scanning the devices: ")),
                        got.toString());
                assertTrue(got.stream().anyMatch("WATCHDOG=1"::equals), "a pet within the start-up: " + got);
                String ready = got.get(got.size() - 1);
                assertTrue(ready.startsWith("READY=1\nSTATUS=serving: " + vgs + " VGs / " + pvs + " PVs ("), ready);
                // After READY: pets every second (half of 2 s).
                List<String> after = receiveUntil(systemd, "WATCHDOG=1"::equals, Duration.ofSeconds(3));
                assertEquals("WATCHDOG=1", after.get(after.size() - 1));

                agent.awaitScanned();
                String text = agent.logText();
                assertTrue(text.lines().anyMatch(l -> l.startsWith("<4>[WARN] state directory ") && l.contains("narrowed to 0700")), text);
                assertTrue(text.lines().anyMatch(l -> l.startsWith("<6>lvmcoord agent ready on ")), text);
                List<String> unprefixed = text.lines().filter(l -> !l.matches("<[0-7]>.*")).toList();
                assertEquals(List.of(), unprefixed);

                agent.close();
                List<String> stop = receiveUntil(systemd, m -> m.startsWith("STOPPING=1"), Duration.ofSeconds(30));
                assertEquals("STOPPING=1\nSTATUS=leaving the cluster", stop.get(stop.size() - 1));
            }
        }
    }
}
