package io.lvmcoord.coordinator.vg;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.lvmcoord.persistence.JournalSettings;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.metadata.VgMetadata;
import io.lvmcoord.scan.report.PvReports;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.lvmcoord.coordinator.vg.VgTestNodes.start;
import static io.lvmcoord.coordinator.vg.VgTestNodes.stop;
import static io.lvmcoord.coordinator.vg.VgTestNodes.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A single-node cluster with the VG entities sharded and journaled, stopped and started again:
 * every VG is answered from the journal (no device is read after the restart) with the state it
 * had. Run on the embedded H2 file and on a real PostgreSQL 16 server started by the test.
 */
class ShardedRecoveryTest {
    private static final Duration T = VgTestNodes.T;
    private static final String NODE = "node-a";

    @TempDir
    Path tmp;

    @Test
    void everyVgIsAnsweredFromTheH2JournalAfterARestart() throws Exception {
        suite(ConfigFactory.parseString("lvmcoord.persistence { profile = h2, state-dir = \"" + tmp.resolve("state") + "\" }"));
        assertTrue(Files.exists(tmp.resolve("state/journal.mv.db")));
    }

    @Test
    void everyVgIsAnsweredFromThePostgresqlJournalAfterARestart() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            suite(ConfigFactory.parseString("lvmcoord.persistence.profile = postgres")
                    .withValue("lvmcoord.persistence.postgres.url", ConfigValueFactory.fromAnyRef(pg.getJdbcUrl("postgres", "postgres")))
                    .withValue("lvmcoord.persistence.postgres.user", ConfigValueFactory.fromAnyRef("postgres")));
        }
    }

    private void suite(Config profile) throws Exception {
        Config config = JournalSettings.apply(profile.withFallback(ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.loglevel = WARNING
                """)).withFallback(ConfigFactory.load()));
        Map<String, List<VolumeGroupEntity.ReportDevice>> byVg = reportsByVg();
        Map<String, VgState> before = new LinkedHashMap<>();
        ActorSystem<Void> first = start(config, "recovery-1");
        try {
            for (var e : byVg.entrySet()) {
                for (VolumeGroupEntity.ReportDevice r : e.getValue()) {
                    StatusReply<VolumeGroupEntity.Ack> ack = VgSharding.entity(first, e.getKey())
                            .<StatusReply<VolumeGroupEntity.Ack>>ask(reply -> new VolumeGroupEntity.ReportDevice(r.report(), r.texts(), reply), T)
                            .toCompletableFuture().get(T.toSeconds(), TimeUnit.SECONDS);
                    assertTrue(ack.isSuccess(), ack.toString());
                }
                before.put(e.getKey(), state(first, e.getKey()));
            }
        } finally {
            stop(first);
        }
        assertTrue(before.size() >= 10, "VGs across the fixtures: " + before.keySet());
        ActorSystem<Void> second = start(config, "recovery-2");
        try {
            // What a restarted agent does first: fill its cache from the journal, before any scan.
            NodeReadCache cache = new NodeReadCache();
            int loaded = io.lvmcoord.coordinator.query.CacheLoader.loadAll(second, CacheUpdates.subscribe(second, cache, "loader"), T, 8).toCompletableFuture()
                    .get(T.toSeconds(), TimeUnit.SECONDS);
            assertEquals(before.size(), loaded, "every aggregate in the journal is loaded");
            for (var e : before.entrySet()) {
                NodeReadCache.Versioned cached = cache.get(CacheUpdates.key(
                        new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP, e.getKey()))).orElseThrow();
                assertEquals(e.getValue().version(), cached.version(), "VG " + e.getKey());
                assertEquals(e.getValue().reports(), cached.state().reports(), "VG " + e.getKey());
            }
            // The name index: each VG is found by its name (claims are fire-and-forget and repeated
            // when an entity recovers, so one cut short by the stop is made again by the loading).
            for (var e : before.entrySet()) {
                String name = e.getValue().names(new io.lvmcoord.scan.report.PvReports.TextParser(e.getValue()::text)).first();
                List<String> named = List.of();
                long until = System.nanoTime() + 10_000_000_000L;
                while (!named.contains(e.getKey()) && System.nanoTime() < until) {
                    named = VgSharding.vgsNamed(second, name, T).toCompletableFuture().get(T.toSeconds(), TimeUnit.SECONDS).vgUuids();
                }
                assertTrue(named.contains(e.getKey()), name + " -> " + named);
            }
            for (var e : before.entrySet()) {
                VgState after = state(second, e.getKey());
                assertEquals(e.getValue().reports(), after.reports(), "VG " + e.getKey());
                assertEquals(e.getValue().version(), after.version(), "VG " + e.getKey());
                assertEquals(e.getValue().texts(), after.texts(), "VG " + e.getKey());
            }
        } finally {
            stop(second);
        }
    }


    /** Every fixture device that carries VG metadata, grouped by VG UUID (the entity it belongs to). */
    private static Map<String, List<VolumeGroupEntity.ReportDevice>> reportsByVg() throws Exception {
        Map<String, List<VolumeGroupEntity.ReportDevice>> out = new LinkedHashMap<>();
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        List<String> scenarios = OrderIndependenceTest.scenarios();
        for (String scenario : scenarios) {
            for (String img : Files.readAllLines(OrderIndependenceTest.fixtures().resolve(scenario).resolve("images.txt"))) {
                if (img.isBlank()) {
                    continue;
                }
                DeviceScan scan = decoder.decode(new ByteArrayBlockSource(scenario + "/" + img, OrderIndependenceTest.load(scenario, img)));
                Optional<VgMetadata> vg = scan instanceof DeviceScan.PvScan pv ? pv.metadata() : Optional.empty();
                if (vg.isEmpty()) {
                    continue;
                }
                PvReports.Extracted e = PvReports.of(NODE, scan);
                List<StoredText> texts = new ArrayList<>();
                e.texts().forEach((k, v) -> texts.add(new StoredText(k, v)));
                out.computeIfAbsent(vg.get().id(), k -> new ArrayList<>()).add(new VolumeGroupEntity.ReportDevice(e.report(), texts, null));
            }
        }
        return out;
    }
}
