package io.lvmcoord.agent.daemon;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent on the kernel's real block devices (sysfs + netlink uevents), driven by real events:
 * a loop device attached and detached is seen through its uevents; lvm2 writing metadata to a
 * PV on this host ({@code lvcreate}) is seen through the close-write watch on the device node,
 * with no notification sent; {@code watch} streams the change. Needs root, losetup and lvm2
 * (CI installs them); skipped with a message elsewhere. Cleans up exactly the loop devices it
 * attached.
 */
class AgentLiveEventsTest {
    private static final String NOWRITE = "devices { hints=\"none\" } backup { backup=0 archive=0 }";
    @TempDir
    Path tmp;
    private final List<String> attached = new ArrayList<>();

    @BeforeEach
    void needsRootAndLvm2() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for loop devices and netlink uevents");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/losetup")) || Files.isExecutable(Path.of("/sbin/losetup")),
                "needs losetup");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/lvcreate")) || Files.isExecutable(Path.of("/sbin/lvcreate")),
                "needs lvm2 (apt-get install lvm2)");
    }

    @AfterEach
    void detach() throws Exception {
        for (String dev : attached) {
            run(false, "losetup", "-d", dev);
        }
    }

    private static String run(boolean check, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " hung");
        if (check && p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
        return out.trim();
    }

    private String attach(Path image) throws Exception {
        String dev = run(true, "losetup", "--find", "--show", image.toString());
        attached.add(dev);
        return dev;
    }

    private void detach(String dev) throws Exception {
        run(true, "losetup", "-d", dev);
        attached.remove(dev);
    }

    private Path image(String name) throws Exception {
        Path img = tmp.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(32L << 20);
        }
        return img;
    }

    private static String awaitCli(AgentProcess agent, Predicate<String> ok, String... args) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        AgentProcess.Run r = agent.cli(args);
        while (!ok.test(r.out()) && System.nanoTime() < until) {
            Thread.sleep(100);
            r = agent.cli(args);
        }
        assertTrue(ok.test(r.out()), String.join(" ", args) + " never matched; last: " + r.out() + r.err() + "\nagent log:\n"
                + agent.logText());
        return r.out();
    }

    @Test
    void uEventsAndLvm2WritesOnThisHostReachTheViewWithoutNotification() throws Exception {
        Path a = image("a.img");
        Path b = image("b.img");
        String loopA = attach(a);
        run(true, "pvcreate", "-q", "--config", NOWRITE, "--devices", loopA, loopA);
        run(true, "vgcreate", "-q", "--config", NOWRITE, "--devices", loopA, "-s", "1m", "vglive", loopA);
        // b is made a PV now and detached: attaching it while the agent runs is the uevent under test.
        String loopB = attach(b);
        run(true, "pvcreate", "-q", "--config", NOWRITE, "--devices", loopB, loopB);
        detach(loopB);

        Path conf = tmp.resolve("agent.conf");
        Files.writeString(conf, "lvmcoord.discovery.accept = [\"^loop[0-9]+$\"]\n");
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), "--config", conf.toString(), "--node-name", "live")) {
            agent.awaitScanned();
            String vgs = awaitCli(agent, o -> o.contains("vglive"), "vgs", "--noheadings", "-o", "vg_name,vg_seqno", "vglive");
            long seqno = Long.parseLong(vgs.trim().split("\\s+")[1]);

            List<String> watched = new CopyOnWriteArrayList<>();
            Thread watcher = new Thread(() -> {
                try {
                    agent.client().stream("/v1/watch", line -> {
                        watched.add(line);
                        return watched.size() < 100;
                    });
                } catch (Exception e) {
                    watched.add("watch failed: " + e);
                }
            });
            watcher.setDaemon(true);
            watcher.start();
            Thread.sleep(500);

            // lvm2 writes new metadata to the PV on this host; nobody tells the agent.
            run(true, "lvcreate", "-q", "--config", NOWRITE, "--devices", loopA, "--driverloaded", "n", "-an", "-Zn", "-L", "4m",
                    "-n", "fresh", "vglive");
            awaitCli(agent, o -> o.contains("fresh"), "lvs", "--noheadings", "-o", "lv_name,vg_name");
            String after = awaitCli(agent, o -> o.contains("vglive"), "vgs", "--noheadings", "-o", "vg_name,vg_seqno", "vglive");
            assertEquals(seqno + 1, Long.parseLong(after.trim().split("\\s+")[1]), "lvcreate bumped the seqno by one");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (watched.stream().noneMatch(l -> l.contains("\"seqno\": " + (seqno + 1))) && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertTrue(watched.stream().anyMatch(l -> l.contains("\"name\": \"vglive\"") && l.contains("\"seqno\": " + (seqno + 1))),
                    "watch showed the change: " + watched);

            // Attaching a loop device is a kernel uevent; the agent scans it and lists the PV.
            loopB = attach(b);
            String dev = loopB;
            awaitCli(agent, o -> o.contains(dev), "pvs", "--noheadings", "-o", "pv_name");
            detach(loopB);
            awaitCli(agent, o -> !o.contains(dev), "pvs", "--noheadings", "-o", "pv_name");
            assertTrue(agent.logText().contains("ready on"));
        }
    }
}
