package io.lvmcoord.scan.nativeio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class UeventSocketTest {
    private static final int RECEIVE_BUFFER = 4 << 20;
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void kernelMessageIsParsedIntoItsFields() {
        byte[] msg = message("change@/devices/virtual/block/loop3", "ACTION=change",
                "DEVPATH=/devices/virtual/block/loop3", "SUBSYSTEM=block", "MAJOR=7", "MINOR=3", "DEVNAME=loop3",
                "DEVTYPE=disk", "DISKSEQ=12", "SEQNUM=4711");

        Uevent e = Uevent.parse(msg, msg.length).orElseThrow();

        assertEquals(new Uevent("change", "/devices/virtual/block/loop3", "block", "loop3", "disk", 7, 3, 4711,
                Map.of("ACTION", "change", "DEVPATH", "/devices/virtual/block/loop3", "SUBSYSTEM", "block",
                        "MAJOR", "7", "MINOR", "3", "DEVNAME", "loop3", "DEVTYPE", "disk", "DISKSEQ", "12",
                        "SEQNUM", "4711")), e);
        assertFalse(e.overflow());
    }

    @Test
    void eventWithoutDeviceNumbersReadsThemAsMinusOne() {
        byte[] msg = message("add@/module/loop", "ACTION=add", "DEVPATH=/module/loop", "SUBSYSTEM=module", "SEQNUM=9");

        Uevent e = Uevent.parse(msg, msg.length).orElseThrow();

        assertEquals("module", e.subsystem());
        assertEquals(-1, e.major());
        assertEquals(-1, e.minor());
        assertEquals(null, e.devname());
        assertEquals(9, e.seqnum());
    }

    @Test
    void onlyTheGivenLengthIsParsed() {
        byte[] msg = message("remove@/devices/virtual/block/loop0", "SUBSYSTEM=block", "MAJOR=7");
        byte[] padded = new byte[msg.length + 64];
        System.arraycopy(msg, 0, padded, 0, msg.length);
        padded[msg.length] = 'X';
        padded[msg.length + 1] = '=';

        Uevent e = Uevent.parse(padded, msg.length).orElseThrow();

        assertEquals(Map.of("SUBSYSTEM", "block", "MAJOR", "7"), e.env());
    }

    @Test
    void udevRebroadcastsAndMalformedMessagesAreIgnored() {
        byte[] udev = message("libudev", "ACTION=add");
        assertEquals(Optional.empty(), Uevent.parse(udev, udev.length));
        byte[] noAt = message("change/devices/virtual/block/loop0", "SUBSYSTEM=block");
        assertEquals(Optional.empty(), Uevent.parse(noAt, noAt.length));
        byte[] noAction = message("@/devices/x");
        assertEquals(Optional.empty(), Uevent.parse(noAction, noAction.length));
        byte[] noDevpath = message("add@");
        assertEquals(Optional.empty(), Uevent.parse(noDevpath, noDevpath.length));
        assertEquals(Optional.empty(), Uevent.parse(new byte[0], 0));
        assertEquals(Optional.empty(), Uevent.parse(null, 10));
        assertEquals(Optional.empty(), Uevent.parse(new byte[4], 5));
        assertEquals(Optional.empty(), Uevent.parse(new byte[4], -1));
        assertEquals(Optional.empty(), Uevent.parse(new byte[]{(byte) 0xff, (byte) 0xfe, 0}, 3));
    }

    @Test
    void garbageValuesAndEntriesWithoutEqualsDoNotThrow() {
        byte[] msg = message("add@/devices/x", "MAJOR=seven", "MINOR=99999999999", "SEQNUM=-4", "NOEQUALS", "=v",
                "EMPTY=");
        byte[] truncated = new byte[msg.length + 3];
        System.arraycopy(msg, 0, truncated, 0, msg.length);
        truncated[msg.length] = (byte) 0xc3;

        Uevent e = Uevent.parse(truncated, truncated.length).orElseThrow();

        assertEquals(-1, e.major());
        assertEquals(-1, e.minor());
        assertEquals(-1, e.seqnum());
        assertEquals(Map.of("MAJOR", "seven", "MINOR", "99999999999", "SEQNUM", "-4", "EMPTY", ""), e.env());
    }

    @Test
    void receiveBufferIsForcedToTheRequestedSize() throws Exception {
        LoopDevices.require("forced uevent receive buffer");
        try (UeventSocket socket = UeventSocket.open(RECEIVE_BUFFER)) {
            // The kernel reports twice the granted size; root may exceed net.core.rmem_max.
            assertEquals(2 * RECEIVE_BUFFER, socket.receiveBufferBytes());
        }
    }

    @Test
    void attachingAndDetachingALoopDeviceProducesUevents() throws Exception {
        LoopDevices.require("live uevent test");
        Path image = LoopDevices.sparseFile(tmp.resolve("uevent.img"), 1 << 20);
        String device = null;
        try (UeventSocket socket = UeventSocket.open(RECEIVE_BUFFER)) {
            device = LoopDevices.attach(image);
            String name = device.substring("/dev/".length());
            Predicate<Uevent> onDevice = e -> name.equals(e.devname()) && e.devpath().endsWith("/" + name);

            Uevent attached = awaitEvent(socket, onDevice);
            assertTrue(List.of("add", "change").contains(attached.action()), attached.toString());
            assertEquals("block", attached.subsystem());
            assertEquals(7, attached.major());
            assertTrue(attached.seqnum() > 0, attached.toString());

            LoopDevices.detach(device);
            device = null;
            Uevent detached = awaitEvent(socket, onDevice);
            assertTrue(List.of("remove", "change").contains(detached.action()), detached.toString());
            assertTrue(detached.seqnum() > attached.seqnum(), detached + " after " + attached);
        } finally {
            if (device != null) {
                LoopDevices.detach(device);
            }
        }
        assertFalse(LoopDevices.run("losetup", "-a").contains(image.toString()), "loop device left attached");
    }

    @Test
    void eventsDroppedByAFullReceiveBufferSurfaceAsOverflow() throws Exception {
        LoopDevices.require("uevent overflow test");
        Path image = LoopDevices.sparseFile(tmp.resolve("storm.img"), 1 << 20);
        // The smallest buffer the kernel allows holds about one uevent, so a few unread ones overrun it.
        try (UeventSocket socket = UeventSocket.open(1)) {
            for (int i = 0; i < 3; i++) {
                LoopDevices.detach(LoopDevices.attach(image));
            }
            List<Uevent> events = drain(socket);
            assertTrue(events.stream().anyMatch(Uevent::overflow), "no overflow marker in " + events);
        }
        assertFalse(LoopDevices.run("losetup", "-a").contains(image.toString()), "loop device left attached");
    }

    private static Uevent awaitEvent(UeventSocket socket, Predicate<Uevent> wanted) throws NativeIoException {
        List<Uevent> seen = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Uevent e : socket.poll(Duration.ofMillis(200))) {
                if (wanted.test(e)) {
                    return e;
                }
                seen.add(e);
            }
        }
        return fail("no matching uevent within " + WAIT + "; saw " + seen);
    }

    private static List<Uevent> drain(UeventSocket socket) throws NativeIoException {
        List<Uevent> events = new ArrayList<>();
        List<Uevent> batch;
        do {
            batch = socket.poll(Duration.ofMillis(300));
            events.addAll(batch);
        } while (!batch.isEmpty());
        return events;
    }

    private static byte[] message(String header, String... env) {
        StringBuilder b = new StringBuilder(header).append('\0');
        for (String kv : env) {
            b.append(kv).append('\0');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
