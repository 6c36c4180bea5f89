package io.lvmcoord.mjvm;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks shared by the scenarios of several test classes (one transport or another). */
final class ClusterChecks {
    static final Duration FORM = Duration.ofSeconds(60);
    /** How long a write may take to be served by the other nodes before it counts as lost. */
    static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(10);

    private ClusterChecks() {
    }

    /** Every node lists all nodes as members, Up and reachable, under their own names. */
    static void assertFormed(ClusterHarness cluster) throws InterruptedException {
        for (String n : cluster.names()) {
            JsonNode status = cluster.awaitMembers(n, cluster.names().size(), FORM);
            List<String> named = new ArrayList<>();
            for (JsonNode m : status.get("members")) {
                assertEquals(cluster.address(m.get("node").asText()), m.get("address").asText(), n + " lists " + m);
                named.add(m.get("node").asText());
            }
            assertEquals(cluster.names().stream().sorted().toList(), named.stream().sorted().toList(), n + "'s members");
        }
    }

    /**
     * Each of {@code nodes} answers pvs/vgs/lvs with exactly the SAN fixtures' rows (plus, for a
     * node with a private fixture, that one's), each as lvm2 reported it, and all of them the
     * same rows for the SAN.
     */
    static void assertSanAnswersLikeLvm2(ClusterHarness cluster, List<String> nodes, List<Lvm2Reports.Placed> san,
                                         Map<String, Lvm2Reports.Placed> privateFixtures) {
        for (String report : Lvm2Reports.REPORTS) {
            Map<String, List<JsonNode>> sanRows = new LinkedHashMap<>();
            for (String n : nodes) {
                ClusterHarness.Run r = cluster.cli(n, Lvm2Reports.args(report));
                assertEquals(0, r.exit(), n + " " + report + " exit; stderr: " + r.err());
                List<Lvm2Reports.Placed> expected = new ArrayList<>(san);
                if (privateFixtures.containsKey(n)) {
                    expected.add(privateFixtures.get(n));
                }
                Lvm2Reports.assertSameAsLvm2("node " + n, report, r.out(), expected);
                List<JsonNode> rows = new ArrayList<>();
                san.forEach(p -> rows.addAll(p.select(report, Lvm2Reports.rows(r.out()))));
                sanRows.put(n, rows);
            }
            List<JsonNode> first = sanRows.values().iterator().next();
            sanRows.forEach((n, rows) -> assertEquals(first, rows, report + ": node " + n + " differs from node " + nodes.get(0)));
        }
    }

    /**
     * The VG of {@code owner}'s private fixture is reported by {@code owner} as lvm2 did, and the
     * other nodes, asked about their own view, neither find it by name (lvm2's exit 5) nor list
     * it: they list exactly {@code sanVgs}.
     */
    static void assertPrivateVgSeenOnlyBy(ClusterHarness cluster, String owner, Lvm2Reports.Placed fixture, List<String> sanVgs) {
        for (String vg : fixture.vgNames()) {
            ClusterHarness.Run mine = cluster.cli(owner, Lvm2Reports.args("vgs", vg));
            assertEquals(0, mine.exit(), owner + ": " + mine.err());
            Lvm2Reports.assertSameAsLvm2("node " + owner, "vgs", mine.out(), List.of(fixture));
            for (String other : cluster.names()) {
                if (other.equals(owner)) {
                    continue;
                }
                ClusterHarness.Run named = cluster.cli(other, "vgs", "--noheadings", "-o", "vg_name", vg);
                assertEquals(5, named.exit(), other + " must fail to find " + vg + " as lvm2 does (exit 5); out: " + named.out()
                        + " err: " + named.err());
                ClusterHarness.Run listed = cluster.cli(other, "vgs", "--noheadings", "-o", "vg_name");
                assertEquals(0, listed.exit(), other + ": " + listed.err());
                List<String> names = new ArrayList<>();
                for (String l : listed.out().split("\n")) {
                    if (!l.isBlank()) {
                        names.add(l.trim());
                    }
                }
                assertEquals(sanVgs.stream().sorted().toList(), names.stream().sorted().toList(), other + "'s VGs");
            }
        }
    }

    /** Writes' propagation times and the reading nodes' re-read work. */
    record Propagation(long[] millis, Map<String, Long> rereadDevices, Map<String, Long> devicesScanned) {
        long percentile(double p) {
            long[] sorted = millis.clone();
            Arrays.sort(sorted);
            return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
        }

        String line(String label) {
            // The five slowest writes by their index in the run: tells warm-up (low indices) from a steady-state tail.
            Integer[] order = new Integer[millis.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(millis[b], millis[a]));
            StringBuilder slowest = new StringBuilder();
            for (int i = 0; i < Math.min(5, order.length); i++) {
                slowest.append(i > 0 ? ", " : "").append('#').append(order[i] + 1).append('=').append(millis[order[i]]);
            }
            return "MJVM propagation" + label + " n=" + millis.length + " p50=" + percentile(0.50) + " ms p90=" + percentile(0.90)
                    + " ms p99=" + percentile(0.99) + " ms max=" + percentile(1.0) + " ms slowest [" + slowest + "]";
        }
    }

    /**
     * Writes series states {@code from+1 .. from+writes} on {@code writer}, one at a time, and
     * times each from the writer's {@code pvscan} returning to every reader serving the new
     * seqno. Afterwards each reader must have re-read exactly sanvg's two devices per write, and
     * the writer nothing (it read its own write).
     */
    static Propagation propagate(ClusterHarness cluster, String writer, List<String> readers, int from, int writes) throws Exception {
        List<String> all = new ArrayList<>(readers);
        all.add(writer);
        Map<String, long[]> before = counters(cluster, all);
        long[] millis = new long[writes];
        ExecutorService pollers = Executors.newFixedThreadPool(readers.size());
        try {
            for (int i = 0; i < writes; i++) {
                int seqno = from + 1 + i;
                ClusterHarness.Run w = cluster.writeState(writer, seqno);
                long acked = System.nanoTime();
                assertEquals(0, w.exit(), "pvscan --cache of state " + seqno + " on " + writer + ": " + w.err());
                List<CompletableFuture<Long>> served = new ArrayList<>();
                for (String r : readers) {
                    served.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            long got = cluster.awaitSeqno(r, Fixtures.SAN_VG, seqno, PROPAGATION_LIMIT);
                            assertEquals(seqno, got, r + " served a seqno never written");
                            return System.nanoTime();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }, pollers));
                }
                long last = acked;
                for (CompletableFuture<Long> f : served) {
                    last = Math.max(last, f.get(PROPAGATION_LIMIT.toSeconds() + 5, TimeUnit.SECONDS));
                }
                millis[i] = TimeUnit.NANOSECONDS.toMillis(last - acked);
            }
        } finally {
            pollers.shutdownNow();
        }
        // Re-reads finish before the new seqno is served, but their counters are read separately:
        // wait for them to reach the expected sum, then check they went no further.
        for (String r : readers) {
            long want = before.get(r)[0] + 2L * writes;
            cluster.awaitStatus(r, "rereads.devices >= " + want, Duration.ofSeconds(10),
                    s -> s.get("rereads").get("devices").asLong() >= want);
        }
        Thread.sleep(500);
        Map<String, long[]> after = counters(cluster, all);
        Map<String, Long> reread = new LinkedHashMap<>();
        Map<String, Long> scanned = new LinkedHashMap<>();
        for (String n : all) {
            reread.put(n, after.get(n)[0] - before.get(n)[0]);
            scanned.put(n, after.get(n)[1] - before.get(n)[1]);
        }
        for (String r : readers) {
            assertEquals(2L * writes, reread.get(r), r + " re-read devices over " + writes + " writes (sanvg has 2): " + reread);
            assertEquals(2L * writes, scanned.get(r), r + " scanned devices over " + writes + " writes (sanvg has 2): " + scanned);
        }
        assertEquals(0L, reread.get(writer), "the writer " + writer + " re-read devices: " + reread);
        assertEquals(2L * writes, scanned.get(writer), "the writer " + writer + " scanned what its pvscan named, no more: " + scanned);
        return new Propagation(millis, reread, scanned);
    }

    /** Per node: rereads.devices and scan.devices_scanned. */
    private static Map<String, long[]> counters(ClusterHarness cluster, List<String> nodes) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String n : nodes) {
            JsonNode s = cluster.status(n);
            out.put(n, new long[]{s.get("rereads").get("devices").asLong(), s.get("scan").get("devices_scanned").asLong()});
        }
        return out;
    }

    /** Every node in {@code nodes} serves exactly {@code seqno} for sanvg (waiting for it, bounded). */
    static void assertAllServe(ClusterHarness cluster, List<String> nodes, int seqno) throws InterruptedException {
        for (String n : nodes) {
            long got = cluster.awaitSeqno(n, Fixtures.SAN_VG, seqno, PROPAGATION_LIMIT);
            assertEquals(seqno, got, n + " serves sanvg at a seqno never written");
        }
    }

    static void assertTrueWithin(String what, Duration limit, long elapsedMillis) {
        assertTrue(elapsedMillis <= limit.toMillis(), what + " took " + elapsedMillis + " ms, limit " + limit.toMillis() + " ms");
    }
}
