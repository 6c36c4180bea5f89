package io.lvmcoord.mjvm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three-node formation, lvm2 agreement, private-VG and propagation scenarios of
 * {@link ThreeNodeClusterTest} over {@code --transport aeron-udp}; then one agent is stopped by
 * closing its stdin (it must exit and remove its Aeron directory), another is killed -9 (its
 * directory stays), and after close none of this run's Aeron directories may remain in /dev/shm.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AeronUdpClusterTest {
    static final int WARMUP_WRITES = 12;
    static final int WRITES = 30;
    static final String PRIVATE_FIXTURE = "s01-single-linear";

    private PostgresServer postgres;
    private ClusterHarness cluster;
    private int onSan;

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void startCluster() throws Exception {
        postgres = PostgresServer.start();
        cluster = new ClusterHarness(ClusterHarness.workFor(getClass()), postgres, List.of("A", "B", "C"), List.of("--transport", "aeron-udp", "--allow-unauthenticated-cluster"));
        Fixtures.install(Fixtures.scenario("s11-multi-vg"), cluster.san(), cluster.staging());
        onSan = Fixtures.FIRST_STATE;
        cluster.installState(onSan);
        Fixtures.install(Fixtures.scenario(PRIVATE_FIXTURE), cluster.privateDir("A"), cluster.staging());
        cluster.startAll();
    }

    @AfterAll
    void stopCluster() throws Exception {
        ClusterHarness.closeAll(cluster, postgres);
    }

    private List<Lvm2Reports.Placed> san() {
        return List.of(new Lvm2Reports.Placed(Fixtures.scenario("s11-multi-vg"), cluster.san()),
                new Lvm2Reports.Placed(Fixtures.state(onSan), cluster.san()));
    }

    private Map<String, Lvm2Reports.Placed> privates() {
        return Map.of("A", new Lvm2Reports.Placed(Fixtures.scenario(PRIVATE_FIXTURE), cluster.privateDir("A")));
    }

    @Test
    @Order(1)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void threeNodesFormOverAeronUdpAndEachAnswersTheSanAsLvm2Does() throws Exception {
        ClusterChecks.assertFormed(cluster);
        for (String n : cluster.names()) {
            // The transport really is Aeron: each node's media driver lives where the harness told it to.
            assertTrue(Files.exists(ClusterHarness.aeronDir(n).resolve("cnc.dat")), "no Aeron driver of " + n + " in " + ClusterHarness.aeronDir(n));
        }
        ClusterChecks.assertSanAnswersLikeLvm2(cluster, cluster.names(), san(), privates());
        ClusterChecks.assertPrivateVgSeenOnlyBy(cluster, "A", privates().get("A"), List.of("sanvg", "vgdata", "vglogs", "vgold"));
    }

    @Test
    @Order(2)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void writesOnOneNodeAreServedByTheOthersOverAeronUdp() throws Exception {
        ClusterChecks.assertAllServe(cluster, cluster.names(), onSan);
        // The first writes of a fresh JVM run interpreted and compiling code (JIT): measured apart,
        // with the same checks, so the figures below describe agents in service.
        ClusterChecks.Propagation warm = ClusterChecks.propagate(cluster, "A", List.of("B", "C"), onSan, WARMUP_WRITES);
        onSan += WARMUP_WRITES;
        System.out.println(warm.line("-aeron" + "-warmup") + " (first writes after start)");
        ClusterChecks.Propagation p = ClusterChecks.propagate(cluster, "A", List.of("B", "C"), onSan, WRITES);
        onSan += WRITES;
        System.out.println(p.line("-aeron") + " (aeron-udp, writer A, readers B C; re-read devices " + p.rereadDevices() + ")");
        ClusterChecks.assertSanAnswersLikeLvm2(cluster, cluster.names(), san(), privates());
    }

    @Test
    @Order(3)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closingAfterAKill9LeavesNoAeronDirectoryOfThisRun() throws Exception {
        // How agents die with a test JVM however it ends: their stdin is a pipe only it holds.
        assertEquals(0, cluster.closeStdinAndAwaitExit("B", Duration.ofSeconds(30)), "B's exit code once its stdin closed");
        assertFalse(Files.exists(ClusterHarness.aeronDir("B")), "B stopped cleanly but left " + ClusterHarness.aeronDir("B"));
        cluster.kill9("C");
        // What the harness is for: a driver killed with its agent leaves its ~200 MB behind.
        assertTrue(Files.exists(ClusterHarness.aeronDir("C")), "kill -9 left no Aeron directory to clean up: " + ClusterHarness.aeronDir("C"));
        cluster.close();
        assertEquals(List.of(), ClusterHarness.ownAeronDirs(), "Aeron directories of this run left in " + ClusterHarness.SHM);
    }
}
