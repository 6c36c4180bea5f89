package io.lvmcoord.scan.nativeio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnixDatagramSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void datagramSentToAnAbstractNameArrivesWhole() throws Exception {
        UnixSocketAddress name = UnixSocketAddress.parse("@lvmcoord-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try (UnixDatagramSocket receiver = UnixDatagramSocket.open(); UnixDatagramSocket sender = UnixDatagramSocket.open()) {
            receiver.bind(name);

            sender.send(name, "READY=1\nSTATUS=serving".getBytes(StandardCharsets.UTF_8));
            sender.send(name, "WATCHDOG=1".getBytes(StandardCharsets.UTF_8));

            assertEquals("READY=1\nSTATUS=serving", new String(receiver.receive(WAIT).orElseThrow(), StandardCharsets.UTF_8));
            assertEquals("WATCHDOG=1", new String(receiver.receive(WAIT).orElseThrow(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void datagramSentToAPathArrives() throws Exception {
        UnixSocketAddress path = UnixSocketAddress.parse(tmp.resolve("notify").toString());
        try (UnixDatagramSocket receiver = UnixDatagramSocket.open(); UnixDatagramSocket sender = UnixDatagramSocket.open()) {
            receiver.bind(path);

            sender.send(path, "STOPPING=1".getBytes(StandardCharsets.UTF_8));

            assertEquals("STOPPING=1", new String(receiver.receive(WAIT).orElseThrow(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void receiveWithNothingSentReturnsEmptyAfterItsTimeout() throws Exception {
        try (UnixDatagramSocket receiver = UnixDatagramSocket.open()) {
            receiver.bind(UnixSocketAddress.parse(tmp.resolve("quiet").toString()));
            long started = System.nanoTime();

            assertTrue(receiver.receive(Duration.ofMillis(200)).isEmpty());
            assertTrue(System.nanoTime() - started >= Duration.ofMillis(150).toNanos());
        }
    }

    @Test
    void sendToAPathNobodyBoundFailsAtOnceWithEnoent() throws Exception {
        UnixSocketAddress nobody = UnixSocketAddress.parse(tmp.resolve("absent").toString());
        try (UnixDatagramSocket sender = UnixDatagramSocket.open()) {
            NativeIoException e = assertThrows(NativeIoException.class, () -> sender.send(nobody, new byte[] {'x'}));

            assertEquals("sendto", e.call());
            assertEquals(2, e.errno());
            assertTrue(e.getMessage().contains(nobody.toString()), e.getMessage());
        }
    }

    @Test
    void sendToAnUnboundAbstractNameIsRefused() throws Exception {
        UnixSocketAddress nobody = UnixSocketAddress.parse("@lvmcoord-nobody-" + System.nanoTime());
        try (UnixDatagramSocket sender = UnixDatagramSocket.open()) {
            NativeIoException e = assertThrows(NativeIoException.class, () -> sender.send(nobody, new byte[] {'x'}));

            assertEquals(111, e.errno()); // ECONNREFUSED
        }
    }
}
