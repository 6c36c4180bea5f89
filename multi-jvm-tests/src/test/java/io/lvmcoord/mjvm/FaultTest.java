package io.lvmcoord.mjvm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ten kill -9 / restart cycles on nodes drawn at random, with writes around each kill: none of
 * the acknowledged writes may be lost, and the cluster must end as lvm2 describes the last
 * state. Each cycle writes on a live node and, without waiting for the others to catch up,
 * kills a node (maybe the writer, maybe the shard host: the re-read requests of the write may
 * die with it); then writes again on a survivor, and restarts the killed node.
 *
 * <p>The seed is printed; {@code -Dmjvm.seed=N} replays a run's choices.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillRestartCyclesTest {
    static final int CYCLES = 10;
    /** A write retried this long after a kill must be acknowledged (failover of the shard and of the coordinator). */
    static final Duration ACK_LIMIT = Duration.ofSeconds(30);

    private PostgresServer postgres;
    private ClusterHarness cluster;
    private int onSan;

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void startCluster() throws Exception {
        postgres = PostgresServer.start();
        cluster = new ClusterHarness(ClusterHarness.workFor(getClass()), postgres, List.of("A", "B", "C"), List.of());
        onSan = Fixtures.FIRST_STATE;
        cluster.installState(onSan);
        cluster.startAll();
    }

    @AfterAll
    void stopCluster() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void killRestartCyclesOnRandomNodesLoseNoAcknowledgedWrite() throws Exception {
        long seed = Long.getLong("mjvm.seed", new Random().nextLong());
        System.out.println("MJVM cycles seed=" + seed + " (replay with -Dmjvm.seed=" + seed + ")");
        Random random = new Random(seed);
        ClusterChecks.assertFormed(cluster);
        int acknowledged = onSan;
        List<Long> killToAck = new ArrayList<>();
        List<Long> restartToServing = new ArrayList<>();
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            List<String> live = cluster.live();
            String before = pick(random, live);
            ClusterHarness.Run w = cluster.writeState(before, ++onSan);
            assertEquals(0, w.exit(), "cycle " + cycle + ": write of state " + onSan + " on " + before + ": " + w.err());
            acknowledged = onSan;

            String victim = pick(random, live);
            String shardHost = cluster.shardHost(victim, Fixtures.SAN_VG).orElse("?");
            System.out.println("MJVM cycle " + cycle + ": wrote state " + onSan + " on " + before + ", killing " + victim
                    + (victim.equals(shardHost) ? " (shard host)" : " (shard on " + shardHost + ")"));
            long kill = System.nanoTime();
            cluster.kill9(victim);
            List<String> survivors = cluster.live();
            // The write acknowledged just before the kill reaches the survivors by itself (its re-read
            // requests may have died with the shard host; recovery elsewhere must ask again).
            ClusterChecks.assertAllServe(cluster, survivors, acknowledged);
            String writer = pick(random, survivors);
            cluster.installState(++onSan);
            ClusterHarness.Ack ack = cluster.pvscanSanUntilAcknowledged(writer, kill, ACK_LIMIT);
            assertTrue(ack.acknowledged(), "cycle " + cycle + ": no write on " + writer + " acknowledged within " + ACK_LIMIT
                    + " of killing " + victim + " (" + ack.attempts() + " attempts); last: " + ack.last().err());
            acknowledged = onSan;
            killToAck.add(ack.millis());
            ClusterChecks.assertAllServe(cluster, survivors, acknowledged);

            long restart = System.nanoTime();
            cluster.restart(victim);
            for (String n : cluster.names()) {
                cluster.awaitMembers(n, cluster.names().size(), ClusterChecks.FORM);
            }
            ClusterChecks.assertAllServe(cluster, cluster.names(), acknowledged);
            restartToServing.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restart));
            System.out.println("MJVM cycle " + cycle + ": wrote on " + writer + " after the kill: kill->ack=" + ack.millis()
                    + " ms (" + ack.attempts() + " attempts), restart->3 Up and serving seqno " + acknowledged + "="
                    + restartToServing.get(restartToServing.size() - 1) + " ms");
        }
        for (String n : cluster.names()) {
            assertEquals(onSan, cluster.seqno(n, Fixtures.SAN_VG).orElse(-1), n + " at the end");
        }
        ClusterChecks.assertSanAnswersLikeLvm2(cluster, cluster.names(),
                List.of(new Lvm2Reports.Placed(Fixtures.state(onSan), cluster.san())), Map.of());
        System.out.println("MJVM cycles seed=" + seed + " n=" + CYCLES + " writes=" + (onSan - Fixtures.FIRST_STATE) + " lost=0"
                + " kill->ack max=" + killToAck.stream().mapToLong(Long::longValue).max().orElse(-1) + " ms"
                + " restart->serving max=" + restartToServing.stream().mapToLong(Long::longValue).max().orElse(-1) + " ms");
    }

    private static String pick(Random random, List<String> nodes) {
        return nodes.get(random.nextInt(nodes.size()));
    }
}
