package io.lvmcoord.scan;

import com.typesafe.config.Config;
import io.lvmcoord.scan.codec.CodecSettings;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.MdaScan;
import io.lvmcoord.scan.codec.ParsedTexts;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The scan fleet holds one parsed model per distinct metadata text, however many devices carry it. */
class SharedMetadataTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final int DEVICES = 24;
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

    private static MdaScan inUse(DeviceScan scan) {
        return assertInstanceOf(DeviceScan.PvScan.class, scan, scan.device()).newest().orElseThrow();
    }

    @Test
    void manyDevicesOfOneVgHoldOneParsedModelAcrossScans() throws Exception {
        Config config = ScanTestSupport.config("pread", "");
        ScanSettings settings = ScanSettings.from(config);
        LinuxNativeIo io = new LinuxNativeIo();
        IoScheduler scheduler = new IoScheduler(IoEngines.create("pread", io, 64, 8), io, settings.limits(), timer);
        ParsedTexts texts = new ParsedTexts(CodecSettings.limits(config));
        ActorRef<ScanFleet.Command> fleet = KIT.spawn(ScanFleet.create(scheduler, settings, texts));

        // The VG's two real PVs, then copies of their first MiB (label, mda and text) on sparse files of the same size.
        Path pv1 = ScanTestSupport.unpack("s02-striped-two-pv", "pv1.img", tmp.resolve("pv1.img"));
        Path pv2 = ScanTestSupport.unpack("s02-striped-two-pv", "pv2.img", tmp.resolve("pv2.img"));
        List<DeviceTarget> targets = new ArrayList<>(List.of(DeviceTarget.of(pv1.toString()), DeviceTarget.of(pv2.toString())));
        byte[][] heads = {ScanTestSupport.head("s02-striped-two-pv", "pv1.img", 1 << 20),
                ScanTestSupport.head("s02-striped-two-pv", "pv2.img", 1 << 20)};
        for (int i = 2; i < DEVICES; i++) {
            Path copy = tmp.resolve("copy" + i + ".img");
            ScanTestSupport.writeHead(heads[i % 2], copy, Files.size(i % 2 == 0 ? pv1 : pv2));
            targets.add(DeviceTarget.of(copy.toString()));
        }
        TestProbe<ScanFleet.FleetResult> probe = KIT.createTestProbe();

        fleet.tell(new ScanFleet.ScanDevices(targets, probe.getRef(), null));
        List<DeviceScan> cold = probe.receiveMessage(Duration.ofSeconds(20)).outcomes();
        fleet.tell(new ScanFleet.ScanDevices(targets, probe.getRef(), null));
        List<DeviceScan> warm = probe.receiveMessage(Duration.ofSeconds(20)).outcomes();

        MdaScan first = inUse(cold.get(0));
        assertEquals("vg02", first.vg().name());
        for (List<DeviceScan> outcomes : List.of(cold, warm)) {
            assertEquals(DEVICES, outcomes.size());
            for (DeviceScan s : outcomes) {
                MdaScan m = inUse(s);
                assertSame(first.vg(), m.vg(), s.device() + " holds its own parse of the VG's text");
                assertSame(first.text(), m.text(), s.device() + " holds its own copy of the VG's text");
            }
        }
        assertEquals(1, texts.parses(), "one parse for " + DEVICES + " devices and two scans");
        assertEquals(1, texts.size());

        // Asked to parse cold (lvm2's per-command cost, for benchmarks): once again per text, shared again.
        fleet.tell(new ScanFleet.ScanDevices(targets, probe.getRef(), null, true));
        List<DeviceScan> forgotten = probe.receiveMessage(Duration.ofSeconds(20)).outcomes();
        MdaScan fresh = inUse(forgotten.get(0));
        assertNotSame(first.vg(), fresh.vg());
        forgotten.forEach(s -> assertSame(fresh.vg(), inUse(s).vg(), s.device()));
        assertEquals(2, texts.parses());
    }
}
