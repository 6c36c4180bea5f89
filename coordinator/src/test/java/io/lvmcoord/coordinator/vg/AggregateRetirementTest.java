package io.lvmcoord.coordinator.vg;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lvmcoord.coordinator.query.CacheLoader;
import io.lvmcoord.persistence.JournalSettings;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.lvmcoord.coordinator.vg.VgTestNodes.reports;
import static io.lvmcoord.coordinator.vg.VgTestNodes.start;
import static io.lvmcoord.coordinator.vg.VgTestNodes.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Aggregates whose devices are gone from every node are retired after the grace period (a
 * tombstone, then their events deleted, and the next start loads only live ones), and an entity
 * acknowledges nothing while the node's journal is known to be lost.
 */
class AggregateRetirementTest {
    private static final ActorTestKit KIT = ActorTestKit.create(EventSourcedBehaviorTestKit.config());
    private static final Duration T = VgTestNodes.T;

    @TempDir
    Path tmp;

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private static StatusReply<VolumeGroupEntity.Ack> report(EventSourcedBehaviorTestKit<VolumeGroupEntity.Command, VgEvent, VgState> kit,
                                                             VolumeGroupEntity.ReportDevice r) {
        return kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(reply -> new VolumeGroupEntity.ReportDevice(r.report(), r.texts(), reply)).reply();
    }

    @Test
    void anAggregateWithoutDevicesIsRetiredOnlyAfterItsGracePeriodAndComesBackAboveItsOldVersion() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        var lifecycle = new VolumeGroupEntity.Lifecycle(60_000, Optional::empty, now::get, T, (pid, cause) -> { });
        var kit = EventSourcedBehaviorTestKit.<VolumeGroupEntity.Command, VgEvent, VgState>create(KIT.system(),
                VolumeGroupEntity.create("vg-retiring", 100, 2, new VolumeGroupEntity.Outlets(null, null, null), lifecycle));
        List<VolumeGroupEntity.ReportDevice> rs = reports("node-a", "s02-striped-two-pv", "pv1.img", "pv2.img");
        rs.forEach(r -> assertTrue(report(kit, r).isSuccess()));
        // Devices still reported: never due, whatever the time.
        now.addAndGet(10 * 60_000);
        var early = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(VolumeGroupEntity.Retire::new);
        assertEquals(new VolumeGroupEntity.Ack(2, false), early.reply().getValue());
        assertTrue(early.events().isEmpty());

        now.set(2_000_000);
        kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(r -> new VolumeGroupEntity.ForgetDevice("node-a", "pv1.img", r));
        now.set(2_000_500);
        kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(r -> new VolumeGroupEntity.ForgetDevice("node-a", "pv2.img", r));
        VgState empty = kit.getState();
        assertEquals(2_000_500, empty.emptySinceMillis());
        assertEquals(2_060_500, empty.retirableAtMillis(60_000));

        now.set(2_060_499);
        var notYet = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(VolumeGroupEntity.Retire::new);
        assertEquals(new VolumeGroupEntity.Ack(4, false), notYet.reply().getValue());
        assertTrue(notYet.events().isEmpty());

        now.set(2_060_500);
        var retired = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(VolumeGroupEntity.Retire::new);
        assertEquals(new VolumeGroupEntity.Ack(5, true), retired.reply().getValue());
        // (Its event is not asserted here: the entity deletes it, with all before it, once the tombstone's snapshot is stored.)
        VgState tombstone = retired.state();
        assertTrue(tombstone.retired());
        assertTrue(tombstone.reports().isEmpty() && tombstone.texts().isEmpty());
        assertEquals(2_000_500, tombstone.emptySinceMillis());
        assertEquals(-1, tombstone.retirableAtMillis(0), "a tombstone is not retired twice");
        assertEquals(tombstone, kit.restart().state());

        // The VG's disks come back: it starts again above every version a cache saw.
        StatusReply<VolumeGroupEntity.Ack> back = report(kit, rs.get(0));
        assertEquals(new VolumeGroupEntity.Ack(6, true), back.getValue());
        assertFalse(kit.getState().retired());
        assertEquals(1, kit.getState().reports().get("node-a").size());
    }

    @Test
    void nothingIsAcknowledgedWhileTheJournalIsLostAndTheReplyNamesTheReason() throws Exception {
        AtomicReference<String> fault = new AtomicReference<>();
        var lifecycle = new VolumeGroupEntity.Lifecycle(0, () -> Optional.ofNullable(fault.get()), System::currentTimeMillis, T,
                (pid, cause) -> fault.compareAndSet(null, "write of " + pid + " failed: " + cause.getMessage()));
        var kit = EventSourcedBehaviorTestKit.<VolumeGroupEntity.Command, VgEvent, VgState>create(KIT.system(),
                VolumeGroupEntity.create("vg-journal-lost", 100, 2, new VolumeGroupEntity.Outlets(null, null, null), lifecycle));
        List<VolumeGroupEntity.ReportDevice> rs = reports("node-a", "s02-striped-two-pv", "pv1.img", "pv2.img");
        assertTrue(report(kit, rs.get(0)).isSuccess());

        // A write the journal fails is reported to the lifecycle (the node's guard, which then refuses everything).
        kit.persistenceTestKit().failNextPersisted(new IllegalStateException("File corrupted while reading record"));
        var probe = KIT.<StatusReply<VolumeGroupEntity.Ack>>createTestProbe();
        try {
            kit.runCommand(new VolumeGroupEntity.ReportDevice(rs.get(1).report(), rs.get(1).texts(), probe.getRef()));
        } catch (AssertionError | RuntimeException stopped) {
            // The entity stops on a failed write (Pekko's rule); the test kit may say so.
        }
        probe.expectNoMessage(Duration.ofMillis(200));
        kit.restart();
        assertEquals(1, kit.getState().version(), "the failed write left nothing");
        assertEquals("write of VolumeGroup|vg-journal-lost failed: File corrupted while reading record", fault.get());

        fault.set("the journal /var/lib/lvmcoord/journal.mv.db was deleted while the agent ran");
        var refused = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(
                r -> new VolumeGroupEntity.ReportDevice(rs.get(1).report(), rs.get(1).texts(), r));
        assertTrue(refused.reply().isError());
        assertEquals("not acknowledged: the journal /var/lib/lvmcoord/journal.mv.db was deleted while the agent ran",
                refused.reply().getError().getMessage());
        assertTrue(refused.events().isEmpty());
        // Even a repeat of what is held: the acknowledgement would claim a durability that is gone.
        assertTrue(report(kit, rs.get(0)).isError());
        var forget = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(r -> new VolumeGroupEntity.ForgetDevice("node-a", "pv1.img", r));
        assertTrue(forget.reply().isError());
        assertTrue(forget.events().isEmpty());
        assertEquals(1, kit.getState().version());
    }

    @Test
    void theSweepPicksExactlyTheAggregatesPastTheirGracePeriod() {
        VgState live = new VgState(3, java.util.Map.of("n", java.util.Map.of()), List.of());
        VgState emptyLongAgo = new VgState(4, java.util.Map.of(), List.of(), 1_000, false);
        VgState emptyJustNow = new VgState(4, java.util.Map.of(), List.of(), 9_500, false);
        VgState tombstone = new VgState(5, java.util.Map.of(), List.of(), 1_000, true);
        List<NodeReadCache.Versioned> cached = List.of(
                new NodeReadCache.Versioned("VOLUME_GROUP:live", live, 3, 3),
                new NodeReadCache.Versioned("VOLUME_GROUP:old", emptyLongAgo, 4, 4),
                new NodeReadCache.Versioned("PV_DIRECTORY:node-a/dev/sdx", emptyLongAgo, 4, 4),
                new NodeReadCache.Versioned("VOLUME_GROUP:recent", emptyJustNow, 4, 4),
                new NodeReadCache.Versioned("VOLUME_GROUP:gone", tombstone, 5, 5),
                new NodeReadCache.Versioned("VOLUME_GROUP:announced", null, 0, 1));
        assertEquals(List.of(new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP, "old"),
                        new ReportRouting.Target(ReportRouting.Target.Kind.PV_DIRECTORY, "node-a/dev/sdx")),
                Retirement.due(cached, 10_000, 1_000));
        assertEquals(List.of(), Retirement.due(cached, 10_000, -1), "off");
    }

    @Test
    void aRetiredAggregatesEventsAreDeletedFromTheH2JournalAndTheNextStartLoadsOnlyLiveOnes() throws Exception {
        Config config = JournalSettings.apply(ConfigFactory.parseString("""
                lvmcoord.persistence { profile = h2, state-dir = "%s" }
                lvmcoord.vg-entity.retirement { grace-period = 300ms, sweep-interval = 100ms }
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.loglevel = WARNING
                """.formatted(tmp.resolve("state"))).withFallback(ConfigFactory.load()));
        String live = "live-vg";
        String gone = "gone-vg";
        List<VolumeGroupEntity.ReportDevice> goneReports = reports("node-a", "s02-striped-two-pv", "pv1.img", "pv2.img");
        List<VolumeGroupEntity.ReportDevice> liveReports = reports("node-a", "s01-single-linear", "pv1.img");
        ActorSystem<Void> first = start(config, "retire-1");
        long goneVersion;
        try {
            NodeReadCache cache = new NodeReadCache();
            CacheUpdates.subscribe(first, cache, "test");
            // The tombstone reaches the cache through the topic alone: wait until this subscriber's
            // topic actor is listed by the receptionist (a topic actor registers once it has a local
            // subscriber; the entities' publisher learns of it from the same listing), which under
            // load took longer than the seconds until the retirement, and the tombstone was dropped.
            awaitTopicInstances(first, 1);
            for (var r : goneReports) {
                ack(first, gone, reply -> new VolumeGroupEntity.ReportDevice(r.report(), r.texts(), reply));
            }
            for (var r : liveReports) {
                ack(first, live, reply -> new VolumeGroupEntity.ReportDevice(r.report(), r.texts(), reply));
            }
            assertEquals(List.of("VolumeGroup|gone-vg", "VolumeGroup|live-vg"), persistenceIds(first));
            ack(first, gone, reply -> new VolumeGroupEntity.ForgetDevice("node-a", "pv1.img", reply));
            ack(first, gone, reply -> new VolumeGroupEntity.ForgetDevice("node-a", "pv2.img", reply));
            // As NodeReporter does after each acknowledgement (the topic subscription may still be spreading).
            cache.push("VOLUME_GROUP:" + gone, state(first, gone));
            assertTrue(state(first, gone).reports().isEmpty());
            var sweep = Retirement.start(first, cache);
            try {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!persistenceIds(first).equals(List.of("VolumeGroup|live-vg")) && System.nanoTime() < until) {
                    Thread.sleep(100);
                }
                assertEquals(List.of("VolumeGroup|live-vg"), persistenceIds(first), "the retired aggregate's events are deleted");
            } finally {
                sweep.cancel();
            }
            VgState tombstone = state(first, gone);
            assertTrue(tombstone.retired());
            goneVersion = tombstone.version();
            assertEquals(5, goneVersion, "2 reports, 2 forgets, the retirement");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!cache.get("VOLUME_GROUP:" + gone).orElseThrow().state().retired() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            NodeReadCache.Versioned cached = cache.get("VOLUME_GROUP:" + gone).orElseThrow();
            assertTrue(cached.state().retired() && cached.state().texts().isEmpty(), "caches hold only the tombstone");
            assertFalse(state(first, live).retired());
        } finally {
            VgTestNodes.stop(first);
        }
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + tmp.resolve("state/journal"), "sa", "")) {
            assertEquals(0, count(c, "SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = ? AND NOT \"deleted\"", "VolumeGroup|gone-vg"));
            assertTrue(count(c, "SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = ?", "VolumeGroup|gone-vg") <= 1,
                    "at most the highest sequence number is kept, marked deleted");
            assertEquals(1, count(c, "SELECT COUNT(*) FROM \"snapshot\" WHERE \"persistence_id\" = ?", "VolumeGroup|gone-vg"),
                    "the tombstone's snapshot only");
            assertEquals(1, count(c, "SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = ? AND NOT \"deleted\"", "VolumeGroup|live-vg"));
        }
        ActorSystem<Void> second = start(config, "retire-2");
        try {
            NodeReadCache cache = new NodeReadCache();
            int loaded = CacheLoader.loadAll(second, CacheUpdates.subscribe(second, cache, "loader"), T, 8).toCompletableFuture().get(T.toSeconds(), TimeUnit.SECONDS);
            assertEquals(1, loaded, "only the live aggregate is loaded");
            assertEquals(1, cache.size());
            assertTrue(cache.get("VOLUME_GROUP:" + live).isPresent());
            // The gone VG's disks return: its entity recovers from the tombstone and goes on above it.
            var r = goneReports.get(0);
            StatusReply<VolumeGroupEntity.Ack> back = ack(second, gone, reply -> new VolumeGroupEntity.ReportDevice(r.report(), r.texts(), reply));
            assertEquals(goneVersion + 1, back.getValue().version());
        } finally {
            VgTestNodes.stop(second);
        }
    }

    /** Waits until a fresh topic actor of the cache topic knows {@code others} instances of it with subscribers. */
    private static void awaitTopicInstances(ActorSystem<?> sys, int others) throws Exception {
        var probe = CacheUpdates.topic(sys, "aggregate-updates-probe");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int known = 0;
        while (System.nanoTime() < until) {
            known = org.apache.pekko.actor.typed.javadsl.AskPattern.<org.apache.pekko.actor.typed.pubsub.Topic.Command<CacheUpdates.Update>,
                            org.apache.pekko.actor.typed.pubsub.Topic.TopicStats>ask(probe,
                            org.apache.pekko.actor.typed.pubsub.Topic::getTopicStats, T, sys.scheduler())
                    .toCompletableFuture().get(30, TimeUnit.SECONDS).topicInstanceCount();
            if (known >= others) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the cache topic's actors did not find each other within 30 s (" + known + " known)");
    }

    private static long count(Connection c, String sql, String pid) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<String> persistenceIds(ActorSystem<?> sys) throws Exception {
        JdbcReadJournal journal = PersistenceQuery.get(sys).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
        return journal.currentPersistenceIds().runWith(Sink.seq(), sys).toCompletableFuture().get(30, TimeUnit.SECONDS)
                .stream().filter(p -> p.startsWith("VolumeGroup|")).sorted().toList();
    }

    private static StatusReply<VolumeGroupEntity.Ack> ack(ActorSystem<?> sys, String vg,
            org.apache.pekko.japi.function.Function<org.apache.pekko.actor.typed.ActorRef<StatusReply<VolumeGroupEntity.Ack>>, VolumeGroupEntity.Command> msg)
            throws Exception {
        StatusReply<VolumeGroupEntity.Ack> a = VgSharding.entity(sys, vg).ask(msg, T).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(a.isSuccess(), a.toString());
        return a;
    }
}
