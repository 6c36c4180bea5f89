package io.lvmcoord.scan.dm;

import io.lvmcoord.scan.nativeio.DeviceMapper;
import io.lvmcoord.scan.nativeio.LinuxDeviceMapper;
import io.lvmcoord.scan.nativeio.NativeIoException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** KernelDm over a fake driver (the real one runs in the vmlab test), and on this host. */
class KernelDmTest {

    /** A driver with fixed devices; names in {@code gone} vanish after the list (ENXIO). */
    private static class FakeDriver implements DeviceMapper {
        final Map<String, Info> infos;
        final Map<String, List<Target>> statuses;
        final Map<String, List<Target>> tables;
        final List<String> gone;
        final List<String> calls = new ArrayList<>();
        boolean closed;

        FakeDriver(Map<String, Info> infos, Map<String, List<Target>> statuses, Map<String, List<Target>> tables, List<String> gone) {
            this.infos = infos;
            this.statuses = statuses;
            this.tables = tables;
            this.gone = gone;
        }

        public String driverVersion() {
            return "4.47.0";
        }

        public List<Listed> listDevices() {
            List<Listed> l = new ArrayList<>();
            infos.values().forEach(i -> l.add(new Listed(i.name(), i.major(), i.minor())));
            gone.forEach(g -> l.add(new Listed(g, 253, 99)));
            return l;
        }

        public Optional<Info> info(String name) throws NativeIoException {
            calls.add("info " + name);
            return Optional.ofNullable(infos.get(name));
        }

        public Optional<TableRead> tableStatus(String name, boolean table) {
            calls.add((table ? "table " : "status ") + name);
            Info i = infos.get(name);
            return i == null ? Optional.empty() : Optional.of(new TableRead(i, (table ? tables : statuses).get(name)));
        }

        public void close() {
            closed = true;
        }
    }

    private static DeviceMapper.Info info(String name, int minor, long events) {
        return new DeviceMapper.Info(name, "LVM-" + name, 253, minor, 1, 0, events, false, false, true, false);
    }

    @Test
    void devicesComeInNameOrderWithStateStatusTableAndReadAhead(@TempDir Path sysfs) throws IOException {
        Files.createDirectories(sysfs.resolve("block/dm-1/bdi"));
        Files.writeString(sysfs.resolve("block/dm-1/bdi/read_ahead_kb"), "128\n");
        FakeDriver fake = new FakeDriver(
                Map.of("vg-b", info("vg-b", 0, 3), "vg-a", info("vg-a", 1, 0)),
                Map.of("vg-b", List.of(new DeviceMapper.Target(0, 8, "thin-pool", "4 1/2 3/4 - rw discard_passdown ")),
                        "vg-a", List.of(new DeviceMapper.Target(0, 16, "linear", ""))),
                Map.of("vg-b", List.of(new DeviceMapper.Target(0, 8, "thin-pool", "253:0 253:1 128 0 0 ")),
                        "vg-a", List.of(new DeviceMapper.Target(0, 16, "linear", "254:16 2048"))),
                List.of());
        DmState s = new KernelDm(sysfs, () -> new DeviceMapper.Opening.Opened(fake)).read();
        assertEquals("4.47.0", s.driverVersion());
        assertEquals(List.of(
                new DmDevice("vg-a", "LVM-vg-a", 253, 1, 0, false, false, true, false, List.of(new DmStatusLine("vg-a", 0, 16, "linear", "")),
                        List.of(new DmStatusLine("vg-a", 0, 16, "linear", "254:16 2048")), 256, 0),
                new DmDevice("vg-b", "LVM-vg-b", 253, 0, 0, false, false, true, false,
                        List.of(new DmStatusLine("vg-b", 0, 8, "thin-pool", "4 1/2 3/4 - rw discard_passdown ")),
                        List.of(new DmStatusLine("vg-b", 0, 8, "thin-pool", "253:0 253:1 128 0 0 ")), DmDevice.UNKNOWN_READ_AHEAD, 3)),
                s.devices());
        assertTrue(fake.closed, "the control fd is closed after the read");
    }

    @Test
    void aDeviceRemovedBetweenTheListAndItsStatusIsLeftOut(@TempDir Path sysfs) throws IOException {
        FakeDriver fake = new FakeDriver(Map.of("vg-a", info("vg-a", 1, 0)),
                Map.of("vg-a", List.of(new DeviceMapper.Target(0, 16, "linear", ""))),
                Map.of("vg-a", List.of(new DeviceMapper.Target(0, 16, "linear", "254:16 2048"))), List.of("vg-0-gone"));
        DmState s = new KernelDm(sysfs, () -> new DeviceMapper.Opening.Opened(fake)).read();
        assertEquals(List.of("vg-a"), s.devices().stream().map(DmDevice::name).toList());
        assertTrue(fake.calls.contains("info vg-0-gone"));
    }

    @Test
    void aHostWithoutDeviceMapperReadsAsNoDevicesSayingWhy(@TempDir Path sysfs) throws IOException {
        KernelDm.Snapshot s = new KernelDm(sysfs, () -> new DeviceMapper.Opening.NotAvailable("/dev/mapper/control",
                "ENODEV (No such device)")).snapshot();
        assertEquals(DmState.NONE, s.state());
        assertEquals(Optional.of("device-mapper not available: /dev/mapper/control: ENODEV (No such device)"), s.notAvailable());
    }

    @Test
    void aFailedIoctlIsAnIoExceptionNamingCallDeviceAndErrno(@TempDir Path sysfs) {
        FakeDriver failing = new FakeDriver(Map.of("vg-a", info("vg-a", 1, 0)), Map.of(), Map.of(), List.of()) {
            @Override
            public Optional<Info> info(String name) throws NativeIoException {
                throw new NativeIoException("ioctl(DM_DEV_STATUS)", "/dev/mapper/control device " + name, 13);
            }
        };
        IOException e = assertThrows(IOException.class, () -> new KernelDm(sysfs, () -> new DeviceMapper.Opening.Opened(failing)).read());
        assertTrue(e.getMessage().startsWith("ioctl(DM_DEV_STATUS) /dev/mapper/control device vg-a: EACCES"), e.getMessage());
        assertTrue(failing.closed, "the control fd is closed after a failure too");
    }

    @Test
    void onThisHostWithoutDeviceMapperTheKernelStateIsEmpty() throws IOException, NativeIoException {
        DeviceMapper.Opening o = LinuxDeviceMapper.open();
        if (o instanceof DeviceMapper.Opening.Opened opened) {
            opened.deviceMapper().close();
        }
        Assumptions.assumeTrue(o instanceof DeviceMapper.Opening.NotAvailable,
                "this host has device-mapper: the live read is tested in the vmlab test (node-agent, -Pvmlab)");
        KernelDm.Snapshot s = new KernelDm(Path.of("/sys")).snapshot();
        assertEquals(DmState.NONE, s.state());
        assertTrue(s.notAvailable().orElseThrow().startsWith("device-mapper not available: /dev/mapper/control: "), s.notAvailable().get());
    }

    @Test
    void cryptAndIntegrityKeysAreHiddenAsDmsetupHidesThem() {
        assertEquals("aes-xts-plain64 0000 0 254:16 4096", KernelDm.hideKeys("crypt", "aes-xts-plain64 ab12 0 254:16 4096"));
        assertEquals("aes-xts-plain64 :64:logon:k 0 254:16 0", KernelDm.hideKeys("crypt", "aes-xts-plain64 :64:logon:k 0 254:16 0"));
        assertEquals("254:16 0 4 J 2 internal_hash:hmac(sha256):0000 journal_crypt:ctr(aes)",
                KernelDm.hideKeys("integrity", "254:16 0 4 J 2 internal_hash:hmac(sha256):beef journal_crypt:ctr(aes)"));
        assertEquals("254:16 2048", KernelDm.hideKeys("linear", "254:16 2048"));
    }
}
