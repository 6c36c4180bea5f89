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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An agent started with {@code LVM_SYSTEM_DIR} pointing at an lvm2 configuration that turns on a
 * devices file reports what lvm2 reports with that configuration: only the listed PVs, and a VG
 * with a foreign system ID hidden with lvm2's warning (shown with {@code --foreign}). Three loop
 * PVs: vgin (listed), vgout (not listed) and vgforeign (listed, written under another host's
 * system ID). The devices file is written by lvm2's own {@code lvmdevices}. Needs root, losetup and
 * lvm2 (CI has them); skipped with a message elsewhere, and cleans up exactly what it attached.
 */
class AgentLvmConfigTest {
    private static final String NOWRITE = "devices { hints=\"none\" } backup { backup=0 archive=0 }";
    /** lvm2's one binary: Debian ships no lvmdevices link, so every command goes through it. */
    private static final String LVM = "/usr/sbin/lvm";
    private static final String FOREIGN_LINE = "Cannot access VG vgforeign with system ID otherhost with unknown local system ID.";
    @TempDir
    Path tmp;
    private final List<String> attached = new ArrayList<>();

    @BeforeEach
    void needsRootAndLvm2() {
        boolean ci = "true".equals(System.getenv("CI"));
        boolean ok = "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of(LVM))
                && (Files.isExecutable(Path.of("/usr/sbin/losetup")) || Files.isExecutable(Path.of("/sbin/losetup")));
        if (!ok && ci) {
            fail("CI runs as root with lvm2 and losetup installed");
        }
        Assumptions.assumeTrue(ok, "needs root, losetup and lvm2 for loop PVs and a devices file");
    }

    @AfterEach
    void detach() throws Exception {
        for (String dev : attached) {
            run(Map.of(), false, "losetup", "-d", dev);
        }
    }

    @Test
    void anAgentUnderLvmSystemDirReportsWhatLvm2ReportsThereAndHidesAForeignVg() throws Exception {
        String a = attach("a.img");
        String b = attach("b.img");
        String c = attach("c.img");
        lvm(Map.of(), "pvcreate", "--devices", a + "," + b, a, b);
        lvm(Map.of(), "vgcreate", "--devices", a, "-s", "1m", "vgin", a);
        lvm(Map.of(), "lvcreate", "--devices", a, "--driverloaded", "n", "-an", "-Zn", "-L", "4m", "-n", "data", "vgin");
        lvm(Map.of(), "vgcreate", "--devices", b, "-s", "1m", "vgout", b);
        // vgforeign is written by "otherhost": its lvm2 takes the system ID from lvmlocal.conf.
        Path other = Files.createDirectories(tmp.resolve("otherhost"));
        Files.writeString(other.resolve("lvm.conf"), "global { system_id_source = \"lvmlocal\" }\n");
        Files.writeString(other.resolve("lvmlocal.conf"), "local { system_id = \"otherhost\" }\n");
        Map<String, String> otherEnv = Map.of("LVM_SYSTEM_DIR", other.toString());
        lvm(otherEnv, "pvcreate", "--devices", c, c);
        lvm(otherEnv, "vgcreate", "--devices", c, "-s", "1m", "vgforeign", c);

        // This host: a devices file listing a and c, written by lvmdevices; no system ID.
        Path conf = Files.createDirectories(tmp.resolve("lvm"));
        Files.createDirectories(conf.resolve("devices"));
        Files.writeString(conf.resolve("lvm.conf"), "devices { use_devicesfile = 1 hints = \"none\" }\nbackup { backup = 0 archive = 0 }\n");
        Map<String, String> env = Map.of("LVM_SYSTEM_DIR", conf.toString());
        lvm(env, "lvmdevices", "--adddev", a);
        lvm(env, "lvmdevices", "--adddev", c);
        assertTrue(Files.readString(conf.resolve("devices/system.devices")).contains(a), "lvmdevices listed " + a);

        Path agentConf = tmp.resolve("agent.conf");
        Files.writeString(agentConf, "lvmcoord.discovery.accept = [\"^loop[0-9]+$\"]\n");
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), env, "--config", agentConf.toString(), "--node-name", "conf")) {
            agent.awaitScanned();
            List<List<String>> reports = List.of(
                    List.of("pvs", "--reportformat", "json", "-o", "pv_name,vg_name,pv_uuid,pv_size,pv_free,pv_attr,pv_major,pv_minor"),
                    List.of("vgs", "--reportformat", "json", "-o", "vg_name,vg_uuid,vg_systemid,pv_count,lv_count,vg_size,vg_attr"),
                    List.of("lvs", "--reportformat", "json", "-o", "lv_name,vg_name,lv_uuid,lv_size,lv_attr"),
                    List.of("vgs", "--foreign", "--reportformat", "json", "-o", "vg_name,vg_uuid,vg_systemid,pv_count"),
                    List.of("pvs", "--foreign", "--reportformat", "json", "-o", "pv_name,vg_name,pv_uuid"));
            for (List<String> report : reports) {
                Result lvm2 = lvm2Report(env, report);
                AgentProcess.Run ours = agent.cli(report.toArray(String[]::new));
                assertEquals(lvm2.exit(), ours.exit(), report + " exit; ours: " + ours.err() + "\nlvm2: " + lvm2.err());
                assertEquals(lvm2.out(), ours.out(), report + " stdout; ours stderr: " + ours.err());
                boolean hides = !report.contains("--foreign");
                assertEquals(hides, lvm2.err().contains(FOREIGN_LINE), "lvm2's warning for " + report + ": " + lvm2.err());
                assertEquals(hides, ours.err().contains(FOREIGN_LINE), "our warning for " + report + ": " + ours.err());
            }
            String vgs = agent.cli("vgs", "--noheadings", "-o", "vg_name").out();
            assertTrue(vgs.contains("vgin"), vgs);
            assertFalse(vgs.contains("vgout"), "vgout's PV is not in the devices file: " + vgs);
            assertFalse(vgs.contains("vgforeign"), "vgforeign belongs to otherhost: " + vgs);
        }
    }

    private record Result(int exit, String out, String err) {
    }

    /** lvm2's own report under {@code env} (its configuration chooses the devices), JSON on stdout. */
    private static Result lvm2Report(Map<String, String> env, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(args);
        cmd.add(0, LVM);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
        Path err = Files.createTempFile("lvm2-", ".err");
        try {
            pb.redirectError(err.toFile());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), cmd + " hung");
            // Without device-mapper lvm2 also complains about /dev/mapper/control; those lines say nothing about the report.
            String text = Files.readString(err).lines().filter(l -> !l.contains("mapper/control") && !l.contains("device-mapper")
                    && !l.contains("libdevmapper")).reduce("", (x, y) -> x + y + "\n");
            return new Result(p.exitValue(), out, text);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static void lvm(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(args));
        if (!args[0].equals("lvmdevices")) {
            cmd.add(1, "--config");
            cmd.add(2, NOWRITE);
        }
        cmd.add(0, LVM);
        run(env, true, cmd.toArray(String[]::new));
    }

    private static String run(Map<String, String> env, boolean check, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> all = new HashMap<>(env);
        all.put("LVM_SUPPRESS_FD_WARNINGS", "1");
        pb.environment().putAll(all);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " hung");
        if (check && p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
        return out.trim();
    }

    private String attach(String name) throws Exception {
        Path img = tmp.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(32L << 20);
        }
        String dev = run(Map.of(), true, "losetup", "--find", "--show", img.toString());
        attached.add(dev);
        return dev;
    }
}
