package io.lvmcoord.scan;

import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.io.IoScheduler;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With 2000 devices and small caps, in-flight I/Os and bytes never exceed the caps, and no buffer leaks. */
class ScanLimitsTest {
    private static final int DEVICES = 2000;
    private static final int MAX_IOS = 4;
    private static final long MAX_BYTES = 256 * 1024;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "pread"})
    void limitsHoldAndBuffersComeBackOverRepeatedScans(String engine) throws Exception {
        byte[] head = ScanTestSupport.head("s01-single-linear", "pv1.img", 8192);
        List<DeviceTarget> targets = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            Path img = tmp.resolve("img" + i);
            ScanTestSupport.writeHead(head, img, 4L << 20);
            targets.add(DeviceTarget.of(img.toString()));
        }
        String overrides = "lvmcoord.scan { max-ios-in-flight = " + MAX_IOS + ", max-bytes-in-flight = " + MAX_BYTES + " }";
        try (LocalScanner scanner = LocalScanner.start(ScanTestSupport.config(engine, overrides))) {
            for (int round = 0; round < 3; round++) {
                ScanFleet.FleetResult r = scanner.scan(targets, null, Duration.ofMinutes(3));
                assertEquals(DEVICES, r.outcomes().stream().filter(s -> s instanceof DeviceScan.PvScan).count(), "round " + round);
                // Closes are sent after the outcome, in the background: let them drain.
                IoScheduler.Stats st = scanner.scheduler().stats();
                long until = System.nanoTime() + 5_000_000_000L;
                while ((st.inFlightIos() > 0 || st.queued() > 0) && System.nanoTime() < until) {
                    Thread.sleep(10);
                    st = scanner.scheduler().stats();
                }
                assertTrue(st.maxObservedIos() <= MAX_IOS, "max in-flight I/Os " + st.maxObservedIos());
                assertTrue(st.maxObservedBytes() <= MAX_BYTES, "max in-flight bytes " + st.maxObservedBytes());
                assertEquals(MAX_IOS, st.maxObservedIos(), "the cap was reached, so it was tested");
                assertEquals(0, st.buffersOutstanding(), "buffers outstanding after round " + round);
                assertEquals(0, st.inFlightIos());
                assertEquals(0, st.queued());
                assertEquals((round + 1L) * DEVICES, st.reads(), "one read per device per scan");
            }
        }
    }
}
