package io.lvmcoord.scan.lvmconf;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lvmcoord.scan.nativeio.SysfsBlockDevices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A devname entry of the devices file whose PV moved to another device: lvm2 finds the PVID on
 * the new device (search_for_devnames="all") and uses it; our validation must agree, warnings
 * included. The move is made by copying the PV's first MiBs to the other loop and wiping the
 * first, so no loop device is detached meanwhile. Needs root, losetup and lvm2.
 */
class DevnameEntryLiveTest {
    private Path dir;
    private Path sysDir;
    private final List<String> loops = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        LiveLvm2.require("devname live test");
        dir = Files.createTempDirectory("devname-live");
        sysDir = dir.resolve("lvm");
        Files.createDirectories(sysDir);
        Files.writeString(sysDir.resolve("lvm.conf"), "devices {\n use_devicesfile = 1\n hints = \"none\"\n}\nbackup { backup = 0 archive = 0 }\n");
        for (int i = 0; i < 2; i++) {
            Path img = dir.resolve("d" + i + ".img");
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
                f.setLength(16L << 20);
            }
            loops.add(run("losetup", "--find", "--show", img.toString()).trim());
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String l : loops) {
            run("losetup", "-d", l);
        }
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private String run(String... cmd) throws IOException, InterruptedException {
        return runAll(cmd).get(0);
    }

    /** stdout, then stderr lines (trimmed, without the no-device-mapper warning). */
    private List<String> runAll(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LVM_SYSTEM_DIR", sysDir == null ? "" : sysDir.toString());
        pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
        Path err = Files.createTempFile("lvm", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + Files.readString(err));
        }
        List<String> all = new ArrayList<>(List.of(out));
        Files.readAllLines(err).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("WARNING: Activation disabled")).forEach(all::add);
        Files.delete(err);
        return all;
    }

    @Test
    void aMovedPvOfADevnameEntryIsFoundByItsPvidAsLvm2FindsIt() throws Exception {
        String x = loops.get(0);
        String y = loops.get(1);
        run("lvm", "pvcreate", "--driverloaded", "n", "--devicesfile", "", "--devices", x, x);
        run("lvm", "lvmdevices", "--adddev", x, "--deviceidtype", "devname");
        run("dd", "if=" + x, "of=" + y, "bs=1M", "count=2", "conv=fsync", "status=none");
        run("dd", "if=/dev/zero", "of=" + x, "bs=1M", "count=2", "conv=fsync", "status=none");

        String overlay = "devices { search_for_devnames = \"all\" }";
        LvmEnvironment env = assertInstanceOf(LvmEnvironment.Ready.class,
                LvmEnvironment.load(sysDir, overlay, DeviceSelection.Overrides.NONE, LvmEnvironment.osHost())).environment();
        List<DeviceIdentity> devices = env.hostDevices(SysfsBlockDevices.SYS_CLASS_BLOCK, false).devices();
        DeviceSelection.Selection before = env.select(devices);
        assertEquals(List.of(x), before.used().stream().map(DeviceIdentity::name).toList());
        // Only our two loops can hold this PVID; reading every device of the host is not this test's business.
        DeviceSelection.Selection after = env.validate(before, devices.stream().filter(d -> loops.contains(d.name())).toList(),
                LvmEnvironment::pvidOnDevice);

        List<String> pvs = runAll("lvm", "pvs", "--driverloaded", "n", "--config", overlay, "--reportformat", "json", "-o", "pv_name");
        List<String> shown = new ArrayList<>();
        new ObjectMapper().readTree(pvs.get(0)).path("report").path(0).path("pv").forEach(r -> shown.add(r.path("pv_name").asText()));
        assertEquals(List.of(y), shown);
        assertEquals(shown, after.used().stream().map(DeviceIdentity::name).toList());
        assertEquals(pvs.subList(1, pvs.size()), after.warnings());
    }
}
