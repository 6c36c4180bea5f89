package io.lvmcoord.coordinator.vg;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lvmcoord.persistence.JournalSettings;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Read after acknowledge, cluster-wide: when an entity acknowledges a write, every reachable
 * member's cache already holds the version it made, so a query started on any of them after the
 * acknowledgement sees it. A cache that never confirms does not hold writes up past the bound.
 */
class ReadAfterAcknowledgeTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Config config(String deliveryWait) {
        return JournalSettings.apply(ConfigFactory.parseString("lvmcoord.persistence { profile = h2, state-dir = \""
                + tmp.resolve("state") + "\" }\npekko.actor.provider = cluster\npekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.remote.artery.canonical.port = 0\npekko.loglevel = WARNING\nlvmcoord.vg-entity.delivery-wait = "
                + deliveryWait + "\n").withFallback(ConfigFactory.load()));
    }

    @Test
    void whenAWriteIsAcknowledgedOnOneMemberTheOtherMembersCacheAlreadyHoldsIt() throws Exception {
        Config config = config("10s");
        ActorSystem<Void> a = VgTestNodes.start(config, "raa");
        ActorSystem<Void> b = null;
        try {
            b = ActorSystem.create(Behaviors.empty(), "raa", config);
            Cluster.get(b).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
            VgSharding.init(b);
            awaitUp(a, 2);
            awaitUp(b, 2);
            NodeReadCache cacheA = new NodeReadCache();
            NodeReadCache cacheB = new NodeReadCache();
            CacheUpdates.subscribe(a, cacheA, "a");
            CacheUpdates.subscribe(b, cacheB, "b");
            awaitRegistered(a, 2);

            List<VolumeGroupEntity.ReportDevice> reports = VgTestNodes.reports("node-a", "s02-striped-two-pv", "pv1.img", "pv2.img");
            String vg = "raa-vg"; // an entity takes any report; the id only names it
            String key = CacheUpdates.key(new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP, vg));
            // Twenty writes, from either member (the entity lives on one of them): each acknowledgement
            // finds both caches at its version, read at once, no polling.
            for (int i = 0; i < 20; i++) {
                ActorSystem<Void> writer = i % 2 == 0 ? a : b;
                var r = reports.get(i % 2);
                long version = (i / 2) % 2 == 0
                        ? ack(writer, vg, reply -> new VolumeGroupEntity.ReportDevice(r.report(), r.texts(), reply))
                        : ack(writer, vg, reply -> new VolumeGroupEntity.ForgetDevice("node-a", r.report().device(), reply));
                assertEquals(i + 1, version, "write " + i + " changed the VG");
                assertEquals(version, cacheA.get(key).orElseThrow().version(), "write " + i + ": member a's cache at the acknowledgement");
                assertEquals(version, cacheB.get(key).orElseThrow().version(), "write " + i + ": member b's cache at the acknowledgement");
            }
        } finally {
            if (b != null) {
                VgTestNodes.stop(b);
            }
            VgTestNodes.stop(a);
        }
    }

    @Test
    void aCacheThatNeverConfirmsDelaysAnAcknowledgementByTheDeliveryWaitAtMost() throws Exception {
        ActorSystem<Void> system = VgTestNodes.start(config("1s"), "raa-stalled");
        try {
            NodeReadCache live = new NodeReadCache();
            CacheUpdates.subscribe(system, live, "live");
            // A member's cache that takes updates and never answers (a node paused mid-GC, say).
            var stalled = system.systemActorOf(Behaviors.<CacheUpdates.Update>ignore(), "stalled-cache", Props.empty());
            system.receptionist().tell(Receptionist.register(CacheUpdates.CACHES, stalled));
            awaitRegistered(system, 2);

            var r = VgTestNodes.reports("node-x", "s01-single-linear", "pv1.img").get(0);
            String vg = "raa-stalled-vg";
            long started = System.nanoTime();
            long version = ack(system, vg, reply -> new VolumeGroupEntity.ReportDevice(r.report(), r.texts(), reply));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(1, version);
            assertTrue(millis >= 900, "the write waited for the stalled cache up to the delivery wait (1 s), took " + millis + " ms");
            assertTrue(millis < 10_000, "and not longer than a few times the bound, took " + millis + " ms");
            assertEquals(1, live.get(CacheUpdates.key(new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP, vg)))
                    .orElseThrow().version());
        } finally {
            VgTestNodes.stop(system);
        }
    }

    private static long ack(ActorSystem<Void> sys, String vg,
                            org.apache.pekko.japi.function.Function<org.apache.pekko.actor.typed.ActorRef<StatusReply<VolumeGroupEntity.Ack>>,
                                    VolumeGroupEntity.Command> msg) throws Exception {
        StatusReply<VolumeGroupEntity.Ack> reply = VgSharding.entity(sys, vg).<StatusReply<VolumeGroupEntity.Ack>>ask(msg, T)
                .toCompletableFuture().get(T.toSeconds(), TimeUnit.SECONDS);
        return reply.getValue().version();
    }

    private static void awaitUp(ActorSystem<Void> sys, int members) throws InterruptedException {
        long until = System.nanoTime() + T.toNanos();
        while (java.util.stream.StreamSupport.stream(Cluster.get(sys).state().getMembers().spliterator(), false)
                .filter(m -> m.status() == MemberStatus.up()).count() < members) {
            assertTrue(System.nanoTime() < until, "cluster of " + members + " not Up within " + T);
            Thread.sleep(50);
        }
    }

    /** Waits until {@code sys}'s receptionist lists {@code n} caches (registrations spread by gossip). */
    private static void awaitRegistered(ActorSystem<Void> sys, int n) throws Exception {
        long until = System.nanoTime() + T.toNanos();
        while (true) {
            Receptionist.Listing l = org.apache.pekko.actor.typed.javadsl.AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
                    sys.receptionist(), r -> Receptionist.find(CacheUpdates.CACHES, r), T, sys.scheduler())
                    .toCompletableFuture().get(T.toSeconds(), TimeUnit.SECONDS);
            if (l.getServiceInstances(CacheUpdates.CACHES).size() >= n) {
                return;
            }
            assertTrue(System.nanoTime() < until, n + " caches not registered within " + T);
            Thread.sleep(50);
        }
    }
}
