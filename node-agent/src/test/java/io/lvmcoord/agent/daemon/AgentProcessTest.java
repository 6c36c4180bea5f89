package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.cli.FixtureImages;
import io.lvmcoord.agent.cli.Lvm2ConformanceTest;
import io.lvmcoord.agent.client.AgentClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent as a real process on a devices directory: images added one by one are picked up by
 * inotify, {@code wait} blocks until the last PV of a VG arrives, every fixture scenario reads
 * back as lvm2 reported it, the API refuses bad requests and carries on, and a restarted agent
 * answers from its journal, with the version, before its start-up scan.
 */
class AgentProcessTest {
    @TempDir
    Path tmp;

    private static void copyIn(Path from, Path devices) throws Exception {
        // Copy beside, then rename in: the agent sees one complete file (IN_MOVED_TO), as with a SAN LUN appearing.
        Path part = devices.getParent().resolve(from.getFileName() + ".part");
        Files.copy(from, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, devices.resolve(from.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    private static void clear(Path devices) throws Exception {
        try (Stream<Path> s = Files.list(devices)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
    }

    private static String json(AgentProcess agent, String report) throws Exception {
        List<String> args = new ArrayList<>(Lvm2ConformanceTest.reports().get(report));
        args.addAll(List.of("--reportformat", "json", "--units", "b", "--nosuffix"));
        AgentProcess.Run r = agent.cli(args.toArray(String[]::new));
        assertEquals(0, r.exit(), report + ": " + r.err());
        return r.out();
    }

    private static void awaitRows(AgentProcess agent, String report, java.util.function.IntPredicate rows) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < until) {
            last = json(agent, report);
            int n = last.split("\\{\"", -1).length - 1;
            if (rows.test(n)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(report + " never reached the expected row count; last:\n" + last);
    }

    @Test
    void everyScenarioAddedImageByImageReadsBackAsLvm2ReportedIt() throws Exception {
        Path devices = Files.createDirectories(tmp.resolve("dev"));
        Path staging = tmp.resolve("staging");
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), "--devices-dir", devices.toString(), "--node-name", "node-t")) {
            agent.awaitScanned();
            for (String scenario : FixtureImages.scenarios()) {
                clear(devices);
                awaitRows(agent, "pvs", n -> n == 0);
                List<Path> images = FixtureImages.unpack(scenario, staging.resolve(scenario));
                for (Path img : images) {
                    copyIn(img, devices);
                }
                // As many rows as lvm2 listed (missing PVs add rows, devices too small for a PV do not).
                String expected = Files.readString(FixtureImages.fixtures().resolve(scenario).resolve("expected/pvs.json"));
                int rows = expected.split("\\{\"", -1).length - 1;
                awaitRows(agent, "pvs", n -> n == rows);
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (String report : List.of("pvs", "vgs", "lvs", "segs")) {
                    while (true) {
                        String out = json(agent, report).replace(devices + "/", "");
                        try {
                            Lvm2ConformanceTest.assertSameAsLvm2(scenario, report, out);
                            break;
                        } catch (AssertionError e) {
                            if (System.nanoTime() > until) {
                                throw e;
                            }
                            Thread.sleep(100);
                        }
                    }
                }
            }
        }
    }

    @Test
    void waitBlocksWhileTheVgIsPartialAndReturnsWhenItsLastPvArrives() throws Exception {
        Path devices = Files.createDirectories(tmp.resolve("dev"));
        List<Path> images = FixtureImages.unpack("s02-striped-two-pv", tmp.resolve("staging"));
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), "--devices-dir", devices.toString())) {
            agent.awaitScanned();
            copyIn(images.get(0), devices);
            CompletableFuture<AgentProcess.Run> waiting = CompletableFuture.supplyAsync(() -> agent.cli("wait", "vg02", "--timeout", "30s"));
            Thread.sleep(1500);
            assertFalse(waiting.isDone(), "vg02 lacks pv2: wait must block; got " + (waiting.isDone() ? waiting.join() : null));
            copyIn(images.get(1), devices);
            AgentProcess.Run r = waiting.get(20, TimeUnit.SECONDS);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("VG vg02 is complete"), r.out());

            Files.delete(devices.resolve(images.get(1).getFileName()));
            AgentProcess.Run timedOut = agent.cli("wait", "vg02", "--timeout", "1s");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (timedOut.exit() == 0 && System.nanoTime() < until) {
                timedOut = agent.cli("wait", "vg02", "--timeout", "1s");
            }
            assertEquals(5, timedOut.exit());
            assertTrue(timedOut.err().contains("missing PVs"), timedOut.err());
        }
    }

    @Test
    void theApiAnswersCurlInLvm2ShapeAndRefusesBadRequestsWithoutFalling() throws Exception {
        Path devices = Files.createDirectories(tmp.resolve("dev"));
        for (Path img : FixtureImages.unpack("s01-single-linear", tmp.resolve("staging"))) {
            copyIn(img, devices);
        }
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), "--devices-dir", devices.toString(),
                "--http-port", Integer.toString(port))) {
            agent.awaitScanned();
            String metrics = run("curl", "-s", "http://127.0.0.1:" + port + "/metrics");
            assertTrue(metrics.contains("# TYPE lvmcoord_scan_batch_seconds histogram") && metrics.contains("\nlvmcoord_vgs 1.0\n")
                    && metrics.contains("\nlvmcoord_devices 1.0\n"), metrics);
            assertEquals("{\"ready\": true}", run("curl", "-s", "http://127.0.0.1:" + port + "/health/ready"));
            String body = curl(agent, "-s", "http://x/v1/vgs");
            assertTrue(body.startsWith("  {\n      \"report\": [\n          {\n              \"vg\": [\n"), body);
            assertTrue(body.contains("\"vg_name\":\"vg01\""), body);
            assertEquals("404", curl(agent, "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://x/v1/nope"));
            assertEquals("405", curl(agent, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE", "http://x/v1/vgs"));
            // lvm2 starts such a report and fails it (exit 5): the API says 422, the CLI exits 5.
            assertEquals("422", curl(agent, "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://x/v1/vgs?o=no_such_field"));
            assertEquals("400", curl(agent, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "http://x/v1/pvscan"));
            assertEquals("413", curl(agent, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H",
                    "Content-Type: application/json", "--data-binary", "@" + bigFile(), "http://x/v1/pvscan"));
            // A node= value never reaches a header: CR LF in it would start headers of its own (response splitting).
            String split = curl(agent, "-s", "-D", "-", "-o", "/dev/null", "http://x/v1/vgs?node=p1%0D%0AX-Injected:%20yes");
            assertTrue(split.startsWith("HTTP/1.1 400") && !split.toLowerCase(java.util.Locale.ROOT).contains("x-injected"), split);
            // Waits are bounded and checked: not a 500 for 1e300 s, not a 504 for a negative one.
            for (String timeout : List.of("1e300s", "-5s", "NaN", "2h")) {
                assertEquals("400", curl(agent, "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://x/v1/wait?vg=vg01&timeout=" + timeout),
                        "timeout=" + timeout);
            }
            assertEquals("200", curl(agent, "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://x/v1/wait?vg=vg01&timeout=1s"));
            // A name that is no device of this agent is refused, not acknowledged as scanned.
            String notADevice = curl(agent, "-s", "-w", " %{http_code}", "-X", "POST", "http://x/v1/pvscan?device=/etc/passwd");
            assertTrue(notADevice.endsWith(" 404") && notADevice.contains("is not a device this agent scans"), notADevice);
            String device = devices.resolve("pv1.img").toString();
            assertEquals("200", curl(agent, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "http://x/v1/pvscan?device=" + device));
            if (isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
                // The socket is 0660 root-owned; let "nobody" reach it so that the refusal seen is the peer check.
                Files.setPosixFilePermissions(agent.socket, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
                Files.setPosixFilePermissions(agent.socket.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
                String code = run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "curl", "-s", "-o", "/dev/null",
                        "-w", "%{http_code}", "--unix-socket", agent.socket.toString(), "http://x/v1/vgs");
                assertEquals("403", code);
            }
            AgentClient.Response after = agent.client().get("/v1/vgs?format=basic");
            assertEquals(200, after.status(), "the agent carries on after refusing");
            assertTrue(after.bodyText().contains("vg01"));
            assertTrue(Long.parseLong(after.header("x-lvmcoord-version")) > 0);
        }
    }

    @Test
    void aRestartedAgentAnswersFromItsJournalWithTheVersionBeforeItsStartUpScan() throws Exception {
        Path devices = Files.createDirectories(tmp.resolve("dev"));
        for (Path img : FixtureImages.unpack("s11-multi-vg", tmp.resolve("staging"))) {
            copyIn(img, devices);
        }
        String before;
        String version;
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), "--devices-dir", devices.toString(), "--node-name", "node-r")) {
            agent.awaitScanned();
            awaitRows(agent, "vgs", n -> n == 3);
            AgentClient.Response r = agent.client().get("/v1/vgs?format=basic");
            before = r.bodyText();
            version = r.header("x-lvmcoord-version");
            assertEquals("false", r.header("x-lvmcoord-may-be-stale"), "scanned and persisted: current");
        }
        // The restarted agent delays its start-up scan, so what it answers first can only come from the journal.
        Path conf = tmp.resolve("slow-start.conf");
        Files.writeString(conf, "lvmcoord.agent.start-scan-delay = 20s\n");
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), "--devices-dir", devices.toString(), "--node-name", "node-r",
                "--config", conf.toString())) {
            AgentClient.Response first = agent.client().get("/v1/vgs?format=basic");
            assertEquals(200, first.status());
            assertEquals(before, first.bodyText());
            assertEquals(version, first.header("x-lvmcoord-version"));
            // What it held before it stopped, not yet checked against the devices: never served as current.
            assertEquals("true", first.header("x-lvmcoord-may-be-stale"));
            String status = agent.client().get("/v1/status").bodyText();
            assertTrue(status.contains("\"ready\": false") && status.contains("\"devices_scanned\": 0"), status);
            assertTrue(status.contains("\"view\": {\"version\": " + version + ", \"may_be_stale\": true"), status);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private Path bigFile() throws Exception {
        Path big = tmp.resolve("big.json");
        Files.write(big, new byte[200 * 1024]);
        return big;
    }

    private static String curl(AgentProcess agent, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "--unix-socket", agent.socket.toString()));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }
}
