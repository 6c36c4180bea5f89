package io.lvmcoord.scan;

import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.MdaScan;
import io.lvmcoord.scan.nativeio.LinuxNativeIo;
import io.lvmcoord.scan.nativeio.NativeIo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The engines on real block devices: loop devices this test attaches (and detaches, exactly
 * those) over fixture images. Sizes come from BLKGETSIZE64 and reads use O_DIRECT. Needs root and
 * losetup; skipped without them, except under CI=true where that is a failure.
 */
class LoopDeviceScanTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "pread"})
    void pvsOnLoopDevicesAreScannedWithDirectIo(String engine) throws Exception {
        requireLoopDevices();
        List<String> attached = new ArrayList<>();
        try {
            for (String img : List.of("pv1.img", "pv2.img")) {
                Path file = ScanTestSupport.unpack("s03-two-mdas", img, tmp.resolve(img));
                attached.add(run("losetup", "-f", "--show", file.toString()).trim());
            }
            LinuxNativeIo io = new LinuxNativeIo();
            int fd = io.open(attached.get(0), NativeIo.O_RDONLY | NativeIo.O_DIRECT);
            try {
                assertEquals(32L << 20, io.blockDeviceSize(fd, attached.get(0)));
                assertEquals(512, io.logicalBlockSize(fd, attached.get(0)));
                assertTrue(io.fstat(fd, attached.get(0)).isBlockDevice());
            } finally {
                io.close(fd);
            }
            List<DeviceTarget> targets = attached.stream().map(DeviceTarget::of).toList();
            try (LocalScanner scanner = LocalScanner.start(ScanTestSupport.config(engine, ""))) {
                ScanFleet.FleetResult r = scanner.scan(targets, null, Duration.ofSeconds(30));
                DeviceScan.PvScan first = assertInstanceOf(DeviceScan.PvScan.class, r.outcomes().get(0));
                DeviceScan.PvScan second = assertInstanceOf(DeviceScan.PvScan.class, r.outcomes().get(1));
                assertEquals(32L << 20, first.deviceSize(), "BLKGETSIZE64");
                assertEquals(2, first.mdas().stream().filter(m -> m.status() == MdaScan.Status.IN_USE).count());
                assertEquals("vg03", second.metadata().orElseThrow().name());
                assertEquals(3, scanner.scheduler().stats().reads(), "head reads plus mda2 of the first PV");
                assertEquals(engine, scanner.scheduler().engineName());
            }
        } finally {
            for (String dev : attached) {
                run("losetup", "-d", dev);
            }
        }
        // Judged by our backing files: another process may attach a freed device number at once.
        String left = run("losetup", "-a");
        assertTrue(!left.contains(tmp.toString()), "a loop device still backs onto " + tmp + ": " + left);
    }

    private static void requireLoopDevices() throws IOException, InterruptedException {
        boolean root = Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[1].equals("0"));
        boolean losetup = Files.isExecutable(Path.of("/usr/sbin/losetup")) || Files.isExecutable(Path.of("/sbin/losetup"));
        String why = !root ? "not root" : !losetup ? "no losetup" : null;
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true requires the loop-device engine test, but " + why);
            }
            Assumptions.abort("loop-device engine test skipped: " + why);
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
