package io.lvmcoord.coordinator.vg;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lvmcoord.persistence.JournalSchema;
import io.lvmcoord.persistence.JournalSettings;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.PvDecoder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two hosts share a disk "d1". Host B read it when it held VG vg09's metadata at seqno 2; host A
 * then reports it at seqno 4 (A wrote it). The entity asks B, and only B, to re-read exactly its
 * devices of vg09; B's re-read brings it to seqno 4 and the VG is converged on both hosts.
 */
class InvalidationTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private ActorSystem<Void> system;
    private final PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);

    @BeforeEach
    void start() throws Exception {
        Config config = JournalSettings.apply(ConfigFactory.parseString("lvmcoord.persistence { profile = h2, state-dir = \""
                + tmp.resolve("state") + "\" }\npekko.actor.provider = cluster\npekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.remote.artery.canonical.port = 0\npekko.loglevel = WARNING\n").withFallback(ConfigFactory.load()));
        system = ActorSystem.create(Behaviors.empty(), "invalidation", config);
        JournalSchema.ensureNow(system, JournalSettings.from(config), T);
        Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
        VgSharding.init(system);
    }

    @AfterEach
    void stop() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A host: its cache, reporter and re-read logic; its "disk" is whatever image {@code d1} holds for it now. */
    private final class Host {
        final String name;
        final NodeReadCache cache = new NodeReadCache();
        final NodeReporter reporter;
        final NodeRereads rereads;
        final Map<String, String> disk = new ConcurrentHashMap<>();
        final List<List<String>> reread = new java.util.concurrent.CopyOnWriteArrayList<>();

        Host(String name) {
            this.name = name;
            this.rereads = new NodeRereads(name, this::rescan);
            this.reporter = new NodeReporter(system, name, cache, CacheUpdates.subscribe(system, cache, name, rereads), T,
                    DecodeLimits.DEFAULT);
        }

        CompletableFuture<Void> rescan(Collection<String> devices) {
            reread.add(List.copyOf(devices));
            List<DeviceScan> scans = new ArrayList<>();
            for (String d : devices) {
                scans.add(scan(d, disk.get(d)));
            }
            return reporter.report(scans).toCompletableFuture();
        }

        void write(String device, String image) throws Exception {
            disk.put(device, image);
            reporter.report(List.of(scan(device, image))).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private DeviceScan scan(String device, String image) {
        try {
            return decoder.decode(new ByteArrayBlockSource(device, OrderIndependenceTest.load("s09-stale-seqno", image)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Convergence awaitConverged(Host h, String key) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Convergence c = Convergence.NONE;
        while (System.nanoTime() < until) {
            var v = h.cache.get(key);
            if (v.isPresent()) {
                c = Convergence.of(v.get().state());
                if (c.converged() && c.seqnoByHost().size() == 2) {
                    return c;
                }
            }
            Thread.sleep(20);
        }
        return c;
    }

    @Test
    void aWriteOnOneHostMakesTheOtherReReadExactlyItsDevicesOfThatVg() throws Exception {
        Host a = new Host("A");
        Host b = new Host("B");
        Thread.sleep(1000); // subscriptions reach the receptionist
        b.write("d1", "pv2.img"); // B read the disk while it held seqno 2
        b.disk.put("d1", "pv1.img"); // then A wrote seqno 4 to the shared disk...
        a.write("d1", "pv1.img"); // ...and A reported it

        String key = CacheUpdates.key(new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP,
                ReportRouting.route(io.lvmcoord.scan.report.PvReports.of("A", scan("d1", "pv1.img")).report(), scan("d1", "pv1.img")).id()));
        Convergence c = awaitConverged(b, key);
        assertTrue(c.converged(), "B converged: " + c);
        assertEquals(Map.of("A", 4L, "B", 4L), c.seqnoByHost());
        assertEquals(List.of(List.of("d1")), b.reread, "B re-read d1 once");
        assertEquals(List.of(), a.reread, "the writer re-reads nothing");
        assertEquals(new NodeRereads.Stats(1, 1, 1), b.rereads.stats());
        assertEquals(new NodeRereads.Stats(0, 0, 0), a.rereads.stats());
        assertTrue(a.cache.get(key).isPresent());
        assertEquals(Map.of("A", 4L, "B", 4L), Convergence.of(a.cache.get(key).orElseThrow().state()).seqnoByHost(),
                "A's cache took B's converged report too");
    }

    @Test
    void aHostThatStillSeesTheOldSeqnoAfterItsReReadIsNotAskedAgainForTheSameSeqno() throws Exception {
        Host a = new Host("A");
        Host b = new Host("B");
        Thread.sleep(1000);
        b.write("d1", "pv2.img"); // B's disk really differs: it keeps seqno 2
        a.write("d1", "pv1.img");
        String key = CacheUpdates.key(new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP,
                ReportRouting.route(io.lvmcoord.scan.report.PvReports.of("A", scan("d1", "pv1.img")).report(), scan("d1", "pv1.img")).id()));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (b.rereads.stats().batches() < 1 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        Thread.sleep(500);
        // Another state of the same seqno arrives at B (A reports a second device): no second re-read.
        a.write("d2", "pv1.img");
        Thread.sleep(500);
        assertEquals(1, b.reread.size(), "one re-read at seqno 4: " + b.reread);
        Convergence c = Convergence.of(b.cache.get(key).orElseThrow().state());
        assertFalse(c.converged());
        assertEquals(Map.of("B", List.of("d1")), c.behind());
        assertEquals(4, c.newest());
    }

    @Test
    void aHostThatSawTheNewSeqnoOnOneOfItsDevicesReReadsItsOthersOfThatVgInsteadOfServingAMixedView() throws Exception {
        Host a = new Host("A");
        Thread.sleep(1000);
        a.write("d1", "pv2.img");
        a.write("d2", "pv2.img"); // both PVs at seqno 2
        a.disk.put("d2", "pv1.img"); // lvm2 commits seqno 4 to both PVs...
        a.write("d1", "pv1.img"); // ...and only d1's report has gone in so far
        String key = CacheUpdates.key(new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP,
                ReportRouting.route(io.lvmcoord.scan.report.PvReports.of("A", scan("d1", "pv1.img")).report(), scan("d1", "pv1.img")).id()));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Convergence c = Convergence.NONE;
        while (System.nanoTime() < until) {
            var v = a.cache.get(key);
            if (v.isPresent() && a.rereads.stats().batches() >= 1) {
                c = Convergence.of(v.get().state());
                if (c.converged()) {
                    break;
                }
            }
            Thread.sleep(20);
        }
        assertTrue(c.converged(), "A re-read its device still showing seqno 2: " + c);
        assertEquals(Map.of("A", 4L), c.seqnoByHost());
        assertEquals(List.of(List.of("d2")), a.reread, "exactly the device that showed the older seqno, once");
    }
}
