package io.lvmcoord.scan;

import com.typesafe.config.Config;
import io.lvmcoord.scan.codec.BlockCache;
import io.lvmcoord.scan.codec.CodecSettings;
import io.lvmcoord.scan.codec.DecodeError;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.LvmCrc;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.io.IoCounters;
import io.lvmcoord.scan.io.IoEngines;
import io.lvmcoord.scan.io.IoScheduler;
import io.lvmcoord.scan.nativeio.LinuxNativeIo;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static io.lvmcoord.scan.codec.LittleEndian.putU32;
import static io.lvmcoord.scan.codec.LittleEndian.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A device whose data breaks the decoder (issue 11: a segment {@code type = "+"} threw
 * ArrayIndexOutOfBoundsException inside the scanner, which died; every batch with that device then
 * waited 85 s for an outcome and its fd leaked). The failure is injected through the scanner's
 * decode function, deterministically, on top of a real fixture image: the decoder fails only once
 * it has the head bytes, so the device is open and a read buffer is held when it does.
 */
class ScannerFailureTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ScanTestSupport.config("pread", ""));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<IoScheduler> schedulers = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @AfterEach
    void stop() {
        schedulers.forEach(IoScheduler::close);
        timer.shutdownNow();
    }

    private record Setup(IoScheduler scheduler, ScanSettings settings, PvDecoder real) {
    }

    private Setup setup(String engine, Duration decodeDeadline) throws Exception {
        Config config = ScanTestSupport.config(engine, "");
        ScanSettings settings = ScanSettings.from(config).withDecodeDeadline(decodeDeadline);
        LinuxNativeIo io = new LinuxNativeIo();
        IoScheduler scheduler = new IoScheduler(IoEngines.create(engine, io, 64, 8), io, settings.limits(), timer);
        schedulers.add(scheduler);
        return new Setup(scheduler, settings, new PvDecoder(CodecSettings.limits(config)));
    }

    /** The real decoder, except that {@code sabotage} runs instead once the label sectors are there, while it is on. */
    private static DeviceScanner.Decoder failingWhile(AtomicBoolean on, PvDecoder real, Sabotage sabotage) {
        return (device, size, cache, parsed) -> on.get() && hasHead(cache, size) ? sabotage.step(device) : real.step(device, size, cache, parsed);
    }

    private interface Sabotage {
        PvDecoder.Step step(String device);
    }

    private static boolean hasHead(BlockCache cache, long size) {
        return cache.covers(0, (int) Math.min(PvDecoder.LABEL_BYTES, size), size);
    }

    private ActorRef<DeviceScanner.Command> scanner(Setup s, Path device, DeviceScanner.Decoder decoder) {
        return KIT.spawn(DeviceScanner.create(DeviceTarget.of(device.toString()), s.scheduler(), s.settings(), decoder));
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "pread"})
    void aDecoderExceptionAnswersEveryWaiterWithAFaultNamingTheDeviceClosesTheFdAndTheFixedDeviceScansAgain(String engine)
            throws Exception {
        Setup s = setup(engine, Duration.ofSeconds(10));
        Path dev = ScanTestSupport.unpack("s01-single-linear", "pv1.img", tmp.resolve("pv1.img"));
        AtomicBoolean broken = new AtomicBoolean(true);
        ActorRef<DeviceScanner.Command> scanner = scanner(s, dev, failingWhile(broken, s.real(), device -> {
            throw new ArrayIndexOutOfBoundsException("Index 1 out of bounds for length 1");
        }));
        TestProbe<DeviceScanner.ScanResult> a = KIT.createTestProbe();
        TestProbe<DeviceScanner.ScanResult> b = KIT.createTestProbe();

        scanner.tell(new DeviceScanner.Scan(a.getRef()));
        scanner.tell(new DeviceScanner.Scan(b.getRef()));
        DeviceScanner.ScanResult ra = a.receiveMessage(Duration.ofSeconds(5));
        DeviceScanner.ScanResult rb = b.receiveMessage(Duration.ofSeconds(5));

        assertSame(ra, rb, "both waiting requesters answered by the one failed scan");
        DeviceScan.DeviceFault fault = assertInstanceOf(DeviceScan.DeviceFault.class, ra.outcome());
        assertEquals(dev.toString(), fault.device());
        assertEquals(dev.toString(), fault.error().device());
        assertEquals(DecodeError.Kind.SCANNER_FAILED, fault.error().kind());
        assertEquals("scanner failed while decoding: java.lang.ArrayIndexOutOfBoundsException: Index 1 out of bounds for length 1",
                fault.error().reason());
        assertEquals(1, ra.reads(), "it failed after the head read, with the device open");

        IoCounters c = s.scheduler().counters(dev.toString());
        awaitTrue(() -> c.closes() == 1, "the failed scan's fd is closed");
        assertEquals(1, c.opens());
        assertEquals(0, c.openFds());
        assertEquals(0, descriptorsOpenOn(dev), "no descriptor of the device left in /proc/self/fd");
        awaitTrue(() -> s.scheduler().stats().buffersOutstanding() == 0, "the head read's buffer is back");

        broken.set(false);
        scanner.tell(new DeviceScanner.Scan(a.getRef()));
        DeviceScanner.ScanResult again = a.receiveMessage(Duration.ofSeconds(5));
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, again.outcome(), "the restarted scanner works");
        assertEquals("vg01", pv.metadata().orElseThrow().name());
        awaitTrue(() -> c.closes() == 2, "the good scan's fd is closed too");
        assertEquals(0, c.openFds());
        assertEquals(0, descriptorsOpenOn(dev));
    }

    @Test
    void aStackOverflowInTheDecoderIsAFaultOfThatDeviceAndTheScannerCarriesOn() throws Exception {
        Setup s = setup("pread", Duration.ofSeconds(10));
        Path dev = ScanTestSupport.unpack("s01-single-linear", "pv1.img", tmp.resolve("pv1.img"));
        AtomicBoolean broken = new AtomicBoolean(true);
        ActorRef<DeviceScanner.Command> scanner = scanner(s, dev, failingWhile(broken, s.real(), device -> {
            throw new StackOverflowError("nesting deeper than the stack (" + recurse(0) + ")");
        }));
        TestProbe<DeviceScanner.ScanResult> probe = KIT.createTestProbe();

        scanner.tell(new DeviceScanner.Scan(probe.getRef()));
        DeviceScan.DeviceFault fault = assertInstanceOf(DeviceScan.DeviceFault.class, probe.receiveMessage(Duration.ofSeconds(5)).outcome());
        assertEquals(dev.toString(), fault.device());
        assertEquals(DecodeError.Kind.SCANNER_FAILED, fault.error().kind());
        assertTrue(fault.error().reason().startsWith("scanner failed while decoding: java.lang.StackOverflowError"), fault.error().reason());
        IoCounters c = s.scheduler().counters(dev.toString());
        awaitTrue(() -> c.closes() == 1, "fd closed");
        assertEquals(0, descriptorsOpenOn(dev));

        broken.set(false);
        scanner.tell(new DeviceScanner.Scan(probe.getRef()));
        assertInstanceOf(DeviceScan.PvScan.class, probe.receiveMessage(Duration.ofSeconds(5)).outcome());
    }

    /** Overflows the stack for real; never returns normally. */
    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    @Test
    void aFailureInTheScannerItselfIsContainedAndTheRestartedScannerForgetsItsParsedMetadata() throws Exception {
        Setup s = setup("pread", Duration.ofSeconds(10));
        Path dev = ScanTestSupport.unpack("s01-single-linear", "pv1.img", tmp.resolve("pv1.img"));
        AtomicBoolean broken = new AtomicBoolean(false);
        // A decoder answering null breaks the actor's own handling of the step (a bug there, not in decoding).
        ActorRef<DeviceScanner.Command> scanner = scanner(s, dev, failingWhile(broken, s.real(), device -> null));
        TestProbe<DeviceScanner.ScanResult> probe = KIT.createTestProbe();
        scanner.tell(new DeviceScanner.Scan(probe.getRef()));
        assertInstanceOf(DeviceScan.PvScan.class, probe.receiveMessage(Duration.ofSeconds(5)).outcome());

        broken.set(true);
        scanner.tell(new DeviceScanner.Scan(probe.getRef()));
        DeviceScanner.ScanResult failed = probe.receiveMessage(Duration.ofSeconds(5));
        DeviceScan.DeviceFault fault = assertInstanceOf(DeviceScan.DeviceFault.class, failed.outcome());
        assertEquals(dev.toString(), fault.device());
        assertTrue(fault.error().reason().startsWith("scanner failed while handling a decode step: java.lang.NullPointerException"),
                fault.error().reason());
        IoCounters c = s.scheduler().counters(dev.toString());
        awaitTrue(() -> c.closes() == 2, "fd closed");
        assertEquals(0, c.openFds());

        broken.set(false);
        scanner.tell(new DeviceScanner.Scan(probe.getRef()));
        DeviceScanner.ScanResult after = probe.receiveMessage(Duration.ofSeconds(5));
        assertInstanceOf(DeviceScan.PvScan.class, after.outcome());
        assertFalse(after.reusedMetadata(), "a restarted scanner parses again rather than trust memo state from before the failure");
    }

    @Test
    void aDecodeThatNeverReturnsIsAbandonedAtTheDecodeDeadlineWithoutBlockingTheScanner() throws Exception {
        Duration budget = Duration.ofMillis(300);
        Setup s = setup("pread", budget);
        Path dev = ScanTestSupport.unpack("s01-single-linear", "pv1.img", tmp.resolve("pv1.img"));
        AtomicBoolean broken = new AtomicBoolean(true);
        CountDownLatch hang = new CountDownLatch(1);
        ActorRef<DeviceScanner.Command> scanner = scanner(s, dev, failingWhile(broken, s.real(), device -> {
            try {
                hang.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("released by the test");
        }));
        TestProbe<DeviceScanner.ScanResult> probe = KIT.createTestProbe();
        try {
            long t0 = System.nanoTime();
            scanner.tell(new DeviceScanner.Scan(probe.getRef()));
            DeviceScan.DeviceFault fault = assertInstanceOf(DeviceScan.DeviceFault.class,
                    probe.receiveMessage(Duration.ofSeconds(5)).outcome());
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(DecodeError.Kind.TIMED_OUT, fault.error().kind());
            assertEquals(dev.toString(), fault.device());
            assertTrue(fault.error().reason().contains("decoding did not finish within 300 ms"), fault.error().reason());
            assertTrue(tookMillis < 2000, "answered at the budget, not later: " + tookMillis + " ms");

            IoCounters c = s.scheduler().counters(dev.toString());
            awaitTrue(() -> c.closes() == 1, "fd closed although the decode step still runs");
            assertEquals(0, descriptorsOpenOn(dev));
            assertEquals(1, s.scheduler().stats().buffersOutstanding(), "the running step keeps the buffer it reads");

            // The scanner is not blocked by its hung step: with the device fixed it scans again meanwhile.
            broken.set(false);
            scanner.tell(new DeviceScanner.Scan(probe.getRef()));
            assertInstanceOf(DeviceScan.PvScan.class, probe.receiveMessage(Duration.ofSeconds(5)).outcome());
        } finally {
            hang.countDown();
        }
        awaitTrue(() -> s.scheduler().stats().buffersOutstanding() == 0, "the abandoned step's buffer comes back when it returns");
        probe.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void aBatchContainingAFailingDeviceCompletesPromptlyWithEveryOtherDeviceScanned() throws Exception {
        Setup s = setup("pread", Duration.ofSeconds(10));
        byte[] head = ScanTestSupport.head("s01-single-linear", "pv1.img", 8192);
        List<DeviceTarget> targets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Path img = tmp.resolve((i == 7 ? "hostile" : "img") + i);
            ScanTestSupport.writeHead(head, img, 4L << 20);
            targets.add(DeviceTarget.of(img.toString()));
        }
        AtomicBoolean broken = new AtomicBoolean(true);
        DeviceScanner.Decoder decoder = (device, size, cache, parsed) -> broken.get() && device.contains("hostile") && hasHead(cache, size)
                ? failWith(new ArrayIndexOutOfBoundsException("Index 1 out of bounds for length 1"))
                : s.real().step(device, size, cache, parsed);
        ActorRef<ScanFleet.Command> fleet = KIT.spawn(ScanFleet.create(s.scheduler(), s.settings(), decoder));
        TestProbe<ScanFleet.FleetResult> probe = KIT.createTestProbe();

        fleet.tell(new ScanFleet.ScanDevices(targets, probe.getRef(), null));
        ScanFleet.FleetResult r = probe.receiveMessage(Duration.ofSeconds(5));
        assertTrue(r.elapsedNanos() < TimeUnit.SECONDS.toNanos(1),
                "the batch did not wait for the failed device: " + r.elapsedNanos() / 1_000_000 + " ms");
        for (int i = 0; i < targets.size(); i++) {
            DeviceScan outcome = r.outcomes().get(i);
            if (i == 7) {
                DeviceScan.DeviceFault f = assertInstanceOf(DeviceScan.DeviceFault.class, outcome);
                assertEquals(targets.get(i).name(), f.device());
                assertTrue(f.error().reason().contains("ArrayIndexOutOfBoundsException"), f.error().reason());
            } else {
                assertInstanceOf(DeviceScan.PvScan.class, outcome, targets.get(i).name());
            }
        }
        awaitTrue(() -> s.scheduler().stats().inFlightIos() == 0, "closes drained");
        for (DeviceTarget t : targets) {
            assertEquals(0, s.scheduler().counters(t.name()).openFds(), t.name());
        }
        assertEquals(0, s.scheduler().stats().buffersOutstanding());

        // Next batch, device fixed: the same (restarted) scanner reads it.
        broken.set(false);
        fleet.tell(new ScanFleet.ScanDevices(targets, probe.getRef(), null));
        ScanFleet.FleetResult next = probe.receiveMessage(Duration.ofSeconds(5));
        assertEquals(targets.size(), next.outcomes().stream().filter(o -> o instanceof DeviceScan.PvScan).count());
    }

    /**
     * The measured input itself, end to end with the real decoder: a segment {@code type = "+"}
     * in a real PV's committed text (CRCs fixed). Whether the decoder throws on it (as measured)
     * or reports it as bad text (once the decoder is made total), the batch must answer at once,
     * leave no descriptor open, and scan the device normally once its metadata is good again.
     */
    @Test
    void theMeasuredPlusSegmentTypeNeverStallsABatchNorLeaksItsFd() throws Exception {
        Setup s = setup("pread", Duration.ofSeconds(10));
        Path hostile = ScanTestSupport.unpack("s01-single-linear", "pv1.img", tmp.resolve("plus.img"));
        byte[] original = ScanTestSupport.head("s01-single-linear", "pv1.img", 1 << 20);
        writeAt(hostile, withSegmentType(original, "+"));
        List<DeviceTarget> targets = List.of(
                DeviceTarget.of(ScanTestSupport.unpack("s01-single-linear", "pv1.img", tmp.resolve("good.img")).toString()),
                DeviceTarget.of(hostile.toString()));
        ActorRef<ScanFleet.Command> fleet = KIT.spawn(ScanFleet.create(s.scheduler(), s.settings(),
                CodecSettings.limits(ScanTestSupport.config("pread", ""))));
        TestProbe<ScanFleet.FleetResult> probe = KIT.createTestProbe();

        fleet.tell(new ScanFleet.ScanDevices(targets, probe.getRef(), null));
        ScanFleet.FleetResult r = probe.receiveMessage(Duration.ofSeconds(5));
        assertTrue(r.elapsedNanos() < TimeUnit.SECONDS.toNanos(1), "answered at once: " + r.elapsedNanos() / 1_000_000 + " ms");
        assertInstanceOf(DeviceScan.PvScan.class, r.outcomes().get(0));
        DeviceScan plus = r.outcomes().get(1);
        assertEquals(hostile.toString(), plus.device());
        if (plus instanceof DeviceScan.PvScan pv) {
            // A total decoder reports the text as bad rather than throwing; either way it is not a good VG.
            assertTrue(pv.hasUnreadableMetadata() || pv.metadata().isEmpty(), "a '+' segment type is not accepted: " + pv);
        } else {
            DeviceScan.DeviceFault f = assertInstanceOf(DeviceScan.DeviceFault.class, plus);
            assertEquals(hostile.toString(), f.error().device());
        }
        IoCounters c = s.scheduler().counters(hostile.toString());
        awaitTrue(() -> c.closes() == 1, "the hostile device's fd is closed");
        assertEquals(0, descriptorsOpenOn(hostile));

        writeAt(hostile, original);
        fleet.tell(new ScanFleet.ScanDevices(targets, probe.getRef(), null));
        ScanFleet.FleetResult again = probe.receiveMessage(Duration.ofSeconds(5));
        assertEquals("vg01", assertInstanceOf(DeviceScan.PvScan.class, again.outcomes().get(1)).metadata().orElseThrow().name());
    }

    /** Replaces the first segment type in mda1's committed text, same length, and fixes the text and header CRCs. */
    private static byte[] withSegmentType(byte[] image, String type) {
        byte[] img = image.clone();
        int mda = 4096;
        int start = (int) (mda + u64(img, mda + 40));
        int size = (int) u64(img, mda + 48);
        String text = new String(img, start, size, StandardCharsets.ISO_8859_1);
        String from = "type = \"striped\"";
        int at = text.indexOf(from);
        assertTrue(at > 0, "fixture text has a striped segment");
        String to = String.format("%-" + from.length() + "s", "type = \"" + type + "\"");
        byte[] replacement = to.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(replacement, 0, img, start + at, replacement.length);
        putU32(img, mda + 56, LvmCrc.of(img, start, size));
        putU32(img, mda, LvmCrc.of(img, mda + 4, 508));
        return img;
    }

    private static void writeAt(Path file, byte[] head) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(head), 0);
        }
    }



    private static PvDecoder.Step failWith(RuntimeException e) {
        throw e;
    }

    /** Descriptors of this process open on {@code file}, read from /proc/self/fd. */
    private static long descriptorsOpenOn(Path file) throws IOException {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException gone) {
                    return false; // closed while listing (the listing's own descriptor, among others)
                }
            }).count();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertTrue(condition.getAsBoolean(), what);
    }
}
