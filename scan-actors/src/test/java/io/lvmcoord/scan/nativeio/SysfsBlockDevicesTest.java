package io.lvmcoord.scan.nativeio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SysfsBlockDevicesTest {
    @TempDir
    Path sys;

    @Test
    void fakeTreeIsReadIntoDeviceInfo() throws IOException {
        Path block = fakeTree();

        List<BlockDeviceInfo> devices = SysfsBlockDevices.list(block);

        assertEquals(List.of(
                new BlockDeviceInfo("cciss!c0d0", "/dev/cciss/c0d0", 104, 0, 2048 * 512L, false, false, false, null,
                        null, List.of(), List.of()),
                new BlockDeviceInfo("dm-3", "/dev/dm-3", 253, 3, 8 * 512L, false, true, false, "vg0-lv0",
                        "LVM-abcdef", List.of(), List.of("sdb1"),
                        new BlockDeviceInfo.IdAttributes(0, null, null, "LVM-abcdef", null, null)),
                new BlockDeviceInfo("dm-4", "/dev/dm-4", 253, 4, 512L, false, false, false, "plain", null, List.of(),
                        List.of()),
                new BlockDeviceInfo("loop0", "/dev/loop0", 7, 0, 0, false, false, false, null, null, List.of(),
                        List.of()),
                new BlockDeviceInfo("sdb", "/dev/sdb", 8, 16, 4096 * 512L, false, false, true, null, null, List.of(),
                        List.of()),
                new BlockDeviceInfo("sdb1", "/dev/sdb1", 8, 17, 4000 * 512L, true, false, false, null, null,
                        List.of("dm-3"), List.of(), new BlockDeviceInfo.IdAttributes(1, null, null, null, null, null))), devices);
    }

    @Test
    void idAttributesAreReadAndAPartitionTakesItsDisksWhereItHasNone() throws IOException {
        Path block = Files.createDirectories(sys.resolve("class/block"));
        Path sda = device(Files.createDirectories(sys.resolve("devices/pci0/host0")), "sda", "8:0", "4096");
        Files.createDirectories(sda.resolve("device"));
        Files.writeString(sda.resolve("device/wwid"), "naa.6001405abc  \n");
        Files.writeString(sda.resolve("device/serial"), "S123\n");
        Path sda1 = device(sda, "sda1", "8:1", "2048");
        Files.writeString(sda1.resolve("partition"), "1\n");
        Files.createSymbolicLink(block.resolve("sda"), sda);
        Files.createSymbolicLink(block.resolve("sda1"), sda1);
        Path loop = device(block, "loop3", "7:3", "2048");
        Files.createDirectories(loop.resolve("loop"));
        Files.writeString(loop.resolve("loop/backing_file"), "/var/img/a b.img\n");
        Path md = device(block, "md0", "9:0", "2048");
        Files.createDirectories(md.resolve("md"));
        Files.writeString(md.resolve("md/uuid"), "1a2b:3c4d\n");

        assertEquals(new BlockDeviceInfo.IdAttributes(1, "naa.6001405abc", "S123", null, null, null),
                SysfsBlockDevices.read(block, "sda1").orElseThrow().ids());
        assertEquals(new BlockDeviceInfo.IdAttributes(0, null, null, null, null, "/var/img/a b.img"),
                SysfsBlockDevices.read(block, "loop3").orElseThrow().ids());
        assertEquals(new BlockDeviceInfo.IdAttributes(0, null, null, null, "1a2b:3c4d", null),
                SysfsBlockDevices.read(block, "md0").orElseThrow().ids());
    }

    @Test
    void entriesThatVanishedOrAreUnreadableAreSkipped() throws IOException {
        Path block = fakeTree();
        // A device removed between listing and reading leaves a dangling class symlink.
        Files.createSymbolicLink(block.resolve("sdz"), sys.resolve("devices/gone/sdz"));
        device(block, "nodev", null, "8");
        device(block, "badnumbers", "x:y", "8");
        device(block, "majorzero", "0:5", "8");

        List<String> names = SysfsBlockDevices.list(block).stream().map(BlockDeviceInfo::name).toList();

        assertEquals(List.of("cciss!c0d0", "dm-3", "dm-4", "loop0", "sdb", "sdb1"), names);
        assertEquals(Optional.empty(), SysfsBlockDevices.read(block, "sdz"));
        assertEquals(Optional.empty(), SysfsBlockDevices.read(block, "never-existed"));
    }

    @Test
    void readingOneDeviceByNameMatchesTheListing() throws IOException {
        Path block = fakeTree();

        BlockDeviceInfo sdb1 = SysfsBlockDevices.read(block, "sdb1").orElseThrow();

        assertTrue(sdb1.partition());
        assertEquals(List.of("dm-3"), sdb1.holders());
        assertFalse(sdb1.deviceMapper());
        assertTrue(SysfsBlockDevices.read(block, "dm-3").orElseThrow().deviceMapper());
    }

    @Test
    void missingClassDirectoryFailsNamingIt() {
        Path missing = sys.resolve("class/block");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SysfsBlockDevices.list(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void realSysfsListsDevicesWithDeviceNumbers() throws IOException {
        List<BlockDeviceInfo> devices = SysfsBlockDevices.list(SysfsBlockDevices.SYS_CLASS_BLOCK);

        assertFalse(devices.isEmpty(), "no block devices in /sys/class/block");
        for (BlockDeviceInfo d : devices) {
            assertTrue(d.major() > 0 && d.minor() >= 0, d.toString());
            assertEquals("/dev/" + d.name().replace('!', '/'), d.devNode());
            assertTrue(d.sizeBytes() >= 0 && d.sizeBytes() % 512 == 0, d.toString());
        }
    }

    private Path fakeTree() throws IOException {
        Path block = Files.createDirectories(sys.resolve("class/block"));
        Path sdb = device(block, "sdb", "8:16", "4096");
        Files.writeString(sdb.resolve("removable"), "1\n");
        Path sdb1 = device(block, "sdb1", "8:17", "4000");
        Files.writeString(sdb1.resolve("partition"), "1\n");
        Files.delete(sdb1.resolve("slaves"));
        Files.createDirectories(sdb1.resolve("holders/dm-3"));
        Path dm3 = device(block, "dm-3", "253:3", "8");
        Files.writeString(dm3.resolve("ro"), "1\n");
        Files.createDirectories(dm3.resolve("dm"));
        Files.writeString(dm3.resolve("dm/name"), "vg0-lv0\n");
        Files.writeString(dm3.resolve("dm/uuid"), "LVM-abcdef\n");
        Files.createDirectories(dm3.resolve("slaves/sdb1"));
        Path dm4 = device(block, "dm-4", "253:4", "1");
        Files.createDirectories(dm4.resolve("dm"));
        Files.writeString(dm4.resolve("dm/name"), "plain\n");
        Files.writeString(dm4.resolve("dm/uuid"), "\n");
        device(block, "loop0", "7:0", "0");
        // The real class directory holds symlinks into /sys/devices.
        Path target = device(Files.createDirectories(sys.resolve("devices/cciss")), "cciss!c0d0", "104:0", "2048");
        Files.createSymbolicLink(block.resolve("cciss!c0d0"), target);
        return block;
    }

    private static Path device(Path parent, String name, String dev, String sectors) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name));
        if (dev != null) {
            Files.writeString(dir.resolve("dev"), dev + "\n");
        }
        Files.writeString(dir.resolve("size"), sectors + "\n");
        Files.writeString(dir.resolve("ro"), "0\n");
        Files.writeString(dir.resolve("removable"), "0\n");
        Files.createDirectories(dir.resolve("holders"));
        Files.createDirectories(dir.resolve("slaves"));
        return dir;
    }
}
