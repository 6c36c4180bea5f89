package io.lvmcoord.scan;

import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.io.IoScheduler;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While many devices are scanned, the read buffers held stay within max-bytes-in-flight; after
 * the scan, the I/O memory still held is the pool's bound, not a 128 KiB head buffer per device:
 * by the scheduler's own count and by the JVM's direct-memory pool.
 */
class ScanBufferMemoryTest {
    private static final int DEVICES = 200;
    private static final long POOL = 512 << 10;
    private static final long MAX_BYTES = 4 << 20;
    private static final int HEAD = 128 * 1024;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "pread"})
    void afterScansOfManyDevicesOnlyThePoolsBoundOfIoMemoryIsHeld(String engine) throws Exception {
        byte[] head = ScanTestSupport.head("s01-single-linear", "pv1.img", 8192);
        List<DeviceTarget> targets = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            Path img = tmp.resolve("img" + i);
            ScanTestSupport.writeHead(head, img, 4L << 20);
            targets.add(DeviceTarget.of(img.toString()));
        }
        String overrides = "lvmcoord.scan { head-read = " + HEAD + ", max-bytes-in-flight = " + MAX_BYTES
                + ", buffer-pool-bytes = " + POOL + " }";
        try (LocalScanner scanner = LocalScanner.start(ScanTestSupport.config(engine, overrides))) {
            long directBefore = directMemoryUsed();
            for (int round = 0; round < 3; round++) {
                ScanFleet.FleetResult r = scanner.scan(targets, null, Duration.ofMinutes(2));
                assertEquals(DEVICES, r.outcomes().stream().filter(s -> s instanceof DeviceScan.PvScan).count(), "round " + round);
                IoScheduler.Stats st = scanner.scheduler().awaitQuiet(Duration.ofSeconds(5));
                assertEquals((round + 1L) * DEVICES, st.reads(), "one head read per device, no follow-ups");
                assertTrue(st.maxObservedHeldBytes() <= MAX_BYTES, "at most " + st.maxObservedHeldBytes()
                        + " bytes of buffers were held at once during the scan; limit " + MAX_BYTES
                        + " (one head per device would be " + (long) DEVICES * HEAD + ")");
                assertTrue(st.maxObservedHeldBytes() >= 4 * POOL,
                        "the scan held " + st.maxObservedHeldBytes() + " bytes at once, well above the pool, so the bound is tested");
                assertEquals(0, st.buffersOutstanding(), "every scan released its buffers, round " + round);
                assertTrue(st.pooledBytes() <= POOL, "pooled " + st.pooledBytes());
                // Each pooled buffer costs its capacity plus at most one alignment block of slack.
                long heldBound = POOL + (POOL / HEAD) * 4096;
                assertTrue(st.bufferBytes() <= heldBound, "round " + round + ": " + st.bufferBytes()
                        + " bytes of I/O buffers held after scanning " + DEVICES + " devices; bound " + heldBound
                        + " (one head per device would be " + (long) DEVICES * HEAD + ")");
                assertTrue(st.buffersFreed() > 0);
                long directGrowth = directMemoryUsed() - directBefore;
                assertTrue(directGrowth <= heldBound + (256 << 10), "JVM direct memory grew by " + directGrowth
                        + " bytes over round " + round + "; one head per device would be " + (long) DEVICES * HEAD);
            }
        }
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }
}
