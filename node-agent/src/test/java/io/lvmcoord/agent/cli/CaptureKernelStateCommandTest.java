package io.lvmcoord.agent.cli;

import io.lvmcoord.scan.dm.DmRecording;
import io.lvmcoord.scan.dm.DmState;
import io.lvmcoord.scan.nativeio.DeviceMapper;
import io.lvmcoord.scan.nativeio.LinuxDeviceMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lvmcoord capture-kernel-state on this host; against a real device-mapper it runs in KernelStateInVmTest (-Pvmlab). */
class CaptureKernelStateCommandTest {

    private record Run(int rc, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = LvmcoordCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aNonEmptyDirectoryIsRefusedByName(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("keep.txt"), "mine");
        Run r = run("capture-kernel-state", tmp.toString());
        assertEquals(ReportCommand.EXIT_USAGE, r.rc());
        assertEquals("lvmcoord capture-kernel-state: " + tmp + " is not an empty directory; give a new or empty one\n", r.err());
        assertEquals("mine", Files.readString(tmp.resolve("keep.txt")));
    }

    @Test
    void aHostWithoutDeviceMapperGivesARecordingWithoutDevicesAndSaysWhy(@TempDir Path tmp) throws Exception {
        DeviceMapper.Opening o = LinuxDeviceMapper.open();
        if (o instanceof DeviceMapper.Opening.Opened opened) {
            opened.deviceMapper().close();
        }
        Assumptions.assumeTrue(o instanceof DeviceMapper.Opening.NotAvailable, "this host has device-mapper");
        Path dir = tmp.resolve("dm");
        Run r = run("capture-kernel-state", dir.toString());
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.err().startsWith("lvmcoord capture-kernel-state: device-mapper not available: /dev/mapper/control: "), r.err());
        assertTrue(r.out().startsWith("0 dm devices, "), r.out());
        assertEquals("No devices found\n", Files.readString(dir.resolve("info.txt")));
        assertTrue(Files.readString(dir.resolve("proc/partitions")).startsWith("major minor  #blocks  name"));
        assertFalse(Files.exists(dir.resolve("sysfs")));
        assertEquals(DmState.NONE, DmRecording.read(dir));
    }
}
