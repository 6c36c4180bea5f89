package io.lvmcoord.coordinator.vg;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.persistence.JournalSchema;
import io.lvmcoord.persistence.JournalSettings;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.report.PvReports;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scan outcomes reported by a node through the sharded, journaled aggregates (acknowledged after
 * persisting) and read back from the node's cache give, for every fixture scenario, the report
 * lvm2 gave; a device whose report moves to another aggregate is forgotten by the old one.
 */
class NodeReporterTest {
    private static final Duration T = Duration.ofSeconds(30);
    @TempDir
    static Path tmp;
    private static ActorSystem<Void> system;

    @BeforeAll
    static void start() throws Exception {
        Config config = JournalSettings.apply(ConfigFactory.parseString("lvmcoord.persistence { profile = h2, state-dir = \""
                + tmp.resolve("state") + "\" }\n"
                + "pekko.actor.provider = cluster\npekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.remote.artery.canonical.port = 0\npekko.loglevel = WARNING\n").withFallback(ConfigFactory.load()));
        system = ActorSystem.create(Behaviors.empty(), "reporter", config);
        JournalSchema.ensureNow(system, JournalSettings.from(config), T);
        Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
        VgSharding.init(system);
    }

    @AfterAll
    static void stop() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static List<DeviceScan> scans(String scenario, List<String> images) throws Exception {
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        List<DeviceScan> out = new ArrayList<>();
        for (String img : images) {
            out.add(decoder.decode(new ByteArrayBlockSource(img, OrderIndependenceTest.load(scenario, img))));
        }
        return out;
    }

    @Test
    void everyScenarioReportedThroughTheAggregatesReadsBackAsLvm2ReportedIt() throws Exception {
        List<String> scenarios = OrderIndependenceTest.scenarios();
        for (String scenario : scenarios) {
            // One node per scenario: image names repeat across scenarios, and views are per node.
            NodeReporter reporter = new NodeReporter(system, "node-" + scenario, new NodeReadCache(), T);
            List<String> images = Files.readAllLines(OrderIndependenceTest.fixtures().resolve(scenario).resolve("images.txt"))
                    .stream().filter(l -> !l.isBlank()).toList();
            reporter.report(scans(scenario, images)).toCompletableFuture().get(60, TimeUnit.SECONDS);
            Assembly view = reporter.view(new VgAssembler());
            for (String report : List.of("pvs", "vgs", "lvs", "segs")) {
                OrderIndependenceTest.compare(scenario, report, view);
            }
        }
    }

    @Test
    void waitCompleteReturnsWhenTheLastPvArrives() throws Exception {
        NodeReporter reporter = new NodeReporter(system, "node-wait", new NodeReadCache(), T);
        reporter.report(scans("s02-striped-two-pv", List.of("pv1.img"))).toCompletableFuture().get(30, TimeUnit.SECONDS);
        var waiting = reporter.waitComplete("vg02", Duration.ofSeconds(20)).toCompletableFuture();
        Thread.sleep(300);
        assertTrue(!waiting.isDone(), "vg02 lacks pv2 on this node");
        reporter.report(scans("s02-striped-two-pv", List.of("pv2.img"))).toCompletableFuture().get(30, TimeUnit.SECONDS);
        Completeness c = waiting.get(10, TimeUnit.SECONDS);
        assertTrue(c.complete());
    }

    @Test
    void waitCompleteTimesOutNamingTheMissingPvs() throws Exception {
        NodeReporter reporter = new NodeReporter(system, "node-timeout", new NodeReadCache(), T);
        reporter.report(scans("s08-missing-pv", List.of("pv1.img", "pv2.img"))).toCompletableFuture().get(30, TimeUnit.SECONDS);
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> reporter.waitComplete("vg08", Duration.ofMillis(500)).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof java.util.concurrent.TimeoutException);
        assertEquals("VG vg08 is not complete on node-timeout after 500 ms: missing PVs y0Y7bK-6ram-lire-N2cR-P5pk-Yo8W-B2uXs9",
                e.getCause().getMessage());
    }

    @Test
    void aDeviceWhoseReportMovesIsForgottenWhereItWas() throws Exception {
        NodeReporter reporter = new NodeReporter(system, "node-moves", new NodeReadCache(), T);
        // First an orphan PV (held by the PV directory), then the same device carrying a VG.
        reporter.report(scans("s05-orphans", List.of("pv1.img"))).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(1, reporter.view(new VgAssembler()).loosePvs().size());
        reporter.report(scans("s01-single-linear", List.of("pv1.img"))).toCompletableFuture().get(30, TimeUnit.SECONDS);
        Assembly view = reporter.view(new VgAssembler());
        assertEquals(1, view.vgs().size());
        assertTrue(view.loosePvs().isEmpty(), "the directory forgot the device: " + view.loosePvs());
        VgState directory = VgSharding.entity(system, new ReportRouting.Target(ReportRouting.Target.Kind.PV_DIRECTORY,
                        "pv:otp0VagDt1XtJh4mvzHqaxfKHeQ5ARUj"))
                .<VgState>ask(VolumeGroupEntity.GetState::new, T).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(directory.reports().getOrDefault("node-moves", java.util.Map.of()).isEmpty(), directory.reports().toString());
    }

    @Test
    void sixHundredDevicesOfOneVgInOneScanAreThreeJournalWritesAndOneStoredText() throws Exception {
        NodeReporter reporter = new NodeReporter(system, "node-wide", new NodeReadCache(), T);
        byte[] pv1 = OrderIndependenceTest.load("s02-striped-two-pv", "pv1.img");
        byte[] pv2 = OrderIndependenceTest.load("s02-striped-two-pv", "pv2.img");
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        List<DeviceScan> wide = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            wide.add(decoder.decode(new ByteArrayBlockSource("d" + i + ".img", i % 2 == 0 ? pv1 : pv2)));
        }
        ReportRouting.Target vg = ReportRouting.route(PvReports.of("node-wide", wide.get(0)).report(), wide.get(0));
        // Other tests of this class report the same VG from other nodes: count from its version now.
        long before = VgSharding.entity(system, vg).<VgState>ask(VolumeGroupEntity.GetState::new, T).toCompletableFuture()
                .get(30, TimeUnit.SECONDS).version();
        reporter.report(wide).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(List.of(vg), reporter.targets(), "every device is held by the one VG");
        VgState state = VgSharding.entity(system, vg).<VgState>ask(VolumeGroupEntity.GetState::new, T).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        // 600 reports in batches of MAX_BATCH_REPORTS (256): 256 + 256 + 88, one event and one version each.
        assertEquals(before + 3, state.version());
        assertEquals(600, state.reports().get("node-wide").size());
        assertEquals(1, state.texts().size());
        assertEquals(3, NodeReporter.batches(wide.stream().map(d -> PvReports.of("node-wide", d).report()).toList(), java.util.Map.of()).size());
    }

    @Test
    void aRescanOfUnchangedDevicesAsksNoAggregateAndAChangedOneIsSent() throws Exception {
        NodeReporter reporter = new NodeReporter(system, "node-rescans", new NodeReadCache(), T);
        reporter.report(scans("s11-multi-vg", List.of("a.img", "b.img", "c.img"))).toCompletableFuture().get(30, TimeUnit.SECONDS);
        long first = reporter.asks();
        assertTrue(first >= 1, "the first scan is reported");
        reporter.report(scans("s11-multi-vg", List.of("a.img", "b.img", "c.img"))).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(first, reporter.asks(), "nothing changed: no aggregate is asked");
        // The same device name now carries another VG's PV: its report moves (a forget and a report).
        DeviceScan moved = new PvDecoder(DecodeLimits.DEFAULT).decode(new ByteArrayBlockSource("a.img",
                OrderIndependenceTest.load("s01-single-linear", "pv1.img")));
        reporter.report(List.of(moved)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(first + 2, reporter.asks());
        assertEquals(1, reporter.view(new VgAssembler()).vgs().stream().filter(v -> v.name().equals("vg01")).count(),
                reporter.view(new VgAssembler()).vgs().toString());
    }
}
