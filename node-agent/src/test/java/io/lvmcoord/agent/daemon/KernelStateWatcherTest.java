package io.lvmcoord.agent.daemon;

import io.lvmcoord.scan.dm.DmDevice;
import io.lvmcoord.scan.dm.DmState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class KernelStateWatcherTest {

    private static DmState withDevices(int n) {
        List<DmDevice> devices = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            devices.add(new DmDevice("dm" + i, "", 253, i, 0, false, false, true, false, List.of(), List.of(), DmDevice.UNKNOWN_READ_AHEAD));
        }
        return new DmState("4.47.0", devices);
    }

    private record Read(int devices, boolean reconcile) {
    }

    private static void awaitReads(List<Read> reads, int n) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reads.size() < n && System.nanoTime() < until) {
            Thread.sleep(5);
        }
    }

    @Test
    void aBurstOfDmEventsIsOneReadAfterTheDebounceAndTheFirstReadCountsAsAReconcile() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<DmState> kernel = new AtomicReference<>(withDevices(1));
        List<Read> reads = new CopyOnWriteArrayList<>();
        try (KernelStateWatcher w = new KernelStateWatcher(() -> {
            calls.incrementAndGet();
            return kernel.get();
        }, "test", Duration.ofMillis(150), Duration.ofHours(1), (s, r) -> reads.add(new Read(s.devices().size(), r)))) {
            w.start();
            awaitReads(reads, 1);
            kernel.set(withDevices(3));
            for (int i = 0; i < 20; i++) {
                w.changed("uevent add dm-" + i);
            }
            awaitReads(reads, 2);
            Thread.sleep(300);
            assertEquals(List.of(new Read(1, true), new Read(3, false)), reads);
            assertEquals(2, calls.get());
            assertEquals(3, w.current().devices().size());
        }
    }

    @Test
    void aFailedReadKeepsTheLastStateAndSaysWhyUntilAReadSucceeds() throws Exception {
        AtomicReference<IOException> failing = new AtomicReference<>();
        List<Read> reads = new CopyOnWriteArrayList<>();
        try (KernelStateWatcher w = new KernelStateWatcher(() -> {
            if (failing.get() != null) {
                throw failing.get();
            }
            return withDevices(2);
        }, "test", Duration.ZERO, Duration.ofMillis(100), (s, r) -> reads.add(new Read(s.devices().size(), r)))) {
            w.start();
            awaitReads(reads, 1);
            failing.set(new IOException("/dev/mapper/control: Permission denied"));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (w.stats().failures() < 2 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            KernelStateWatcher.Stats failed = w.stats();
            assertEquals("/dev/mapper/control: Permission denied", failed.lastFailure());
            assertEquals(2, failed.devices());
            assertEquals(2, w.current().devices().size());
            int before = reads.size();
            failing.set(null);
            awaitReads(reads, before + 1);
            assertNull(w.stats().lastFailure());
            assertEquals(new Read(2, true), reads.get(reads.size() - 1));
        }
    }
}
