package io.lvmcoord.scan.nativeio;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceNodesTest {
    @TempDir
    Path dev;

    @Test
    void everyPathToADeviceNodeIsANameExceptDotNamesAndLinkedDirs() throws IOException {
        Path node = Path.of("/dev/loop0");
        Assumptions.assumeTrue(Files.exists(node), "no /dev/loop0 on this host to point names at");
        long rdev = (Long) Files.getAttribute(node, "unix:rdev");
        Files.createSymbolicLink(dev.resolve("b-link"), node);
        Files.createSymbolicLink(dev.resolve(".hidden"), node);
        Files.createDirectories(dev.resolve("disk/by-id"));
        Files.createSymbolicLink(dev.resolve("disk/by-id/wwn-x"), node);
        Files.createSymbolicLink(dev.resolve("a-linked-dir"), dev.resolve("disk"));
        Files.writeString(dev.resolve("plain-file"), "x");

        DeviceNodes nodes = DeviceNodes.scan(List.of(dev));

        List<String> names = nodes.names(DeviceNodes.major(rdev), DeviceNodes.minor(rdev));
        assertEquals(List.of(dev.resolve("b-link").toString(), dev.resolve("disk/by-id/wwn-x").toString()), names);
        assertTrue(nodes.symlinks().containsAll(Set.copyOf(names)));
        assertEquals(List.of(), nodes.warnings());
    }

    @Test
    void aScanDirThatDoesNotExistIsWarnedAboutAsLvm2Does() {
        Path missing = dev.resolve("nope");
        assertEquals(List.of("WARNING: Cannot use dir " + missing + ", No such file or directory."),
                DeviceNodes.scan(List.of(missing)).warnings());
    }

    @Test
    void deviceNumbersDecodeAsGlibcDoes() {
        assertEquals(259, DeviceNodes.major(0x10301L));
        assertEquals(1, DeviceNodes.minor(0x10301L));
        assertEquals(8, DeviceNodes.major(0x811L));
        assertEquals(17, DeviceNodes.minor(0x811L));
        assertEquals(300, DeviceNodes.minor((300L & 0xff) | ((300L & ~0xffL) << 12) | (7L << 8)));
    }
}
