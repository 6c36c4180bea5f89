package io.lvmcoord.agent.discovery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceOpenerTest {
    @TempDir
    Path tmp;

    private static void gzip(Path to, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
            out.write(content);
        }
    }

    @Test
    void anUnchangedGzippedImageKeepsItsCopyAcrossRescansAndAChangedOneIsInflatedAgainWithTheOldCopyDeleted() throws Exception {
        Path gz = tmp.resolve("pv.img.gz");
        gzip(gz, new byte[]{1, 2, 3});
        try (DeviceOpener opener = new DeviceOpener()) {
            Path first = opener.reopen(gz.toString()).orElseThrow();
            assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(first));
            assertEquals(first, opener.reopen(gz.toString()).orElseThrow(), "unchanged: the same copy, not inflated again");

            gzip(gz, new byte[]{4, 5, 6, 7});
            // Same second on a coarse clock: the modification time still differs from the first write's.
            Files.setLastModifiedTime(gz, FileTime.fromMillis(Files.getLastModifiedTime(gz).toMillis() + 1000));
            Path second = opener.reopen(gz.toString()).orElseThrow();
            assertNotEquals(first, second);
            assertArrayEquals(new byte[]{4, 5, 6, 7}, Files.readAllBytes(second));
            assertFalse(Files.exists(first), "the copy of the old image is deleted");
            opener.close();
            assertFalse(Files.exists(second), "copies go with the opener");
        }
    }

    @Test
    void aMissingNameIsNoDeviceForARescanAndAnErrorForTheCommandLine() throws Exception {
        try (DeviceOpener opener = new DeviceOpener()) {
            String missing = tmp.resolve("gone").toString();
            assertEquals(Optional.empty(), opener.reopen(missing));
            IOException e = assertThrows(IOException.class, () -> opener.resolve(missing));
            assertEquals("No such file or directory", e.getMessage());
        }
    }

    @Test
    void aDirectoryIsRefusedAndALinkIsRefusedOnlyWhereLinksAreNotFollowed() throws Exception {
        Path img = Files.write(tmp.resolve("pv.img"), new byte[4096]);
        Path link = Files.createSymbolicLink(tmp.resolve("link"), img);
        try (DeviceOpener following = new DeviceOpener(); DeviceOpener notFollowing = new DeviceOpener(false)) {
            assertEquals("is a directory", assertThrows(IOException.class, () -> following.reopen(tmp.toString())).getMessage());
            assertEquals(link.toAbsolutePath(), following.reopen(link.toString()).orElseThrow());
            assertEquals("is a symbolic link", assertThrows(IOException.class, () -> notFollowing.reopen(link.toString())).getMessage());
            assertTrue(notFollowing.reopen(img.toString()).isPresent());
        }
    }
}
