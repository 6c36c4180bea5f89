package io.lvmcoord.agent.discovery;

import io.lvmcoord.scan.DeviceTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class DirectorySourceTest {
    @TempDir
    Path tmp;

    @Test
    void symbolicLinksAreNotDevicesWhateverTheyPointTo() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("devices"));
        Path secret = Files.writeString(tmp.resolve("shadow"), "root:$6$...\n");
        Path image = Files.write(dir.resolve("disk1.img"), new byte[4096]);
        Files.createSymbolicLink(dir.resolve("link-to-file"), secret);
        Files.createSymbolicLink(dir.resolve("link-to-image"), image);
        Files.createSymbolicLink(dir.resolve("link-to-disk"), Path.of("/dev/null"));

        try (DirectorySource source = new DirectorySource(dir, false)) {
            assertEquals(List.of(new DeviceTarget(image.toString(), image.toString(), false)), source.enumerate());
            for (String link : List.of("link-to-file", "link-to-image", "link-to-disk")) {
                assertEquals(Optional.empty(), source.target(dir.resolve(link).toString()), link);
            }
            DeviceTarget found = source.target(image.toString()).orElseThrow();
            assertEquals(image.toString(), found.path());
            assertFalse(found.followLinks(), "opened with O_NOFOLLOW: a swap for a link after the listing fails the open");
        }
    }
}
