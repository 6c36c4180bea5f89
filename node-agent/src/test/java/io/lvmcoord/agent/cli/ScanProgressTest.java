package io.lvmcoord.agent.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress bar of long direct-mode scans (`scan --progress`, pvs/vgs/lvs --devices on a terminal). */
class ScanProgressTest {

    @Test
    void barShowsDevicesDoneOutOfTotalAndIsErasedAtTheEnd() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicInteger done = new AtomicInteger(1);
        CliScanning.Progress progress = CliScanning.Progress.start(out, done, 4, Duration.ZERO);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!bytes.toString(StandardCharsets.UTF_8).contains("1/4 devices") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        done.set(3);
        while (!bytes.toString(StandardCharsets.UTF_8).contains("3/4 devices") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        progress.stop();
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        // 40 columns: a quarter and three quarters filled.
        assertTrue(drawn.contains("\r[" + "=".repeat(10) + " ".repeat(30) + "] 1/4 devices"), drawn);
        assertTrue(drawn.contains("\r[" + "=".repeat(30) + " ".repeat(10) + "] 3/4 devices"), drawn);
        assertTrue(drawn.endsWith("\r" + " ".repeat(70) + "\r"), "the bar is erased: " + drawn);
    }

    @Test
    void aScanShorterThanTheDelayDrawsNothing() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CliScanning.Progress progress = CliScanning.Progress.start(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new AtomicInteger(2), 2, CliScanning.Progress.SHOW_AFTER);
        Thread.sleep(300);
        progress.stop();
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void noBarWhenStandardErrorIsNotATerminal() {
        // Surefire's forked JVM writes stderr to a pipe, as a script's pvs does.
        assertNull(CliScanning.Progress.start(new PrintStream(new ByteArrayOutputStream()), new AtomicInteger(), 10));
    }
}
