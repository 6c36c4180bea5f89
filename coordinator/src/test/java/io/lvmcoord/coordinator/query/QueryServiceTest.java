package io.lvmcoord.coordinator.query;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.coordinator.report.CraftedMetadata;
import io.lvmcoord.coordinator.report.Fields;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.coordinator.report.ReportRequest;
import io.lvmcoord.coordinator.report.ReportType;
import io.lvmcoord.coordinator.report.Units;
import io.lvmcoord.coordinator.vg.CacheUpdates;
import io.lvmcoord.coordinator.vg.NodeReadCache;
import io.lvmcoord.coordinator.vg.NodeReporter;
import io.lvmcoord.coordinator.vg.OrderIndependenceTest;
import io.lvmcoord.coordinator.vg.ReportRouting;
import io.lvmcoord.coordinator.vg.StoredText;
import io.lvmcoord.coordinator.vg.VgSharding;
import io.lvmcoord.coordinator.vg.VgState;
import io.lvmcoord.coordinator.vg.VolumeGroupEntity;
import io.lvmcoord.persistence.JournalSchema;
import io.lvmcoord.persistence.JournalSettings;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.metadata.PvMetadata;
import io.lvmcoord.scan.report.PvReports;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The query service over sharded, journaled aggregates: lvm2's reports from the cluster model,
 * the VG-name index listing two VGs of one name, queries waiting for a persist in flight, and
 * idle entities passivating and coming back with their state.
 */
class QueryServiceTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final String VGS_FIELDS = "vg_name,vg_uuid,vg_attr,vg_size,vg_free,vg_extent_size,vg_extent_count,vg_free_count,"
            + "vg_seqno,pv_count,lv_count,snap_count,max_lv,max_pv,vg_tags,vg_systemid,vg_mda_count,vg_mda_used_count,"
            + "vg_mda_copies,vg_missing_pv_count,vg_exported,vg_partial,vg_permissions,vg_allocation_policy,vg_lock_type";
    @TempDir
    static Path tmp;
    private static ActorSystem<Void> system;

    @BeforeAll
    static void start() throws Exception {
        Config config = JournalSettings.apply(ConfigFactory.parseString("lvmcoord.persistence { profile = h2, state-dir = \""
                + tmp.resolve("state") + "\" }\n"
                + "pekko.actor.provider = cluster\npekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.remote.artery.canonical.port = 0\npekko.loglevel = WARNING\n"
                // Short enough for the passivation test to observe it.
                + "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout = 1s\n")
                .withFallback(ConfigFactory.load()));
        system = ActorSystem.create(Behaviors.empty(), "query", config);
        JournalSchema.ensureNow(system, JournalSettings.from(config), T);
        Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
        VgSharding.init(system);
    }

    @AfterAll
    static void stop() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static List<DeviceScan> scans(String scenario, String... images) throws Exception {
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        List<DeviceScan> out = new ArrayList<>();
        for (String img : images) {
            out.add(decoder.decode(new ByteArrayBlockSource(img, OrderIndependenceTest.load(scenario, img))));
        }
        return out;
    }

    /** A query service over the cache {@code reporter} reports into (and through the same writer). */
    private static QueryService service(NodeReadCache cache, NodeReporter reporter) {
        return new QueryService(system, cache, reporter.writer(), new VgAssembler(), new Fields(ZoneId.of("UTC")), Duration.ofSeconds(5));
    }

    /** A query service that only renders views it is given (it never reads an entity, so it has no cache writer). */
    private static QueryService renderer() {
        return new QueryService(system, new NodeReadCache(), null, new VgAssembler(), new Fields(ZoneId.of("UTC")), Duration.ofSeconds(5));
    }

    /** Announces a version to the cache as an entity does, and waits until the cache has taken it. */
    private static void announce(NodeReporter reporter, NodeReadCache cache, String key, long version) throws InterruptedException {
        reporter.writer().tell(CacheUpdates.Update.announced(key, version));
        long until = System.nanoTime() + 10_000_000_000L;
        while (cache.snapshot().stream().noneMatch(v -> v.aggregateKey().equals(key) && v.announced() >= version)) {
            assertTrue(System.nanoTime() < until, "announcement of " + key + " v" + version + " not taken within 10 s");
            Thread.sleep(5);
        }
    }

    private static ReportRequest vgsJson() {
        return new ReportRequest(ReportType.VG, List.of(VGS_FIELDS), List.of(), false, Units.parse("b", true), true, null, false,
                false, ReportRequest.Format.JSON);
    }

    @Test
    void twoVgsWithOneNameAreBothIndexedAndListedAsLvm2ListsThem() throws Exception {
        NodeReadCache cache = new NodeReadCache();
        NodeReporter reporter = new NodeReporter(system, "node-twins", cache, T);
        reporter.report(scans("s14-same-vg-name", "pv1.img", "pv2.img")).toCompletableFuture().get(30, TimeUnit.SECONDS);
        QueryService query = service(cache, reporter);

        List<String> uuids = List.of();
        long until = System.nanoTime() + 10_000_000_000L;
        while (uuids.size() < 2 && System.nanoTime() < until) {
            // Entities claim their names after persisting, fire-and-forget: the index catches up.
            uuids = query.vgUuidsNamed("vgtwin").toCompletableFuture().get(30, TimeUnit.SECONDS);
            Thread.sleep(50);
        }
        assertEquals(List.of("5fxdoI-gSJR-pLba-JLe3-wIlA-WuGO-eDtBBD", "7qImwe-b4pD-AN97-IKWU-0P3F-qgcT-5qJNLW"), uuids);

        QueryService.View view = query.view("node-twins").toCompletableFuture().get(30, TimeUnit.SECONDS);
        OrderIndependenceTest.compare("s14-same-vg-name", "vgs", view.assembly());
        OrderIndependenceTest.compare("s14-same-vg-name", "lvs", view.assembly());

        QueryService.Answer named = query.report(vgsJson(), "node-twins", List.of("vgtwin")).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(2, named.report().rows().size());
        assertFalse(named.failed());
        assertTrue(named.warnings().contains("WARNING: VG name vgtwin is used by VGs 7qImwe-b4pD-AN97-IKWU-0P3F-qgcT-5qJNLW and "
                + "5fxdoI-gSJR-pLba-JLe3-wIlA-WuGO-eDtBBD."), named.warnings().toString());
    }

    @Test
    void aVgNameNotFoundFailsTheQueryInLvm2Words() throws Exception {
        NodeReadCache cache = new NodeReadCache();
        NodeReporter reporter = new NodeReporter(system, "node-notfound", cache, T);
        reporter.report(scans("s01-single-linear", "pv1.img")).toCompletableFuture().get(30, TimeUnit.SECONDS);
        QueryService.Answer a = service(cache, reporter).report(vgsJson(), "node-notfound", List.of("vg01", "nosuchvg"))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(a.failed());
        assertEquals(1, a.report().rows().size());
        assertEquals("vg01", a.report().rows().get(0).get(0));
        assertTrue(a.warnings().containsAll(List.of("Volume group \"nosuchvg\" not found", "Cannot process volume group nosuchvg")));
    }

    @Test
    void aVgWhoseRowsCannotBeComputedIsLeftOutInLvm2WordsAndTheOtherVgsAnswer() throws Exception {
        Assembly s11 = new VgAssembler().assemble(scans("s11-multi-vg", "a.img", "b.img", "c.img", "d.img", "e.img"));
        VgView vgdata = s11.vgs().stream().filter(v -> v.name().equals("vgdata")).findFirst().orElseThrow();
        // vgdata's two PVs claim 2^62 extents each: its size is past 2^63 bytes, which no VG can be.
        List<PvMetadata> pvs = new ArrayList<>();
        List<VgPv> joined = new ArrayList<>();
        for (VgPv p : vgdata.pvs()) {
            PvMetadata huge = CraftedMetadata.pv(p.meta(), p.meta().key(), p.meta().id(), 1L << 62);
            pvs.add(huge);
            joined.add(new VgPv(huge, p.device()));
        }
        List<VgView> vgs = new ArrayList<>(s11.vgs());
        vgs.replaceAll(v -> v == vgdata ? new VgView(CraftedMetadata.withPvs(vgdata.metadata(), pvs), joined, List.of()) : v);
        QueryService.View view = new QueryService.View("node-bad", new Assembly(vgs, s11.loosePvs(), s11.duplicates(), s11.nonPvDevices(),
                s11.warnings()), Map.of(), false);
        QueryService.View clean = new QueryService.View("node-bad", s11, Map.of(), false);

        QueryService query = renderer();
        QueryService.Answer a = query.answer(vgsJson(), view, List.of());
        QueryService.Answer before = query.answer(vgsJson(), clean, List.of());
        assertTrue(a.failed());
        assertEquals(List.of("Volume group \"vgdata\" not found", "Cannot process volume group vgdata"),
                a.warnings().subList(a.warnings().size() - 2, a.warnings().size()));
        assertEquals(before.report().rows().stream().filter(r -> !r.get(0).equals("vgdata")).toList(), a.report().rows());
        assertEquals(before.report().rows().size() - 1, a.report().rows().size());
        assertFalse(a.text().contains("vgdata"), a.text());
    }

    @Test
    void theWarningsOf150CorruptPvsLeaveTheNodeBoundedToTheFirstFiftyAndACount() throws Exception {
        byte[] bad = OrderIndependenceTest.load("s13-bad-inputs", "badmdacrc.img");
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        List<DeviceScan> scans = new ArrayList<>(scans("s01-single-linear", "pv1.img"));
        for (int i = 0; i < 150; i++) {
            scans.add(decoder.decode(new ByteArrayBlockSource(String.format("bad%03d.img", i), bad)));
        }
        Assembly a = new VgAssembler().assemble(scans);
        QueryService query = renderer();
        QueryService.Answer answer = query.answer(vgsJson(), new QueryService.View("node-many", a, Map.of(), false), List.of());
        assertEquals(1, answer.report().rows().size());
        assertFalse(answer.failed());
        assertTrue(answer.warnings().size() >= 150, answer.warnings().size() + " warnings");
        BoundedWarnings sent = query.transportWarnings(answer.warnings());
        assertEquals(answer.warnings().subList(0, 50), sent.shown());
        assertEquals(answer.warnings().size(), sent.total());
        assertEquals("... and " + (answer.warnings().size() - 50) + " more warnings (lvmcoord.query.max-warnings = 50)",
                sent.lines().get(50));
        assertEquals(51, sent.lines().size());
    }

    @Test
    void aQueryWaitsForAReportOfTheSameVgThatIsBeingPersisted() throws Exception {
        // pv1 of vg02 is reported and cached; then pv2's report is sent and its version announced,
        // as the entity does, but the cache is given no state: the query must ask the entity,
        // which answers after persisting pv2.
        NodeReadCache cache = new NodeReadCache();
        NodeReporter reporter = new NodeReporter(system, "node-pending", cache, T);
        reporter.report(scans("s02-striped-two-pv", "pv1.img")).toCompletableFuture().get(30, TimeUnit.SECONDS);
        String key = cache.snapshot().get(0).aggregateKey();
        long v1 = cache.get(key).orElseThrow().version();

        DeviceScan pv2 = scans("s02-striped-two-pv", "pv2.img").get(0);
        PvReports.Extracted e = PvReports.of("node-pending", pv2);
        List<StoredText> texts = new ArrayList<>();
        e.texts().forEach((k, t) -> texts.add(new StoredText(k, t)));
        CompletableFuture<StatusReply<VolumeGroupEntity.Ack>> ack = VgSharding.entity(system, CacheUpdates.target(key))
                .<StatusReply<VolumeGroupEntity.Ack>>ask(r -> new VolumeGroupEntity.ReportDevice(e.report(), texts, r), T)
                .toCompletableFuture();
        announce(reporter, cache, key, v1 + 1);

        QueryService.View view = service(cache, reporter).view("node-pending").toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(v1 + 1, view.versions().get(key));
        assertFalse(view.mayBeStale());
        assertEquals(0, view.assembly().vgs().get(0).missingPvCount(), "pv2 is part of the answer");
        assertEquals(v1 + 1, ack.get(30, TimeUnit.SECONDS).getValue().version());
    }

    @Test
    void everyViewIsMarkedMayBeStaleWhileTheNodeIsNotWholeAndCurrentAgainAfter() throws Exception {
        NodeReadCache cache = new NodeReadCache();
        NodeReporter reporter = new NodeReporter(system, "node-partitioned", cache, T);
        reporter.report(scans("s01-single-linear", "pv1.img")).toCompletableFuture().get(30, TimeUnit.SECONDS);
        QueryService q = service(cache, reporter);
        java.util.concurrent.atomic.AtomicBoolean whole = new java.util.concurrent.atomic.AtomicBoolean(false);
        q.staleUnless(whole::get);
        // A member out of reach (or this node not Up): the same cached state, no longer claimed current.
        assertTrue(q.view("node-partitioned").toCompletableFuture().get(30, TimeUnit.SECONDS).mayBeStale());
        whole.set(true);
        assertFalse(q.view("node-partitioned").toCompletableFuture().get(30, TimeUnit.SECONDS).mayBeStale());
    }

    @Test
    void anAnnouncementWhoseStateNeverComesIsDroppedOnceTheEntityAnswers() throws Exception {
        NodeReadCache cache = new NodeReadCache();
        NodeReporter reporter = new NodeReporter(system, "node-lost", cache, T);
        reporter.report(scans("s01-single-linear", "pv1.img")).toCompletableFuture().get(30, TimeUnit.SECONDS);
        String key = cache.snapshot().get(0).aggregateKey();
        long v = cache.get(key).orElseThrow().version();
        announce(reporter, cache, key, v + 5); // a write that failed after its announcement
        assertTrue(cache.get(key).orElseThrow().mayBeStale());

        QueryService.View view = service(cache, reporter).view("node-lost").toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(v, view.versions().get(key));
        assertFalse(view.mayBeStale());
        assertFalse(cache.get(key).orElseThrow().mayBeStale());
    }

    @Test
    void repeatedQueriesOfAnUnchangedClusterReuseTheAssembledView() throws Exception {
        NodeReadCache cache = new NodeReadCache();
        NodeReporter reporter = new NodeReporter(system, "node-reuse", cache, T);
        reporter.report(scans("s11-multi-vg", "a.img", "b.img", "c.img", "d.img", "e.img")).toCompletableFuture().get(30, TimeUnit.SECONDS);
        QueryService query = service(cache, reporter);
        QueryService.View first = query.view("node-reuse").toCompletableFuture().get(30, TimeUnit.SECONDS);
        QueryService.View second = query.view("node-reuse").toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(first.assembly() == second.assembly(), "same versions, same assembly object");
        assertEquals(first.version(), second.version());
    }

    @Test
    void aRepeatedQueryOfAnUnchangedViewIsAnsweredWithTheTextAlreadyRenderedAndAChangedViewIsRenderedAnew() throws Exception {
        Assembly s11 = new VgAssembler().assemble(scans("s11-multi-vg", "a.img", "b.img", "c.img", "d.img", "e.img"));
        QueryService query = renderer();
        QueryService.View view = new QueryService.View("node-memo", s11, Map.of("VOLUME_GROUP:x", 3L), false);
        QueryService.Answer first = query.answer(vgsJson(), view, List.of());
        QueryService.Answer again = query.answer(vgsJson(), new QueryService.View("node-memo", s11, Map.of("VOLUME_GROUP:x", 3L), true), List.of());
        assertTrue(first.text() == again.text(), "same request over the same assembly: the rendered text is reused");
        assertTrue(again.view().mayBeStale(), "the answer carries the view it was asked over");
        assertFalse(query.answer(vgsJson(), view, List.of("vgdata")).text() == first.text(), "another request is rendered");

        Assembly fewer = new VgAssembler().assemble(scans("s11-multi-vg", "a.img", "b.img"));
        QueryService.Answer changed = query.answer(vgsJson(), new QueryService.View("node-memo", fewer, Map.of("VOLUME_GROUP:x", 4L), false),
                List.of());
        assertFalse(changed.text().equals(first.text()), "another assembly is rendered anew: " + changed.text());
        assertEquals(new ReportBuilder(new Fields(ZoneId.of("UTC"))).build(fewer, vgsJson()).rows(), changed.report().rows());
    }

    @Test
    void anIdleEntityPassivatesAndComesBackWithItsState() throws Exception {
        NodeReadCache cache = new NodeReadCache();
        NodeReporter reporter = new NodeReporter(system, "node-idle", cache, T);
        reporter.report(scans("s03-two-mdas", "pv1.img")).toCompletableFuture().get(30, TimeUnit.SECONDS);
        NodeReadCache.Versioned held = cache.snapshot().get(0);
        ReportRouting.Target target = CacheUpdates.target(held.aggregateKey());
        assertTrue(liveEntities().contains(target.id()), "awake right after the report");

        long until = System.nanoTime() + 15_000_000_000L;
        while (liveEntities().contains(target.id()) && System.nanoTime() < until) {
            Thread.sleep(200);
        }
        assertFalse(liveEntities().contains(target.id()), "passivated after 1 s idle");

        VgState back = VgSharding.entity(system, target).<VgState>ask(VolumeGroupEntity.GetState::new, T)
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(held.version(), back.version());
        assertEquals(held.state().reports(), back.reports());
        assertEquals(held.state().texts(), back.texts());
    }

    private static java.util.Set<String> liveEntities() throws Exception {
        ShardRegion.CurrentShardRegionState s = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                ClusterSharding.get(system).shardState(),
                r -> new GetShardRegionState(VgSharding.TYPE_KEY, r), T, system.scheduler()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        java.util.Set<String> ids = new java.util.HashSet<>();
        s.getShards().forEach(shard -> ids.addAll(shard.getEntityIds()));
        return ids;
    }
}
