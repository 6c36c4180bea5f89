package io.lvmcoord.agent.discovery;

import com.typesafe.config.ConfigFactory;
import io.lvmcoord.scan.DeviceTarget;
import io.lvmcoord.scan.DiscoverySettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The sysfs source narrowed by lvm2's configuration in a private LVM_SYSTEM_DIR, on real loop
 * devices, and rereading it when lvmdevices or an edit changes it. Needs root, losetup and lvm2;
 * skipped otherwise (a failure under CI=true).
 */
class SysfsSourceLvmConfigTest {
    private Path dir;
    private Path sysDir;
    private final List<String> loops = new ArrayList<>();
    private SysfsSource source;

    @BeforeEach
    void setUp() throws Exception {
        String why = missing();
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true requires root, losetup and lvm2, but " + why);
            }
            Assumptions.abort("lvm2 configuration test of the sysfs source skipped: " + why);
        }
        dir = Files.createTempDirectory("sysfs-lvmconf");
        sysDir = dir.resolve("lvm");
        Files.createDirectories(sysDir);
        Files.writeString(sysDir.resolve("lvm.conf"), "devices {\n use_devicesfile = 1\n hints = \"none\"\n}\n");
        for (int i = 0; i < 2; i++) {
            Path img = dir.resolve("d" + i + ".img");
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
                f.setLength(16L << 20);
            }
            loops.add(run("losetup", "--find", "--show", img.toString()).trim());
        }
        run("lvm", "lvmdevices", "--adddev", loops.get(0));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (source != null) {
            source.close();
        }
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

    private static String missing() throws IOException {
        boolean root = Files.readString(Path.of("/proc/self/status")).lines()
                .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[1].equals("0"));
        if (!root) {
            return "not root";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/losetup")) && !Files.isExecutable(Path.of("/sbin/losetup"))) {
            return "no losetup";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/lvm")) && !Files.isExecutable(Path.of("/sbin/lvm"))) {
            return "no lvm2 (/usr/sbin/lvm)";
        }
        return null;
    }

    private String run(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LVM_SYSTEM_DIR", sysDir.toString());
        pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private List<String> names() throws IOException {
        return source.enumerate().stream().map(DeviceTarget::name).toList();
    }

    private static DeviceEvent.Lost nextRescan(LinkedBlockingQueue<DeviceEvent> events) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            DeviceEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e instanceof DeviceEvent.Lost l) {
                return l;
            }
        }
        return null;
    }

    @Test
    void onlyDevicesInTheDevicesFileAreListedAndAnLvmdevicesChangeRescans() throws Exception {
        source = new SysfsSource(DiscoverySettings.from(ConfigFactory.load()), sysDir);
        assertEquals(List.of(loops.get(0)), names());
        LinkedBlockingQueue<DeviceEvent> events = new LinkedBlockingQueue<>();
        source.start(events::add);

        run("lvm", "lvmdevices", "--adddev", loops.get(1));
        DeviceEvent.Lost rescan = nextRescan(events);
        assertNotNull(rescan, "no rescan after lvmdevices --adddev");
        assertTrue(rescan.cause().startsWith("lvm2 configuration changed (devices/"), rescan.cause());
        assertEquals(loops.stream().sorted().toList(), names());
    }

    @Test
    void editingLvmConfToFiltersRescansWithTheNewRules() throws Exception {
        source = new SysfsSource(DiscoverySettings.from(ConfigFactory.load()), sysDir);
        LinkedBlockingQueue<DeviceEvent> events = new LinkedBlockingQueue<>();
        source.start(events::add);

        Files.writeString(sysDir.resolve("lvm.conf"), "devices {\n use_devicesfile = 0\n global_filter = [ \"r|^"
                + loops.get(0) + "$|\" ]\n}\n");
        DeviceEvent.Lost rescan = nextRescan(events);
        assertNotNull(rescan, "no rescan after editing lvm.conf");
        assertEquals("lvm2 configuration changed (lvm.conf in " + sysDir + ")", rescan.cause());
        List<String> now = names();
        assertFalse(now.contains(loops.get(0)), now.toString());
        assertTrue(now.contains(loops.get(1)), now.toString());

        // The same content written again is no change: no second rescan.
        Files.writeString(sysDir.resolve("lvm.conf"), Files.readString(sysDir.resolve("lvm.conf")));
        assertEquals(null, nextRescan(events));
    }

    @Test
    void aConfigLvm2WouldRefuseFailsListingUntilFixed() throws Exception {
        Files.writeString(sysDir.resolve("lvm.conf"), "devices { filter = [ \"x|bad|\" ] }\n");
        source = new SysfsSource(DiscoverySettings.from(ConfigFactory.load()), sysDir);
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, this::names);
        assertTrue(e.getMessage().contains("Pattern must begin with 'a' or 'r'."), e.getMessage());
        LinkedBlockingQueue<DeviceEvent> events = new LinkedBlockingQueue<>();
        source.start(events::add);
        Files.writeString(sysDir.resolve("lvm.conf"), "devices { use_devicesfile = 1 }\n");
        assertInstanceOf(DeviceEvent.Lost.class, nextRescan(events));
        assertEquals(List.of(loops.get(0)), names());
    }
}
