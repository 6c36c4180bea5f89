package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.cli.FixtureImages;
import io.lvmcoord.agent.client.JsonText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The autoactivation hook in a real agent over a devices directory: a VG's PVs arrive one at a
 * time and the hook (a script that records its argv) runs exactly once, when the last arrives;
 * not on rescans, a PV removed and re-added, or a restart with the latch in place; again after a
 * restart without it (a reboot). A hook past its timeout is killed and reported; a failing one
 * reports its exit code and stderr; both in status and watch. VG names and UUIDs come from lvm2's
 * own reports of the fixture images.
 */
class AutoactivationHookProcessTest {
    @TempDir
    Path tmp;

    /** How long nothing more must happen for "not run again" to be believed (scans take milliseconds here). */
    private static final long QUIET_MILLIS = 2000;

    private static void copyIn(Path from, Path devices, String name) throws Exception {
        Path part = devices.getParent().resolve(name + ".part");
        Files.copy(from, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, devices.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** lvm2's vg_uuid for the scenario's VG (its recorded vgs report). */
    private static String lvm2VgUuid(String scenario) throws Exception {
        String vgs = Files.readString(FixtureImages.fixtures().resolve(scenario).resolve("expected/vgs.json"));
        return JsonText.stringMember(vgs, "vg_uuid");
    }

    private static String lvm2VgName(String scenario) throws Exception {
        String vgs = Files.readString(FixtureImages.fixtures().resolve(scenario).resolve("expected/vgs.json"));
        return JsonText.stringMember(vgs, "vg_name");
    }

    private Path hookScript(String body) throws Exception {
        Path p = tmp.resolve("hook.sh");
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private Path conf(Path hook, String timeout, Path latches) throws Exception {
        Path conf = tmp.resolve("agent.conf");
        Files.writeString(conf, "lvmcoord.agent.on-vg-complete {\n  command = [" + JsonText.quote(hook.toString())
                + ", \"{vg}\", \"{vg_uuid}\"]\n  timeout = " + timeout + "\n  latch-dir = " + JsonText.quote(latches.toString()) + "\n}\n");
        return conf;
    }

    private AgentProcess start(Path devices, Path conf) throws Exception {
        // An empty lvm2 configuration: the host's /etc/lvm must not decide what the test sees.
        Path lvmDir = Files.createDirectories(tmp.resolve("etc-lvm"));
        AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), Map.of("LVM_SYSTEM_DIR", lvmDir.toString()),
                "--devices-dir", devices.toString(), "--node-name", "node-h", "--config", conf.toString());
        agent.awaitScanned();
        return agent;
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private static void await(BooleanSupplier ok, String what, AgentProcess agent) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ok.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertTrue(ok.getAsBoolean(), what + "\nagent log:\n" + agent.logText());
    }

    /** The status's autoactivation entry of {@code vg} (the JSON object), or "" when there is none. */
    private static String statusOf(AgentProcess agent, String vg) {
        AgentProcess.Run r = agent.cli("status");
        assertEquals(0, r.exit(), r.err());
        int at = r.out().indexOf("{\"vg\": " + JsonText.quote(vg));
        return at < 0 ? "" : r.out().substring(at, r.out().indexOf('}', at) + 1);
    }

    private static List<String> watch(AgentProcess agent) throws Exception {
        List<String> watched = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try {
                agent.client().stream("/v1/watch", line -> {
                    watched.add(line);
                    return true;
                });
            } catch (Exception e) {
                watched.add("watch ended: " + e);
            }
        });
        t.setDaemon(true);
        t.start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (watched.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        return watched;
    }

    @Test
    void theHookRunsOnceWhenTheLastPvArrivesAndNotOnRescansReturnsOrRestartsWithItsLatch() throws Exception {
        String vg = lvm2VgName("s02-striped-two-pv");
        String uuid = lvm2VgUuid("s02-striped-two-pv");
        Path devices = Files.createDirectories(tmp.resolve("dev"));
        List<Path> images = FixtureImages.unpack("s02-striped-two-pv", tmp.resolve("staging"));
        Path calls = tmp.resolve("calls");
        Path hook = hookScript("echo \"$*\" >> " + calls + "\necho \"activated $1\"\n");
        Path latches = tmp.resolve("run/vgs-online");
        Path conf = conf(hook, "30s", latches);

        try (AgentProcess agent = start(devices, conf)) {
            List<String> watched = watch(agent);
            copyIn(images.get(0), devices, "pv1.img");
            await(() -> agent.cli("pvs", "--noheadings", "-o", "pv_name").out().contains("pv1.img"), "pv1 seen", agent);
            Thread.sleep(QUIET_MILLIS);
            assertEquals(List.of(), lines(calls), "one PV of two: the VG is incomplete");
            assertFalse(Files.exists(latches.resolve(uuid)));

            copyIn(images.get(1), devices, "pv2.img");
            await(() -> {
                try {
                    return !lines(calls).isEmpty() && statusOf(agent, vg).contains("\"state\": \"exited\"");
                } catch (Exception e) {
                    return false;
                }
            }, "the hook ran when the last PV arrived", agent);
            assertEquals(List.of(vg + " " + uuid), lines(calls));
            assertTrue(Files.readString(latches.resolve(uuid)).startsWith("vg=" + vg + "\nvg_uuid=" + uuid + "\nlatched_at="));
            String st = statusOf(agent, vg);
            assertTrue(st.contains("\"vg_uuid\": " + JsonText.quote(uuid)) && st.contains("\"exit_code\": 0")
                    && st.contains("\"latched_at\": \"20") && st.contains("\"duration_ms\": "), st);
            await(() -> watched.stream().anyMatch(l -> l.startsWith("{\"autoactivation\": ")), "watch carried the outcome", agent);
            String line = watched.stream().filter(l -> l.startsWith("{\"autoactivation\": ")).findFirst().orElseThrow();
            assertTrue(line.contains("\"vg\": " + JsonText.quote(vg)) && line.contains("\"state\": \"exited\"")
                    && line.contains("\"exit_code\": 0") && line.endsWith("\"node\": \"node-h\"}"), line);

            // Rescans of the same devices: a full one and notifications of each.
            assertEquals(0, agent.cli("pvscan", "--cache").exit());
            assertEquals(0, agent.cli("pvscan", "--cache", devices.resolve("pv1.img").toString(), devices.resolve("pv2.img").toString()).exit());
            // The VG goes incomplete and complete again.
            Files.delete(devices.resolve("pv2.img"));
            await(() -> agent.cli("wait", vg, "--timeout", "1s").exit() != 0, "pv2 gone: incomplete", agent);
            copyIn(images.get(1), devices, "pv2.img");
            await(() -> agent.cli("wait", vg, "--timeout", "1s").exit() == 0, "pv2 back: complete", agent);
            Thread.sleep(QUIET_MILLIS);
            assertEquals(List.of(vg + " " + uuid), lines(calls), "run once, whatever followed");
            assertEquals(1, watched.stream().filter(l -> l.startsWith("{\"autoactivation\": ")).count(), watched.toString());
            assertTrue(agent.logText().contains("autoactivation: VG " + vg + " (" + uuid + ") is complete on this host: running"),
                    agent.logText());
        }

        // Restarted with the latch in place (the agent restarted, the host did not): not run.
        try (AgentProcess agent = start(devices, conf)) {
            await(() -> statusOf(agent, vg).contains("\"state\": \"latched_earlier\""), "the latch found", agent);
            Thread.sleep(QUIET_MILLIS);
            assertEquals(List.of(vg + " " + uuid), lines(calls));
        }

        // Restarted without it (a reboot emptied /run): run, as lvm2 does at boot.
        Files.delete(latches.resolve(uuid));
        try (AgentProcess agent = start(devices, conf)) {
            await(() -> {
                try {
                    return lines(calls).size() == 2;
                } catch (Exception e) {
                    return false;
                }
            }, "run again without the latch", agent);
            Thread.sleep(QUIET_MILLIS);
            assertEquals(List.of(vg + " " + uuid, vg + " " + uuid), lines(calls));
        }
    }

    @Test
    void aHookPastItsTimeoutIsKilledAndAFailingOneReportsItsExitCodeAndStderr() throws Exception {
        String hanging = lvm2VgName("s01-single-linear");
        String failing = lvm2VgName("s02-striped-two-pv");
        Path devices = Files.createDirectories(tmp.resolve("dev"));
        Path pids = tmp.resolve("pids");
        Path hook = hookScript("if [ \"$1\" = " + hanging + " ]; then echo $$ >> " + pids + "; sleep 300; fi\n"
                + "echo \"cannot activate $1: no device-mapper\" >&2\necho 'second line' >&2\nexit 7\n");
        try (AgentProcess agent = start(devices, conf(hook, "1s", tmp.resolve("latches")))) {
            List<String> watched = watch(agent);
            copyIn(FixtureImages.unpack("s01-single-linear", tmp.resolve("s01")).get(0), devices, "s01-pv1.img");
            List<Path> s02 = FixtureImages.unpack("s02-striped-two-pv", tmp.resolve("s02"));
            copyIn(s02.get(0), devices, "s02-pv1.img");
            copyIn(s02.get(1), devices, "s02-pv2.img");

            await(() -> statusOf(agent, hanging).contains("\"state\": \"timed_out\""), "the hanging hook timed out", agent);
            String timedOut = statusOf(agent, hanging);
            assertTrue(timedOut.contains("\"timeout_ms\": 1000") && timedOut.contains("\"exit_code\": null")
                    && timedOut.contains("\"killed_descendants\": 1"), timedOut);
            long shell = Long.parseLong(Files.readAllLines(pids).get(0).trim());
            assertFalse(ProcessHandle.of(shell).map(p -> p.isAlive() && !zombie(shell)).orElse(false), "hook shell " + shell + " killed");

            await(() -> statusOf(agent, failing).contains("\"state\": \"exited\""), "the failing hook ended", agent);
            String failed = statusOf(agent, failing);
            assertTrue(failed.contains("\"exit_code\": 7")
                    && failed.contains("\"stderr\": [\"cannot activate " + failing + ": no device-mapper\", \"second line\"]"), failed);

            await(() -> watched.stream().filter(l -> l.startsWith("{\"autoactivation\": ")).count() == 2, "two outcomes watched", agent);
            assertTrue(watched.stream().anyMatch(l -> l.contains("\"vg\": " + JsonText.quote(hanging)) && l.contains("\"state\": \"timed_out\"")),
                    watched.toString());
            assertTrue(watched.stream().anyMatch(l -> l.contains("\"vg\": " + JsonText.quote(failing)) && l.contains("\"exit_code\": 7")),
                    watched.toString());
            String log = agent.logText();
            assertTrue(log.contains("WARN") && log.contains("VG " + failing + ": exited 7")
                    && log.contains("stderr: cannot activate " + failing + ": no device-mapper | second line"), log);
            assertTrue(log.contains("VG " + hanging + ": timed out after 1000 ms and was killed"), log);
        }
    }

    private static boolean zombie(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (Exception e) {
            return true;
        }
    }
}
