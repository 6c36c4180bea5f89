package io.lvmcoord.scan;

import io.lvmcoord.scan.codec.DecodeError;
import io.lvmcoord.scan.codec.DeviceScan;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hung devices, for real: a FIFO whose writer stays open but never writes blocks a reader
 * forever, as a dead LUN does. Ten of them among 200 healthy images must not delay the healthy
 * results, must each be reported TIMED_OUT, and the whole scan must take about one deadline.
 */
class HungDeviceTest {
    private static final int HEALTHY = 200;
    private static final int HUNG = 10;
    private static final Duration DEADLINE = Duration.ofSeconds(3);

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "pread"})
    void hungDevicesTimeOutInParallelAndNeverDelayHealthyOnes(String engine) throws Exception {
        byte[] head = ScanTestSupport.head("s01-single-linear", "pv1.img", 8192);
        List<DeviceTarget> targets = new ArrayList<>();
        List<RandomAccessFile> writers = new ArrayList<>();
        for (int i = 0; i < HEALTHY; i++) {
            Path img = tmp.resolve("img" + i);
            ScanTestSupport.writeHead(head, img, 4L << 20);
            targets.add(DeviceTarget.of(img.toString()));
            if (i % (HEALTHY / HUNG) == 0) {
                Path fifo = tmp.resolve("hung" + i);
                Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
                assertEquals(0, p.waitFor(), "mkfifo " + fifo);
                // O_RDWR on a FIFO does not block on Linux; holding it makes every read wait forever.
                writers.add(new RandomAccessFile(fifo.toFile(), "rw"));
                targets.add(DeviceTarget.of(fifo.toString()));
            }
        }
        try (LocalScanner scanner = LocalScanner.start(ScanTestSupport.config(engine, "lvmcoord.scan.io-deadline = "
                + DEADLINE.toMillis() + "ms"))) {
            AtomicInteger done = new AtomicInteger();
            AtomicLong healthyDoneAt = new AtomicLong();
            long t0 = System.nanoTime();
            Thread watcher = new Thread(() -> {
                while (done.get() < HEALTHY && System.nanoTime() - t0 < DEADLINE.toNanos() * 4) {
                    Thread.onSpinWait();
                }
                healthyDoneAt.set(System.nanoTime() - t0);
            });
            watcher.setDaemon(true);
            watcher.start();
            ScanFleet.FleetResult r = scanner.scan(targets, done, Duration.ofSeconds(60));
            long elapsed = System.nanoTime() - t0;
            watcher.join(1000);

            int healthy = 0;
            int timedOut = 0;
            for (int i = 0; i < targets.size(); i++) {
                DeviceScan s = r.outcomes().get(i);
                if (targets.get(i).name().contains("hung")) {
                    DeviceScan.DeviceFault f = assertInstanceOf(DeviceScan.DeviceFault.class, s, targets.get(i).name());
                    assertEquals(DecodeError.Kind.TIMED_OUT, f.error().kind(), f.error().toString());
                    timedOut++;
                } else {
                    assertInstanceOf(DeviceScan.PvScan.class, s, targets.get(i).name());
                    healthy++;
                }
            }
            assertEquals(HEALTHY, healthy);
            assertEquals(HUNG, timedOut);
            assertTrue(healthyDoneAt.get() < DEADLINE.toNanos(),
                    "all healthy results arrived before the deadline: " + healthyDoneAt.get() / 1_000_000 + " ms");
            assertTrue(elapsed < DEADLINE.toNanos() * 2,
                    "hung devices time out in parallel: scan took " + elapsed / 1_000_000 + " ms for a " + DEADLINE.toMillis() + " ms deadline");
            assertEquals(HUNG, scanner.scheduler().stats().timeouts());
        } finally {
            // Closing the writers ends the blocked reads (EOF), releasing pread threads and ring slots.
            for (RandomAccessFile w : writers) {
                w.close();
            }
        }
    }
}
