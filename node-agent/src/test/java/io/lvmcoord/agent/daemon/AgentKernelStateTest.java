package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.cli.FixtureImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent whose kernel state is a recording (lvmcoord.agent.kernel-state.source = recording)
 * over the disks of the dm-s01-linear scenario: it reports the LVs the recording has active to
 * the activation map (lv_active_hosts), reads the recording again on its reconcile timer when
 * the files change, and keeps the last good state, saying why, when a read fails.
 */
class AgentKernelStateTest {
    private static final String NODE = "kstate-node";

    @TempDir
    Path tmp;

    /** The scenario's disks that hold its VG (vdd and vde are blank), inflated sparse under their guest names. */
    static void unpackDisks(String scenario, List<String> disks, Path into) throws IOException {
        Path dir = FixtureImages.repoRoot().resolve("testdata/dm").resolve(scenario);
        Files.createDirectories(into);
        for (String d : disks) {
            FixtureImages.gunzipSparse(dir.resolve(d + ".img.gz"), into.resolve(d));
        }
    }

    /** The recording's files that describe the devices (its sysfs snapshot only adds read-ahead). */
    private static void record(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String f : List.of("info.txt", "status.txt", "table.txt", "version.txt")) {
            Path tmp = to.resolve(f + ".new");
            Files.copy(from.resolve(f), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, to.resolve(f), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Replaces one file of the recording whole (a reader never sees it half-written). */
    private static void rewrite(Path rec, String file, String text) throws IOException {
        Path tmp = rec.resolve(file + ".new");
        Files.writeString(tmp, text);
        Files.move(tmp, rec.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static AgentProcess.Run await(AgentProcess agent, Predicate<AgentProcess.Run> test, String what, String... args)
            throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        AgentProcess.Run last = null;
        while (System.nanoTime() < until) {
            last = agent.cli(args);
            if (last.exit() == 0 && test.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " not seen within 30 s; last: " + last + "\n" + agent.logText());
    }

    @Test
    void anAgentReportsTheRecordedActiveLvsAndRereadsTheRecordingOnReconcile() throws Exception {
        Path disks = tmp.resolve("disks");
        unpackDisks("dm-s01-linear", List.of("vdb", "vdc"), disks);
        Path recorded = FixtureImages.repoRoot().resolve("testdata/dm/dm-s01-linear/dm");
        Path rec = tmp.resolve("dm");
        record(recorded, rec);
        Path conf = tmp.resolve("agent.conf");
        Files.writeString(conf, "lvmcoord.agent.kernel-state { source = recording\n recording = \"" + rec + "\"\n"
                + " reconcile-interval = 500ms }\n");
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), "--devices-dir", disks.toString(), "--node-name", NODE,
                "--config", conf.toString())) {
            agent.awaitScanned();
            String both = "  a|" + NODE + "\n  b|\n  c|" + NODE + "\n  d|\n";
            AgentProcess.Run lvs = await(agent, r -> r.out().equals(both), "a and c active on " + NODE,
                    "lvs", "--noheadings", "--separator", "|", "-o", "lv_name,lv_active_hosts");
            assertEquals(both, lvs.out());
            String status = agent.cli("status").out();
            assertTrue(status.contains("\"kernel_state\": {\"source\": \"recording " + rec + "\", \"driver_version\": \"4.47.0\", \"devices\": 2"),
                    status);
            assertTrue(status.contains("\"double_activations\": []"), status);

            // watch: a line for each LV whose active hosts change from now on.
            List<String> watched = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread watcher = new Thread(() -> {
                try {
                    agent.client().stream("/v1/watch", line -> {
                        watched.add(line);
                        return !stop.get();
                    });
                } catch (IOException e) {
                    watched.add("failed: " + e);
                }
            });
            watcher.setDaemon(true);
            watcher.start();
            long watching = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (watched.isEmpty() && System.nanoTime() < watching) {
                Thread.sleep(20);
            }
            assertEquals("{\"watching\": \"" + NODE + "\"}", watched.get(0));

            // c deactivated on this host: its line goes from the recording; the reconcile timer reads it.
            List<String> info = Files.readAllLines(rec.resolve("info.txt"));
            rewrite(rec, "info.txt", info.get(0) + "\n");
            rewrite(rec, "status.txt", String.join("\n", Files.readAllLines(rec.resolve("status.txt")).stream()
                    .filter(l -> l.startsWith("vg1-a:")).toList()) + "\n");
            String onlyA = "  a|" + NODE + "\n  b|\n  c|\n  d|\n";
            await(agent, r -> r.out().equals(onlyA), "c no longer active", "lvs", "--noheadings", "--separator", "|", "-o", "lv_name,lv_active_hosts");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (watched.stream().noneMatch(l -> l.startsWith("{\"activation\"")) && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            stop.set(true);
            List<String> activation = watched.stream().filter(l -> l.startsWith("{\"activation\"")).toList();
            assertEquals(1, activation.size(), "watch lines: " + watched);
            assertTrue(activation.get(0).matches("\\{\"activation\": \\{\"aggregate\": \"VOLUME_GROUP:x6SPXa-y1QN-jv16-endE-O2PG-8UBF-51FJzo\", "
                    + "\"version\": \\d+, \"vg\": \"vg1\", \"lv\": \"c\", \"active_hosts\": \\[\\], \"double_activation\": false}}"),
                    activation.get(0));

            // A recording the reader refuses: the last good state stays, and status names the file and line.
            rewrite(rec, "info.txt", "not|a|recording\n");
            AgentProcess.Run failed = await(agent, r -> r.out().contains("\"last_failure\": "), "the failed read in status", "status");
            assertTrue(failed.out().contains("info.txt:1: expected name|uuid|major|minor|open|attr|..."), failed.out());
            assertTrue(failed.out().contains("\"devices\": 1"), failed.out());
            assertEquals(onlyA, agent.cli("lvs", "--noheadings", "--separator", "|", "-o", "lv_name,lv_active_hosts").out());
            // The JSON API carries the field as lvm2 carries a string list.
            String json = agent.client().get("/v1/lvs?o=lv_name,lv_active_hosts&format=json").bodyText();
            assertTrue(json.contains("{\"lv_name\":\"a\", \"lv_active_hosts\":\"" + NODE + "\"}"), json);
        }
    }
}
