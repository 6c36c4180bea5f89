package io.lvmcoord.scan;

import com.typesafe.config.Config;
import io.lvmcoord.scan.codec.BlockCache;
import io.lvmcoord.scan.codec.CodecSettings;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.MdaScan;
import io.lvmcoord.scan.codec.ParsedMetadata;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.io.IoEngines;
import io.lvmcoord.scan.io.IoScheduler;
import io.lvmcoord.scan.nativeio.LinuxNativeIo;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceScannerTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @TempDir
    Path tmp;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private record Setup(IoScheduler scheduler, ScanSettings settings, Config config) {
    }

    private Setup setup(String engine) throws Exception {
        Config config = ScanTestSupport.config(engine, "");
        ScanSettings settings = ScanSettings.from(config);
        LinuxNativeIo io = new LinuxNativeIo();
        IoScheduler scheduler = new IoScheduler(IoEngines.create(engine, io, 64, 8), io, settings.limits(), timer);
        return new Setup(scheduler, settings, config);
    }

    private ActorRef<DeviceScanner.Command> scanner(Setup s, Path device) {
        return KIT.spawn(DeviceScanner.create(DeviceTarget.of(device.toString()), s.scheduler(), s.settings(),
                CodecSettings.limits(s.config())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "pread"})
    void onePvIsReadWithOneHeadReadAndARescanReusesTheParsedMetadata(String engine) throws Exception {
        Setup s = setup(engine);
        Path dev = ScanTestSupport.unpack("s01-single-linear", "pv1.img", tmp.resolve("pv1.img"));
        ActorRef<DeviceScanner.Command> scanner = scanner(s, dev);
        TestProbe<DeviceScanner.ScanResult> probe = KIT.createTestProbe();

        scanner.tell(new DeviceScanner.Scan(probe.getRef()));
        DeviceScanner.ScanResult first = probe.receiveMessage(Duration.ofSeconds(10));
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, first.outcome());
        assertEquals("vg01", pv.metadata().orElseThrow().name());
        assertEquals(32L << 20, pv.deviceSize());
        assertEquals(1, first.reads());
        assertFalse(first.reusedMetadata());

        assertEquals(128 * 1024, s.scheduler().counters(dev.toString()).bytes(), "a device seen first: the whole head");

        scanner.tell(new DeviceScanner.Scan(probe.getRef()));
        DeviceScanner.ScanResult second = probe.receiveMessage(Duration.ofSeconds(10));
        assertEquals(1, second.reads());
        assertTrue(second.reusedMetadata(), "same committed slot: no text parse");
        assertSame(pv.metadata().orElseThrow(), ((DeviceScan.PvScan) second.outcome()).metadata().orElseThrow());
        assertEquals(2, s.scheduler().counters(dev.toString()).reads());
        // The rescan reads only what the unchanged device needs: label and mda header (at 4096), 8 KiB.
        assertEquals(128 * 1024 + 8192, s.scheduler().counters(dev.toString()).bytes());
        s.scheduler().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "pread"})
    void changedMetadataIsReadAndParsedAgain(String engine) throws Exception {
        Setup s = setup(engine);
        Path dev = ScanTestSupport.unpack("s09-stale-seqno", "pv2.img", tmp.resolve("dev.img"));
        ActorRef<DeviceScanner.Command> scanner = scanner(s, dev);
        TestProbe<DeviceScanner.ScanResult> probe = KIT.createTestProbe();
        scanner.tell(new DeviceScanner.Scan(probe.getRef()));
        assertEquals(2, ((DeviceScan.PvScan) probe.receiveMessage(Duration.ofSeconds(10)).outcome()).metadata().orElseThrow().seqno());
        // Another host commits seqno 4 to the same PV: here, the newer image of the same VG.
        Files.copy(ScanTestSupport.unpack("s09-stale-seqno", "pv1.img", tmp.resolve("newer.img")), dev, StandardCopyOption.REPLACE_EXISTING);
        scanner.tell(new DeviceScanner.Scan(probe.getRef()));
        DeviceScanner.ScanResult again = probe.receiveMessage(Duration.ofSeconds(10));
        assertEquals(4, ((DeviceScan.PvScan) again.outcome()).metadata().orElseThrow().seqno());
        assertFalse(again.reusedMetadata());
        // The rescan's short head showed a new committed slot: one more read fetched the new text.
        assertEquals(2, again.reads());
        s.scheduler().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "pread"})
    void onlyStepsThatParseATextGoToTheDecodeDispatcherAnUnchangedDevicesRescanDecodesOnTheScanner(String engine) throws Exception {
        Setup s = setup(engine);
        Path dev = ScanTestSupport.unpack("s09-stale-seqno", "pv2.img", tmp.resolve("dev.img"));
        PvDecoder real = new PvDecoder(CodecSettings.limits(s.config()));
        AtomicInteger dispatched = new AtomicInteger();
        DeviceScanner.Decoder counting = new DeviceScanner.Decoder() {
            @Override
            public PvDecoder.Step step(String device, long size, BlockCache cache, ParsedMetadata parsed) {
                dispatched.incrementAndGet();
                return real.step(device, size, cache, parsed);
            }

            @Override
            public PvDecoder.Step stepWithoutParsing(String device, long size, BlockCache cache, ParsedMetadata parsed) {
                return real.stepWithoutParsing(device, size, cache, parsed);
            }
        };
        ActorRef<DeviceScanner.Command> scanner = KIT.spawn(DeviceScanner.create(DeviceTarget.of(dev.toString()), s.scheduler(),
                s.settings(), counting));
        TestProbe<DeviceScanner.ScanResult> probe = KIT.createTestProbe();

        scanner.tell(new DeviceScanner.Scan(probe.getRef()));
        assertEquals(2, ((DeviceScan.PvScan) probe.receiveMessage(Duration.ofSeconds(10)).outcome()).metadata().orElseThrow().seqno());
        assertEquals(1, dispatched.get(), "the first scan parses the text on the decode dispatcher");

        scanner.tell(new DeviceScanner.Scan(probe.getRef()));
        assertEquals(2, ((DeviceScan.PvScan) probe.receiveMessage(Duration.ofSeconds(10)).outcome()).metadata().orElseThrow().seqno());
        assertEquals(1, dispatched.get(), "unchanged: label, header and remembered slot settle it on the scanner");

        Files.copy(ScanTestSupport.unpack("s09-stale-seqno", "pv1.img", tmp.resolve("newer.img")), dev, StandardCopyOption.REPLACE_EXISTING);
        scanner.tell(new DeviceScanner.Scan(probe.getRef()));
        assertEquals(4, ((DeviceScan.PvScan) probe.receiveMessage(Duration.ofSeconds(10)).outcome()).metadata().orElseThrow().seqno());
        assertTrue(dispatched.get() >= 2, "a new text is parsed on the decode dispatcher again");
        s.scheduler().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "pread"})
    void concurrentRequestsJoinTheScanInFlight(String engine) throws Exception {
        Setup s = setup(engine);
        Path dev = ScanTestSupport.unpack("s01-single-linear", "pv1.img", tmp.resolve("pv1.img"));
        ActorRef<DeviceScanner.Command> scanner = scanner(s, dev);
        TestProbe<DeviceScanner.ScanResult> a = KIT.createTestProbe();
        TestProbe<DeviceScanner.ScanResult> b = KIT.createTestProbe();
        scanner.tell(new DeviceScanner.Scan(a.getRef()));
        scanner.tell(new DeviceScanner.Scan(b.getRef()));
        DeviceScanner.ScanResult ra = a.receiveMessage(Duration.ofSeconds(10));
        DeviceScanner.ScanResult rb = b.receiveMessage(Duration.ofSeconds(10));
        assertSame(ra, rb, "both requests answered by the one scan");
        assertEquals(1, s.scheduler().counters(dev.toString()).reads());
        s.scheduler().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "pread"})
    void aSecondMetadataAreaAtTheDeviceEndCostsOneMoreRead(String engine) throws Exception {
        Setup s = setup(engine);
        Path dev = ScanTestSupport.unpack("s03-two-mdas", "pv1.img", tmp.resolve("pv1.img"));
        TestProbe<DeviceScanner.ScanResult> probe = KIT.createTestProbe();
        scanner(s, dev).tell(new DeviceScanner.Scan(probe.getRef()));
        DeviceScanner.ScanResult r = probe.receiveMessage(Duration.ofSeconds(10));
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, r.outcome());
        assertEquals(2, pv.mdas().stream().filter(m -> m.status() == MdaScan.Status.IN_USE).count());
        assertEquals(2, r.reads());
        s.scheduler().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "pread"})
    void aMissingDeviceIsAFaultNamingErrno(String engine) throws Exception {
        Setup s = setup(engine);
        TestProbe<DeviceScanner.ScanResult> probe = KIT.createTestProbe();
        scanner(s, tmp.resolve("absent")).tell(new DeviceScanner.Scan(probe.getRef()));
        DeviceScan.DeviceFault f = assertInstanceOf(DeviceScan.DeviceFault.class, probe.receiveMessage(Duration.ofSeconds(10)).outcome());
        assertTrue(f.error().reason().contains("ENOENT"), f.error().reason());
        s.scheduler().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "pread"})
    void aDeviceNotToBeFollowedIsRefusedAtOpenWhenItIsALinkAndReadWhenItIsNot(String engine) throws Exception {
        Setup s = setup(engine);
        Path image = ScanTestSupport.unpack("s01-single-linear", "pv1.img", tmp.resolve("pv1.img"));
        Path link = Files.createSymbolicLink(tmp.resolve("swapped-in"), image);
        TestProbe<DeviceScanner.ScanResult> probe = KIT.createTestProbe();

        KIT.spawn(DeviceScanner.create(new DeviceTarget(link.toString(), link.toString(), false), s.scheduler(), s.settings(),
                CodecSettings.limits(s.config()))).tell(new DeviceScanner.Scan(probe.getRef()));
        DeviceScan.DeviceFault f = assertInstanceOf(DeviceScan.DeviceFault.class, probe.receiveMessage(Duration.ofSeconds(10)).outcome());
        assertTrue(f.error().reason().contains("ELOOP"), f.error().reason());

        KIT.spawn(DeviceScanner.create(new DeviceTarget(link.toString(), link.toString(), true), s.scheduler(), s.settings(),
                CodecSettings.limits(s.config()))).tell(new DeviceScanner.Scan(probe.getRef()));
        assertInstanceOf(DeviceScan.PvScan.class, probe.receiveMessage(Duration.ofSeconds(10)).outcome(), "a link named by the operator is followed");
        s.scheduler().close();
    }
}
