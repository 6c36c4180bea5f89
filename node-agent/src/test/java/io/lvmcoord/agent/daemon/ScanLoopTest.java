package io.lvmcoord.agent.daemon;

import com.typesafe.config.ConfigFactory;
import io.lvmcoord.agent.discovery.DeviceEvent;
import io.lvmcoord.agent.discovery.DeviceSource;
import io.lvmcoord.scan.DeviceTarget;
import io.lvmcoord.scan.ScanFleet;
import io.lvmcoord.scan.codec.DeviceScan;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scan loop's orchestration with a source, scan actors and reporter that record what they are
 * asked: batching, coalescing, storms, read-your-writes, removals and retries.
 */
class ScanLoopTest {
    private static final long T = 10;
    private final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "scan-loop-test");
    private final FakeSource source = new FakeSource();
    /** Every batch's device names, in order. */
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final List<String> forgotten = new CopyOnWriteArrayList<>();
    private final AtomicInteger failReports = new AtomicInteger();
    /** Whether a report counts as a change of an aggregate (pacing). */
    private volatile boolean reportsChange = true;
    /** When set, reports complete only when the test completes this. */
    private volatile CompletableFuture<Void> reportGate;

    @AfterEach
    void stop() {
        system.terminate();
    }

    private ScanLoop loop(String overrides) {
        AgentSettings settings = AgentSettings.from(ConfigFactory.parseString("lvmcoord.agent.node-name = t\n" + overrides)
                .withFallback(ConfigFactory.load()));
        return ScanLoop.spawn(system, settings, Duration.ofSeconds(5), new LatencyHistogram());
    }

    private void start(ScanLoop loop) {
        loop.start(source, this::scan, reports, null);
    }

    private CompletionStage<ScanFleet.FleetResult> scan(List<DeviceTarget> devices, Duration budget) {
        List<String> names = devices.stream().map(DeviceTarget::name).toList();
        batches.add(names);
        List<DeviceScan> outcomes = new ArrayList<>();
        names.forEach(n -> outcomes.add(new DeviceScan.NotAPv(n, 1 << 20, null)));
        return CompletableFuture.completedFuture(new ScanFleet.FleetResult(outcomes, new int[names.size()], 0));
    }

    private final ScanBatch.Reports reports = new ScanBatch.Reports() {
        private final AtomicLong changes = new AtomicLong();

        @Override
        public CompletionStage<Void> report(List<DeviceScan> outcomes) {
            if (failReports.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("journal unavailable"));
            }
            CompletableFuture<Void> gate = reportGate;
            return (gate == null ? CompletableFuture.<Void>completedFuture(null) : gate).thenRun(() -> {
                outcomes.forEach(o -> reported.add(o.device()));
                if (reportsChange) {
                    changes.incrementAndGet();
                }
            });
        }

        @Override
        public CompletionStage<Void> forget(String device) {
            forgotten.add(device);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Set<String> devices() {
            return Set.copyOf(reported);
        }

        @Override
        public long changes() {
            return changes.get();
        }
    };

    /** Devices d0..d(n-1), offered as regular files by name. */
    private static final class FakeSource implements DeviceSource {
        final Map<String, DeviceTarget> devices = new ConcurrentHashMap<>();

        void add(int n) {
            for (int i = 0; i < n; i++) {
                devices.put("d" + i, new DeviceTarget("d" + i, "/dev/null", false));
            }
        }

        @Override
        public String describe() {
            return "fake devices";
        }

        @Override
        public List<DeviceTarget> enumerate() {
            return List.copyOf(new TreeMap<>(devices).values());
        }

        @Override
        public Optional<DeviceTarget> target(String name) {
            return Optional.ofNullable(devices.get(name));
        }

        @Override
        public void start(Consumer<DeviceEvent> sink) {
        }

        @Override
        public void close() {
        }
    }

    private static void await(CompletableFuture<?> f) throws Exception {
        f.get(T, TimeUnit.SECONDS);
    }

    @Test
    void startUpScanReadsEveryDeviceOnceAndCompletesTheFirstFullRescan() throws Exception {
        source.add(3);
        ScanLoop loop = loop("");
        start(loop);
        await(loop.firstFullRescan());
        assertEquals(List.of(List.of("d0", "d1", "d2")), batches);
        assertEquals(List.of("d0", "d1", "d2"), reported);
        assertEquals(1, loop.stats().fullRescans());
    }

    @Test
    void stormOfEventsForOneDeviceCostsOneRead() throws Exception {
        source.add(3);
        ScanLoop loop = loop("lvmcoord.agent.coalesce-window = 200ms");
        start(loop);
        await(loop.firstFullRescan());
        for (int i = 0; i < 50; i++) {
            loop.offer(new DeviceEvent.Changed("d1", "close-write"));
        }
        await(loop.notify(List.of(), false));
        assertEquals(List.of(List.of("d0", "d1", "d2"), List.of("d1")), batches);
        assertEquals(49, loop.stats().coalesced());
    }

    @Test
    void notificationCompletesOnlyOnceItsReportsArePersisted() throws Exception {
        source.add(2);
        ScanLoop loop = loop("");
        start(loop);
        await(loop.firstFullRescan());
        reportGate = new CompletableFuture<>();
        CompletableFuture<Void> done = loop.notify(List.of("d0"), false);
        Thread.sleep(300);
        assertFalse(done.isDone(), "acknowledged before the report was persisted");
        reportGate.complete(null);
        await(done);
        assertEquals(List.of("d0", "d1", "d0"), reported);
    }

    @Test
    void moreDirtyDevicesThanTheCapBecomeOneFullRescan() throws Exception {
        source.add(10);
        ScanLoop loop = loop("lvmcoord.agent.max-pending-devices = 4\nlvmcoord.agent.coalesce-window = 300ms");
        start(loop);
        await(loop.firstFullRescan());
        for (int i = 0; i < 10; i++) {
            loop.offer(new DeviceEvent.Changed("d" + i, "uevent"));
        }
        await(loop.notify(List.of(), false));
        assertEquals(2, loop.stats().fullRescans());
        assertEquals(2, batches.size(), "one start-up scan and one full rescan, not one read per event: " + batches);
        assertEquals(10, batches.get(1).size());
    }

    @Test
    void removedDeviceIsForgottenWithoutBeingRead() throws Exception {
        source.add(2);
        ScanLoop loop = loop("");
        start(loop);
        await(loop.firstFullRescan());
        source.devices.remove("d1");
        await(loop.notify(List.of("d1"), true));
        assertEquals(List.of("d1"), forgotten);
        assertEquals(1, batches.size());
    }

    @Test
    void failedBatchFailsItsCallersAndIsTriedAgainWithItsDevices() throws Exception {
        source.add(2);
        ScanLoop loop = loop("");
        start(loop);
        await(loop.firstFullRescan());
        failReports.set(1);
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(loop.notify(List.of("d1"), false)));
        assertTrue(e.getCause().getMessage().contains("journal unavailable"), e.getCause().toString());
        // Kept and tried again after the pause: read twice in all, reported once.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(T);
        while (Collections.frequency(reported, "d1") < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(2, Collections.frequency(reported, "d1"), "start-up report and the retried one: " + reported);
        assertEquals(List.of("d1"), batches.get(2));
    }

    @Test
    void notificationsBeforeTheStartAreAnsweredAfterTheStartUpScan() throws Exception {
        source.add(2);
        ScanLoop loop = loop("");
        CompletableFuture<Void> early = loop.notify(List.of("d0"), false);
        loop.offer(new DeviceEvent.Changed("d1", "uevent"));
        Thread.sleep(200);
        assertFalse(early.isDone());
        start(loop);
        await(early);
        assertTrue(loop.firstFullRescan().isDone());
        assertEquals(List.of("d0", "d1"), batches.get(0));
    }

    @Test
    void reconcileIntervalHalvesWhileRescansFindChangesAndDoublesWhileTheyFindNone() throws Exception {
        source.add(1);
        ScanLoop loop = loop("lvmcoord.agent.reconcile-min-interval = 100ms\nlvmcoord.agent.reconcile-max-interval = 10s");
        start(loop);
        await(loop.firstFullRescan());
        // Every rescan finds a change: the interval stays at its floor.
        Thread.sleep(700);
        assertTrue(loop.stats().fullRescans() >= 3, "reconcile rescans at the floor: " + loop.stats().fullRescans());
        assertEquals(100, loop.stats().reconcileIntervalMillis());
        // None finds one: 200, 400, 800 ms...
        reportsChange = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(T);
        while (loop.stats().reconcileIntervalMillis() < 800 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(800, loop.stats().reconcileIntervalMillis());
    }
}
