package io.lvmcoord.agent.discovery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LvmConfigWatcherTest {
    @TempDir
    Path lvm;

    @Test
    void editsInTheDirAndInADevicesSubdirCreatedLaterAreReported() throws Exception {
        LinkedBlockingQueue<String> changes = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> lost = new LinkedBlockingQueue<>();
        try (LvmConfigWatcher w = new LvmConfigWatcher(lvm, changes::add, lost::add)) {
            Files.writeString(lvm.resolve("lvm.conf"), "devices { }\n");
            assertEquals("lvm.conf", changes.poll(5, TimeUnit.SECONDS));

            // Creating and then closing a file may come as one batch or two.
            String first = changes.poll(1, TimeUnit.SECONDS);
            while (first != null) {
                assertEquals("lvm.conf", first);
                first = changes.poll(500, TimeUnit.MILLISECONDS);
            }
            Files.createDirectories(lvm.resolve("devices"));
            assertEquals("devices", changes.poll(5, TimeUnit.SECONDS));

            // lvm2 writes the devices file under another name and renames it into place.
            Path tmp = lvm.resolve("devices/system.devices_new");
            Files.writeString(tmp, "VERSION=1.1.1\n");
            Files.move(tmp, lvm.resolve("devices/system.devices"), StandardCopyOption.ATOMIC_MOVE);
            String seen = changes.poll(5, TimeUnit.SECONDS);
            while (seen != null && !seen.endsWith("devices/system.devices")) {
                seen = changes.poll(5, TimeUnit.SECONDS);
            }
            assertEquals(true, seen != null && seen.endsWith("devices/system.devices"), String.valueOf(seen));
            assertNull(lost.poll());
        }
    }
}
