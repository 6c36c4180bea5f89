package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.client.JsonText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hook runs for exactly the VGs lvm2's own event autoactivation would activate on the same
 * host: VGs built by the real lvm2 on loop devices (ordinary, LV-tagged, not in the volume list,
 * autoactivation disabled, exported, foreign), one lvm2 configuration for both (system ID, volume
 * list), and lvm2's verdict taken from lvm2 itself: {@code pvscan --cache --checkcomplete
 * --vgonline} on each PV (the udev rule's command, which says which VG a PV completes and latches
 * it in /run/lvm/vgs_online), then {@code vgchange -aay -v} without device-mapper (which names the
 * LVs it would activate). Root, losetup and lvm2 needed (CI has them); skipped elsewhere. The
 * loop devices and the /run/lvm entries the pvscans made for these VGs are removed afterwards.
 */
class AutoactivationLvm2LiveTest {
    @TempDir
    Path tmp;
    private final List<String> loops = new ArrayList<>();
    private final String suffix = suffix();
    private final Map<String, Boolean> runDirsExisted = new HashMap<>();
    private static final Path RUN_LVM = Path.of("/run/lvm");
    private static final List<String> RUN_DIRS = List.of("pvs_online", "vgs_online", "pvs_lookup");

    private static String suffix() {
        Random r = new Random();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            s.append((char) ('a' + r.nextInt(26)));
        }
        return s.toString();
    }

    @BeforeEach
    void needsRootLosetupAndLvm2() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for loop devices");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/losetup")) || Files.isExecutable(Path.of("/sbin/losetup")),
                "needs losetup");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/lvm")) || Files.isExecutable(Path.of("/sbin/lvm")),
                "needs lvm2 (apt-get install lvm2)");
        RUN_DIRS.forEach(d -> runDirsExisted.put(d, Files.isDirectory(RUN_LVM.resolve(d))));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String dev : loops) {
            run(Map.of(), false, "losetup", "-d", dev);
        }
        // What lvm2's pvscans wrote for these VGs (names carry this run's suffix), and the directories if they made them.
        for (String d : RUN_DIRS) {
            Path dir = RUN_LVM.resolve(d);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    boolean ours = f.getFileName().toString().endsWith("_" + suffix)
                            || (d.equals("pvs_online") && Files.readString(f).contains("_" + suffix + "\n"));
                    if (ours) {
                        Files.delete(f);
                    }
                }
            }
            if (!runDirsExisted.getOrDefault(d, true)) {
                try (Stream<Path> left = Files.list(dir)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(dir);
                    }
                }
            }
        }
    }

    private static String run(Map<String, String> env, boolean check, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
        pb.environment().putAll(env);
        Path err = Files.createTempFile("h15-live", ".err");
        try {
            Process p = pb.redirectError(err.toFile()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " hung");
            String stderr = Files.readString(err);
            if (check && p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out + stderr);
            }
            return out + stderr;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private String loop() throws Exception {
        Path img = tmp.resolve("disk" + loops.size() + ".img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(32L << 20);
        }
        String dev = run(Map.of(), true, "losetup", "--find", "--show", img.toString()).trim();
        loops.add(dev);
        return dev;
    }

    @Test
    void theHookRunsForExactlyTheVgsLvm2EventActivationActivates() throws Exception {
        String plain = "plain_" + suffix;
        String tagged = "tagged_" + suffix;
        String unlisted = "unlisted_" + suffix;
        String noauto = "noauto_" + suffix;
        String exported = "exported_" + suffix;
        String foreign = "foreign_" + suffix;
        Path etc = Files.createDirectories(tmp.resolve("etc-lvm"));
        Files.writeString(etc.resolve("lvm.conf"), "devices { hints = \"none\" }\nbackup { backup = 0 archive = 0 }\n"
                + "global { system_id_source = \"lvmlocal\" }\nlocal { system_id = \"h15host\" }\n"
                + "activation { auto_activation_volume_list = [ \"" + plain + "\", \"" + noauto + "\", \"" + exported + "\", \""
                + foreign + "\", \"@autotag\" ] }\n");
        Map<String, String> env = Map.of("LVM_SYSTEM_DIR", etc.toString());
        Map<String, List<String>> pvsOf = new HashMap<>();
        for (String vg : List.of(plain, tagged, unlisted, noauto, exported, foreign)) {
            pvsOf.put(vg, vg.equals(plain) ? List.of(loop(), loop()) : List.of(loop()));
        }
        String all = String.join(",", loops);
        for (Map.Entry<String, List<String>> e : pvsOf.entrySet()) {
            List<String> create = new ArrayList<>(List.of("vgcreate", "-q", "--devices", all, "-s", "1m"));
            if (e.getKey().equals(noauto)) {
                create.addAll(List.of("--setautoactivation", "n"));
            }
            create.add(e.getKey());
            create.addAll(e.getValue());
            run(env, true, create.toArray(String[]::new));
            List<String> lv = new ArrayList<>(List.of("lvcreate", "-q", "--devices", all, "--driverloaded", "n", "-an", "-Zn", "-L", "4m",
                    "-n", "l1"));
            if (e.getKey().equals(tagged)) {
                lv.addAll(List.of("--addtag", "autotag"));
            }
            lv.add(e.getKey());
            run(env, true, lv.toArray(String[]::new));
        }
        run(env, true, "vgexport", "-q", "--devices", all, exported);
        run(env, true, "vgchange", "-q", "-y", "--devices", all, "--systemid", "otherhost", foreign);

        // lvm2's verdict: the udev rule's pvscan on each PV, and vgchange -aay for the VGs a PV completed.
        Set<String> lvm2Activates = new TreeSet<>();
        Set<String> completed = new TreeSet<>();
        for (Map.Entry<String, List<String>> e : pvsOf.entrySet()) {
            for (String pv : e.getValue()) {
                String out = run(env, true, "lvm", "pvscan", "--cache", "--listvg", "--checkcomplete", "--vgonline", "--autoactivation",
                        "event", "--udevoutput", "--devices", all, pv);
                if (out.contains("LVM_VG_NAME_COMPLETE='" + e.getKey() + "'")) {
                    completed.add(e.getKey());
                }
            }
        }
        for (String vg : completed) {
            String out = run(env, false, "vgchange", "-aay", "-v", "--driverloaded", "n", "--devices", all, vg);
            if (out.contains("Activating logical volume " + vg + "/")) {
                lvm2Activates.add(vg);
            }
        }
        // Another pvscan of a latched VG's PV says nothing more: lvm2's latch, which ours copies.
        String again = run(env, true, "lvm", "pvscan", "--cache", "--listvg", "--checkcomplete", "--vgonline", "--autoactivation", "event",
                "--udevoutput", "--devices", all, pvsOf.get(plain).get(1));
        assertEquals("", again.trim(), "lvm2 latched " + plain);
        // The scenario is what it was built to be (else the comparison below proves little).
        assertEquals(new TreeSet<>(Set.of(plain, tagged)), lvm2Activates, "lvm2 would activate; pvscan completed " + completed);

        Path calls = tmp.resolve("calls");
        Path hook = tmp.resolve("hook.sh");
        Files.writeString(hook, "#!/bin/sh\necho \"$1\" >> " + calls + "\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        Path conf = tmp.resolve("agent.conf");
        Files.writeString(conf, "lvmcoord.agent.on-vg-complete {\n  command = [" + JsonText.quote(hook.toString()) + ", \"{vg}\"]\n"
                + "  latch-dir = " + JsonText.quote(tmp.resolve("latches").toString()) + "\n}\n");
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), env, "--devices", all, "--node-name", "live", "--config",
                conf.toString())) {
            agent.awaitScanned();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String status = agent.cli("status").out();
            while (!(countOf(status, "\"state\": \"exited\"") == 2 && countOf(status, "\"state\": \"skipped\"") == 4)
                    && System.nanoTime() < until) {
                Thread.sleep(100);
                status = agent.cli("status").out();
            }
            assertEquals(2, countOf(status, "\"state\": \"exited\""), status + "\n" + agent.logText());
            assertEquals(4, countOf(status, "\"state\": \"skipped\""), status);
            assertEquals(lvm2Activates, new TreeSet<>(Files.readAllLines(calls)), "the hook ran for what lvm2 activates");
            assertEquals(2, Files.readAllLines(calls).size(), "once each");

            assertEquals(0, agent.cli("pvscan", "--cache").exit());
            Thread.sleep(2000);
            assertEquals(2, Files.readAllLines(calls).size(), "a rescan runs nothing again");
        }
    }

    private static int countOf(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }
}
