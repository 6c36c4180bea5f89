package io.lvmcoord.scan.nativeio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InotifyTest {
    private static final Duration WAIT = Duration.ofSeconds(2);

    @TempDir
    Path tmp;

    @Test
    void writingAndClosingAWatchedFileReportsCloseWrite() throws Exception {
        Path file = Files.writeString(tmp.resolve("watched"), "before");
        try (Inotify inotify = Inotify.open()) {
            int wd = inotify.addWatch(file.toString(), Inotify.IN_CLOSE_WRITE);
            Files.writeString(file, "after");
            List<InotifyEvent> events = inotify.poll(WAIT);
            assertEquals(List.of(new InotifyEvent(wd, Inotify.IN_CLOSE_WRITE, 0, "")), events);
        }
    }

    @Test
    void watchedDirectoryReportsCreateRenameAndDeleteOfANamedEntry() throws Exception {
        try (Inotify inotify = Inotify.open()) {
            int wd = inotify.addWatch(tmp.toString(),
                    Inotify.IN_CREATE | Inotify.IN_MOVED_TO | Inotify.IN_DELETE | Inotify.IN_ONLYDIR);
            Path staged = Files.writeString(tmp.resolve("pv.staged"), "x");
            Files.move(staged, tmp.resolve("pv.img"));
            Files.delete(tmp.resolve("pv.img"));

            List<InotifyEvent> events = pollUntil(inotify, 3);
            assertEquals(List.of(new InotifyEvent(wd, Inotify.IN_CREATE, 0, "pv.staged"),
                    new InotifyEvent(wd, Inotify.IN_MOVED_TO, events.get(1).cookie(), "pv.img"),
                    new InotifyEvent(wd, Inotify.IN_DELETE, 0, "pv.img")), events);
            assertTrue(events.get(1).cookie() != 0, "a rename carries a cookie");
        }
    }

    @Test
    void writingToAWatchedBlockDeviceNodeReportsCloseWrite() throws Exception {
        LoopDevices.require("inotify on a device node");
        Path image = LoopDevices.sparseFile(tmp.resolve("node.img"), 1 << 20);
        String device = LoopDevices.attach(image);
        try (Inotify inotify = Inotify.open()) {
            int wd = inotify.addWatch(device, Inotify.IN_CLOSE_WRITE);
            try (FileChannel ch = FileChannel.open(Path.of(device), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[512]), 4096);
            }
            List<InotifyEvent> events = pollUntil(inotify, 1);
            assertEquals(List.of(new InotifyEvent(wd, Inotify.IN_CLOSE_WRITE, 0, "")), events);
        } finally {
            LoopDevices.detach(device);
        }
        assertFalse(LoopDevices.run("losetup", "-a").contains(image.toString()), "loop device left attached");
    }

    @Test
    void pollWithoutActivityReturnsEmptyAfterTheTimeout() throws Exception {
        try (Inotify inotify = Inotify.open()) {
            inotify.addWatch(tmp.toString(), Inotify.IN_CREATE);
            long start = System.nanoTime();
            List<InotifyEvent> events = inotify.poll(Duration.ofMillis(150));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(List.of(), events);
            assertTrue(tookMillis >= 140 && tookMillis < 1500, "poll took " + tookMillis + " ms");
        }
    }

    @Test
    void removingAWatchReportsIgnored() throws Exception {
        try (Inotify inotify = Inotify.open()) {
            int wd = inotify.addWatch(tmp.toString(), Inotify.IN_CREATE);
            inotify.removeWatch(wd);
            List<InotifyEvent> events = inotify.poll(WAIT);
            assertEquals(1, events.size());
            assertTrue(events.get(0).ignored());
            assertEquals(wd, events.get(0).wd());
        }
    }

    @Test
    void watchingAMissingPathNamesThePathAndErrno() throws Exception {
        String missing = tmp.resolve("absent").toString();
        try (Inotify inotify = Inotify.open()) {
            NativeIoException e = assertThrows(NativeIoException.class,
                    () -> inotify.addWatch(missing, Inotify.IN_CLOSE_WRITE));
            assertEquals(2, e.errno());
            assertTrue(e.getMessage().contains(missing) && e.getMessage().contains("ENOENT"), e.getMessage());
        }
    }

    @Test
    void parserReadsOverflowAndNulPaddedNamesAndDropsATruncatedTail() {
        ByteBuffer b = ByteBuffer.allocate(100).order(ByteOrder.nativeOrder());
        b.putInt(-1).putInt(Inotify.IN_Q_OVERFLOW).putInt(0).putInt(0);
        byte[] name = "sdb".getBytes(StandardCharsets.US_ASCII);
        b.putInt(3).putInt(Inotify.IN_CREATE | Inotify.IN_ISDIR).putInt(0).putInt(16).put(name).put(new byte[16 - name.length]);
        int whole = b.position();
        b.putInt(4).putInt(Inotify.IN_DELETE).putInt(0).putInt(64);

        List<InotifyEvent> events = InotifyEvent.parse(b.array(), b.position());

        assertEquals(List.of(new InotifyEvent(-1, Inotify.IN_Q_OVERFLOW, 0, ""),
                new InotifyEvent(3, Inotify.IN_CREATE | Inotify.IN_ISDIR, 0, "sdb")), events);
        assertTrue(events.get(0).overflow());
        assertFalse(events.get(1).overflow());
        assertEquals(events, InotifyEvent.parse(b.array(), whole));
        assertEquals(List.of(), InotifyEvent.parse(b.array(), 200));
    }

    @Test
    void pollingAClosedInstanceFailsFast() throws Exception {
        Inotify inotify = Inotify.open();
        inotify.close();
        inotify.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> inotify.poll(WAIT));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    private static List<InotifyEvent> pollUntil(Inotify inotify, int count) throws NativeIoException {
        List<InotifyEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (events.size() < count && System.nanoTime() < deadline) {
            events.addAll(inotify.poll(Duration.ofMillis(200)));
        }
        return events;
    }
}
