package io.lvmcoord.mjvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three agents, each in a network namespace of its own, on one PostgreSQL journal, a shared SAN
 * of sanvg's two images, while every live agent is asked {@code lvs} every 100 ms:
 * <ul>
 *   <li>ten kill -9 / restart cycles of nodes drawn at random (the VG's shard host often), some
 *       while the victim runs a {@code pvscan --cache}, with writes before each kill and on a
 *       survivor after it;</li>
 *   <li>one node SIGSTOPped for 15 s (the cluster downs it; on SIGCONT it must exit non-zero,
 *       and it is restarted as systemd would), with a write meanwhile;</li>
 *   <li>one node cut off the network for 15 s (its link down: peers and journal alike), with a
 *       write on the majority meanwhile, then healed and, if it stopped, restarted.</li>
 * </ul>
 * It counts what the guarantees forbid: acknowledged writes lost, answers with a seqno below one
 * acknowledged before the query started and no may-be-stale flag, answers whose LVs are not
 * lvm2's for the seqno they claim, and failed queries; and it times kill-to-fresh (kill until a
 * write on a survivor is acknowledged and every survivor serves it unflagged) and
 * restart-to-serving (start until the node serves the acknowledged seqno unflagged).
 *
 * <p>The seed is printed; {@code -Dmjvm.seed=N} replays a run's choices.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultTest {
    static final int CYCLES = 10;
    /** A write retried this long after a fault must be acknowledged (failover of the shard and of the coordinator). */
    static final Duration ACK_LIMIT = Duration.ofSeconds(30);
    static final Duration OUTAGE = Duration.ofSeconds(15);
    static final Duration FRESH_LIMIT = Duration.ofSeconds(30);
    static final long PROBE_EVERY_MS = 100;
    static final String PROBE_FIELDS = Lvm2Reports.LVF + ",vg_seqno";

    private NetNamespaces net;
    private PostgresServer postgres;
    private ClusterHarness cluster;
    private int onSan;
    private final Ledger ledger = new Ledger();

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void startCluster() throws Exception {
        Assumptions.assumeTrue(NetNamespaces.available(),
                "FaultTest needs root and a kernel with network namespaces, veth and bridges (ip link add ... type bridge failed)");
        List<String> names = List.of("A", "B", "C");
        net = NetNamespaces.create(names);
        postgres = PostgresServer.start(net.hostAddress(), net.cidr());
        cluster = new ClusterHarness(ClusterHarness.workFor(getClass()), postgres, names, List.of(), net);
        onSan = Fixtures.FIRST_STATE;
        cluster.installState(onSan);
        cluster.startAll();
        ledger.acknowledged(onSan);
    }

    @AfterAll
    void stopCluster() throws Exception {
        ClusterHarness.closeAll(cluster, postgres, net);
    }

    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    void killsAPauseAndAPartitionLoseNothingAndNeverServeStaleUnflagged() throws Exception {
        long seed = Long.getLong("mjvm.seed", new Random().nextLong());
        System.out.println("MJVM fault seed=" + seed + " (replay with -Dmjvm.seed=" + seed + ")");
        Random random = new Random(seed);
        ClusterChecks.assertFormed(cluster);
        List<Long> killToFresh = new ArrayList<>();
        List<Long> restartToServing = new ArrayList<>();
        try (Probes probes = new Probes(cluster, ledger)) {
            cluster.names().forEach(probes::serving);

            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                List<String> live = cluster.live();
                String writer = pick(random, live);
                write(writer);
                String victim = pick(random, live);
                String shardHost = cluster.shardHost(victim, Fixtures.SAN_VG).orElse("?");
                boolean midPvscan = random.nextBoolean();
                CompletableFuture<ClusterHarness.Run> inFlight = null;
                if (midPvscan) {
                    cluster.installState(++onSan);
                    int seqno = onSan;
                    inFlight = CompletableFuture.supplyAsync(() -> {
                        ClusterHarness.Run r = cluster.pvscanSan(victim);
                        if (r.exit() == 0) {
                            ledger.acknowledged(seqno);
                        }
                        return r;
                    });
                    Thread.sleep(random.nextInt(150));
                }
                probes.down(victim);
                long kill = System.nanoTime();
                String killedAt = java.time.LocalTime.now().toString();
                cluster.kill9(victim);
                String inFlightOutcome = "";
                if (inFlight != null) {
                    ClusterHarness.Run r = inFlight.get(60, TimeUnit.SECONDS);
                    inFlightOutcome = r.exit() == 0 ? ", its pvscan acknowledged before the kill" : ", killed mid-pvscan";
                }
                List<String> survivors = cluster.live();
                String after = pick(random, survivors);
                cluster.installState(++onSan);
                ClusterHarness.Ack ack = cluster.pvscanSanUntilAcknowledged(after, kill, ACK_LIMIT);
                assertTrue(ack.acknowledged(), "cycle " + cycle + ": no write on " + after + " acknowledged within " + ACK_LIMIT
                        + " of killing " + victim + " (" + ack.attempts() + " attempts); last: " + ack.last().err());
                ledger.acknowledged(onSan);
                for (String s : survivors) {
                    cluster.awaitFresh(s, Fixtures.SAN_VG, onSan, FRESH_LIMIT);
                }
                killToFresh.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - kill));
                long restarted = restart(victim, probes);
                restartToServing.add(restarted);
                System.out.println("MJVM fault cycle " + cycle + ": killed " + victim + " at " + killedAt
                        + (victim.equals(shardHost) ? " (shard host)" : " (shard on " + shardHost + ")") + inFlightOutcome
                        + "; write on " + after + " acknowledged " + ack.millis() + " ms after the kill (" + ack.attempts()
                        + " attempts), every survivor fresh at " + killToFresh.get(killToFresh.size() - 1) + " ms; restart->serving "
                        + restarted + " ms");
            }

            // A node paused past the failure detector: downed; on SIGCONT it must end non-zero (systemd restarts it).
            String paused = pick(random, cluster.live());
            probes.down(paused);
            long pause = System.nanoTime();
            String pausedAt = java.time.LocalTime.now().toString();
            cluster.pause(paused);
            OutageWrite pausedWrite = writeWithout(paused, pause, random, "paused");
            sleepUntil(pause + OUTAGE.toNanos());
            cluster.resume(paused);
            int pausedExit = cluster.awaitExit(paused, Duration.ofSeconds(60));
            assertEquals(75, pausedExit, paused + " was downed while paused: it must exit 75 (EX_TEMPFAIL) for systemd to restart it; log "
                    + cluster.log(paused));
            long pausedRestart = restart(paused, probes);
            restartToServing.add(pausedRestart);
            System.out.println("MJVM fault pause: " + paused + " SIGSTOPped " + OUTAGE.toSeconds() + " s at " + pausedAt + "; others acknowledged a write "
                    + pausedWrite.ack().millis() + " ms after the pause, fresh at " + pausedWrite.toFreshMillis() + " ms; " + paused + " exited " + pausedExit
                    + " on SIGCONT; restart->serving " + pausedRestart + " ms");

            // A node cut off the network: it keeps answering (flagged), the majority goes on writing.
            String cut = pick(random, cluster.live());
            long cutAt = System.nanoTime();
            String cutWallClock = java.time.LocalTime.now().toString();
            cluster.cut(cut);
            OutageWrite cutWrite = writeWithout(cut, cutAt, random, "cut off");
            sleepUntil(cutAt + OUTAGE.toNanos());
            // Answers until here are counted; once healed, it may be on its way out (it downed itself as the minority).
            probes.down(cut);
            cluster.heal(cut);
            String cutOutcome;
            if (cluster.isAlive(cut)) {
                int exit = cluster.awaitExit(cut, Duration.ofSeconds(60));
                assertEquals(75, exit, cut + " downed itself as the minority: it must exit 75; log " + cluster.log(cut));
                cutOutcome = "exited " + exit;
            } else {
                cutOutcome = "had exited " + cluster.awaitExit(cut, Duration.ofSeconds(1)) + " while cut off";
            }
            long cutRestart = restart(cut, probes);
            restartToServing.add(cutRestart);
            System.out.println("MJVM fault partition: " + cut + " cut off " + OUTAGE.toSeconds() + " s at " + cutWallClock + "; majority acknowledged a write "
                    + cutWrite.ack().millis() + " ms after the cut, fresh at " + cutWrite.toFreshMillis() + " ms; " + cut + " " + cutOutcome
                    + "; restart->serving " + cutRestart + " ms");

            for (String n : cluster.names()) {
                cluster.awaitFresh(n, Fixtures.SAN_VG, onSan, FRESH_LIMIT);
            }
            probes.close();
            Probes.Tally t = probes.tally();
            long lost = cluster.names().stream().filter(n -> cluster.seqno(n, Fixtures.SAN_VG).orElse(-1) < ledger.highest()).count();
            List<Long> sorted = restartToServing.stream().sorted().toList();
            System.out.println("MJVM fault seed=" + seed + " cycles=" + CYCLES + " pause=1 partition=1 acknowledged=" + ledger.count()
                    + " queries=" + t.answered() + " lost=" + lost + " unflagged-stale=" + t.unflaggedStale() + " wrong=" + t.wrong()
                    + " failed=" + t.failed() + " flagged=" + t.flagged() + " refused-while-exiting=" + t.refusedExiting() + " kill->fresh max=" + max(killToFresh) + " ms "
                    + killToFresh + " restart->serving median=" + sorted.get(sorted.size() / 2) + " ms max=" + max(restartToServing)
                    + " ms " + restartToServing);
            t.examples().forEach(e -> System.out.println("MJVM fault example: " + e));
            assertEquals(0, lost, "acknowledged writes lost");
            assertEquals(0, t.unflaggedStale(), "answers below an acknowledged seqno without the may-be-stale flag: " + t.examples());
            assertEquals(0, t.wrong(), "answers whose LVs are not lvm2's for the seqno they claim: " + t.examples());
            assertEquals(0, t.failed(), "failed queries: " + t.examples());
        }
        ClusterChecks.assertSanAnswersLikeLvm2(cluster, cluster.names(),
                List.of(new Lvm2Reports.Placed(Fixtures.state(onSan), cluster.san())), Map.of());
    }

    /** A write made while a node was out, and the ms from the outage until every other node served it unflagged. */
    private record OutageWrite(ClusterHarness.Ack ack, long toFreshMillis) {
    }

    /**
     * The next series state written on a node other than {@code out} (retried until acknowledged,
     * as a host would), then awaited fresh on every other node; {@code since} is when {@code out}
     * went out ({@code what} it became, for the message).
     */
    private OutageWrite writeWithout(String out, long since, Random random, String what) throws Exception {
        List<String> others = cluster.names().stream().filter(n -> !n.equals(out)).toList();
        cluster.installState(++onSan);
        ClusterHarness.Ack ack = cluster.pvscanSanUntilAcknowledged(pick(random, others), since, ACK_LIMIT);
        assertTrue(ack.acknowledged(), "no write acknowledged on the others while " + out + " was " + what + ": " + ack.last().err());
        ledger.acknowledged(onSan);
        for (String s : others) {
            cluster.awaitFresh(s, Fixtures.SAN_VG, onSan, FRESH_LIMIT);
        }
        return new OutageWrite(ack, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
    }

    /** A write of the next series state on {@code writer}, which must be acknowledged. */
    private void write(String writer) throws java.io.IOException {
        ClusterHarness.Run w = cluster.writeState(writer, ++onSan);
        assertEquals(0, w.exit(), "write of state " + onSan + " on " + writer + ": " + w.err());
        ledger.acknowledged(onSan);
    }

    /** Starts a node again; probes it from "agent ready" on; returns ms until it serves the acknowledged seqno unflagged. */
    private long restart(String node, Probes probes) throws Exception {
        long start = System.nanoTime();
        cluster.launchAndAwaitReady(node);
        probes.serving(node);
        cluster.awaitFresh(node, Fixtures.SAN_VG, ledger.highest(), FRESH_LIMIT);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        cluster.awaitScanPersisted(node);
        for (String n : cluster.names()) {
            cluster.awaitMembers(n, cluster.names().size(), ClusterChecks.FORM);
        }
        return millis;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    private static String pick(Random random, List<String> nodes) {
        return nodes.get(random.nextInt(nodes.size()));
    }

    /** The acknowledged writes, each with the moment its {@code pvscan --cache} returned. */
    static final class Ledger {
        private record Acked(long seqno, long atNanos) {
        }

        private final List<Acked> acks = new CopyOnWriteArrayList<>();

        void acknowledged(long seqno) {
            acks.add(new Acked(seqno, System.nanoTime()));
        }

        /** The highest seqno acknowledged before {@code nanos}. */
        long acknowledgedBefore(long nanos) {
            return acks.stream().filter(a -> a.atNanos() < nanos).mapToLong(Acked::seqno).max().orElse(0);
        }

        long highest() {
            return acks.stream().mapToLong(Acked::seqno).max().orElse(0);
        }

        int count() {
            return acks.size();
        }
    }

    /**
     * One thread per node asking it {@code lvs} every 100 ms while it is marked serving, each
     * answer judged against the ledger as of the moment the query started and against lvm2's
     * report of the seqno it claims. Marking a node down (before killing or pausing it) stops
     * its probes; an answer still in flight then is not counted.
     */
    static final class Probes implements AutoCloseable {
        record Tally(int answered, int flagged, int unflaggedStale, int wrong, int failed, int refusedExiting, List<String> examples) {
        }

        private final ClusterHarness cluster;
        private final Ledger ledger;
        private final Map<String, Long> servingSince = new ConcurrentHashMap<>();
        private final Map<Long, List<JsonNode>> expected = new ConcurrentHashMap<>();
        private final List<Thread> threads = new ArrayList<>();
        private final List<String> examples = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;
        private int answered;
        private int flagged;
        private int unflaggedStale;
        private int wrong;
        private int failed;

        Probes(ClusterHarness cluster, Ledger ledger) {
            this.cluster = cluster;
            this.ledger = ledger;
            for (String n : cluster.names()) {
                Thread t = new Thread(() -> probe(n), "probe-" + n);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        void serving(String node) {
            servingSince.put(node, System.nanoTime());
        }

        void down(String node) {
            servingSince.remove(node);
        }

        private void probe(String node) {
            long next = System.nanoTime();
            while (running) {
                Long since = servingSince.get(node);
                // Queries go to live agents: one that ended by itself (downed) is not asked until restarted.
                if (since != null && cluster.isAlive(node)) {
                    long start = System.nanoTime();
                    ClusterHarness.Run r = cluster.cli(node, "lvs", "-a", "-o", PROBE_FIELDS, "--reportformat", "json", "--units", "b",
                            "--nosuffix", Fixtures.SAN_VG);
                    // Counted only if the node was marked serving throughout (not killed or paused meanwhile),
                    // and a failure only if the node did not end within seconds (a node downed by the
                    // cluster, the minority of a partition, refuses queries on its way out).
                    if (since.equals(servingSince.get(node)) && !(r.exit() != 0 && exitsWithin(node, EXITING))) {
                        judge(node, start, r);
                    } else if (r.exit() != 0) {
                        refusedWhileExiting(node, r);
                    }
                }
                next += TimeUnit.MILLISECONDS.toNanos(PROBE_EVERY_MS);
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                } else {
                    next = System.nanoTime();
                }
            }
        }

        private synchronized void judge(String node, long start, ClusterHarness.Run r) {
            answered++;
            String at = node + " at " + java.time.LocalTime.now().minusNanos(System.nanoTime() - start);
            if (r.exit() != 0) {
                failed++;
                example("failed: " + at + " exit " + r.exit() + ": " + r.err().trim());
                return;
            }
            List<JsonNode> rows = Lvm2Reports.rows(r.out());
            if (rows.isEmpty()) {
                wrong++;
                example("no LV: " + at + ": " + r.out().trim());
                return;
            }
            long seqno = rows.get(0).get("vg_seqno").asLong();
            if (r.mayBeStale()) {
                flagged++;
            }
            long acknowledged = ledger.acknowledgedBefore(start);
            if (seqno < acknowledged && !r.mayBeStale()) {
                unflaggedStale++;
                example("unflagged stale: " + at + " answered seqno " + seqno + " after " + acknowledged + " was acknowledged");
            }
            List<JsonNode> lvs = new ArrayList<>();
            for (JsonNode row : rows) {
                ObjectNode copy = row.deepCopy();
                copy.remove("vg_seqno");
                lvs.add(copy);
            }
            try {
                Lvm2Reports.assertSameRows(at + " claiming seqno " + seqno, expected(seqno), lvs);
            } catch (AssertionError | RuntimeException e) {
                wrong++;
                example("wrong: " + e.getMessage());
            }
        }

        private List<JsonNode> expected(long seqno) {
            return expected.computeIfAbsent(seqno, s -> new Lvm2Reports.Placed(Fixtures.state((int) (long) s), cluster.san())
                    .expectedRows("lvs").stream().filter(row -> row.get("vg_name").asText().equals(Fixtures.SAN_VG)).toList());
        }

        /** How soon after a failed query a node must have ended for the failure to be its exit, not a failover's. */
        private static final Duration EXITING = Duration.ofSeconds(5);
        private int refusedExiting;

        private boolean exitsWithin(String node, Duration limit) {
            long until = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < until) {
                if (!cluster.isAlive(node)) {
                    return true;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return false;
        }

        private synchronized void refusedWhileExiting(String node, ClusterHarness.Run r) {
            refusedExiting++;
            example("refused while exiting (not counted): " + node + " exit " + r.exit() + ": " + r.err().trim());
        }

        private void example(String e) {
            if (examples.size() < 20) {
                examples.add(e);
            }
        }

        synchronized Tally tally() {
            return new Tally(answered, flagged, unflaggedStale, wrong, failed, refusedExiting, List.copyOf(examples));
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
        }
    }
}
