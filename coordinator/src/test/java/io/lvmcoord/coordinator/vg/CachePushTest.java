package io.lvmcoord.coordinator.vg;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lvmcoord.persistence.JournalSchema;
import io.lvmcoord.persistence.JournalSettings;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.report.PvReports;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each persisted change is pushed to every subscribed node cache, which ends at the newest version. */
class CachePushTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void everyCacheReceivesEachNewVersionFromTheEntity() throws Exception {
        Config config = JournalSettings.apply(ConfigFactory.parseString("lvmcoord.persistence { profile = h2, state-dir = \""
                + tmp.resolve("state") + "\" }\npekko.actor.provider = cluster\npekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.remote.artery.canonical.port = 0\npekko.loglevel = WARNING\n").withFallback(ConfigFactory.load()));
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "push", config);
        try {
            JournalSchema.ensureNow(system, JournalSettings.from(config), T);
            Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
            VgSharding.init(system);
            NodeReadCache a = new NodeReadCache();
            NodeReadCache b = new NodeReadCache();
            CacheUpdates.subscribe(system, a, "a");
            CacheUpdates.subscribe(system, b, "b");
            Thread.sleep(1000); // let the subscriptions reach the receptionist

            PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
            String vgId = null;
            int version = 0;
            for (String img : List.of("pv1.img", "pv2.img")) {
                var scan = decoder.decode(new ByteArrayBlockSource(img, OrderIndependenceTest.load("s02-striped-two-pv", img)));
                PvReports.Extracted e = PvReports.of("node-a", scan);
                ReportRouting.Target target = ReportRouting.route(e.report(), scan);
                vgId = target.id();
                List<StoredText> texts = new ArrayList<>();
                e.texts().forEach((k, v) -> texts.add(new StoredText(k, v)));
                StatusReply<VolumeGroupEntity.Ack> ack = VgSharding.entity(system, target)
                        .<StatusReply<VolumeGroupEntity.Ack>>ask(r -> new VolumeGroupEntity.ReportDevice(e.report(), texts, r), T)
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
                version = (int) ack.getValue().version();
            }
            String key = CacheUpdates.key(new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP, vgId));
            long until = System.nanoTime() + 10_000_000_000L;
            while ((a.get(key).map(NodeReadCache.Versioned::version).orElse(0L) < version
                    || b.get(key).map(NodeReadCache.Versioned::version).orElse(0L) < version) && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertEquals(2, version);
            assertEquals(version, a.get(key).orElseThrow().version());
            assertEquals(version, b.get(key).orElseThrow().version());
            assertTrue(b.get(key).orElseThrow().state().reports().get("node-a").size() == 2);
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
