package io.lvmcoord.mjvm;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster activation map across three agents that see the same disks (those of the
 * dm-s01-linear scenario, recorded with lvm2 2.03.16 on a kernel with device-mapper), each with
 * its own recorded kernel state: A and B the scenario's (LVs a and c active), C an empty one (no
 * dm device). Every node answers lv_active_hosts and {@code lvs --all-nodes} for every host,
 * each warns that a and c of a VG without a lock type are active on A and B at once, a node that
 * leaves drops out of the map, and when it comes back it reports again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActivationMapClusterTest {
    private static final List<String> NODES = List.of("A", "B", "C");
    private static final String FIELDS = "lv_name,lv_active_hosts";
    private static final String WARN_A = "WARNING: LV vg1/a is active on 2 hosts at once (A, B) but may be active on one host only.";
    private static final String WARN_C = "WARNING: LV vg1/c is active on 2 hosts at once (A, B) but may be active on one host only.";

    private PostgresServer postgres;
    private ClusterHarness cluster;
    private Path work;

    static Path scenario() {
        return Fixtures.root().getParent().resolve("dm/dm-s01-linear");
    }

    /** The scenario's disk {@code name}, inflated sparse (256 MiB each, mostly zeros) into {@code dir}. */
    static void unpack(String name, Path dir) throws IOException {
        Fixtures.installSparse(scenario().resolve(name + ".img.gz"), dir.resolve(name));
    }

    /**
     * A kernel-state recording for one node: the scenario's dm/ files (with the driver's version: a
     * host with device-mapper), or empty ones without a version (a host with no device-mapper).
     */
    private Path recording(String node, boolean scenarios) throws IOException {
        Path rec = Files.createDirectories(work.resolve("kernel-" + node));
        if (scenarios) {
            Files.copy(scenario().resolve("dm/version.txt"), rec.resolve("version.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        for (String f : List.of("info.txt", "status.txt", "table.txt")) {
            if (scenarios) {
                Files.copy(scenario().resolve("dm").resolve(f), rec.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.writeString(rec.resolve(f), "");
            }
        }
        return rec;
    }

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void startCluster() throws Exception {
        postgres = PostgresServer.start();
        work = ClusterHarness.workFor(getClass()).toAbsolutePath();
        cluster = new ClusterHarness(work, postgres, NODES, List.of());
        unpack("vdb", cluster.san());
        unpack("vdc", cluster.san());
        for (String n : NODES) {
            Path conf = work.resolve("kernel-" + n + ".conf");
            Files.writeString(conf, "lvmcoord.agent.kernel-state { source = recording\n recording = \"" + recording(n, !n.equals("C"))
                    + "\"\n reconcile-interval = 2s }\n");
            cluster.flagsFor(n, "--config", conf.toString());
        }
        cluster.startAll();
    }

    @AfterAll
    void stopCluster() throws Exception {
        ClusterHarness.closeAll(cluster, postgres);
    }

    /** {@code lvs} rows "name|hosts" of one node's answer. */
    private ClusterHarness.Run lvs(String node, String... more) {
        List<String> args = new ArrayList<>(List.of("lvs", "--noheadings", "--separator", "|", "-o", FIELDS));
        args.addAll(List.of(more));
        return cluster.cli(node, args.toArray(String[]::new));
    }

    private static ClusterHarness.Run await(Duration within, String what, java.util.function.Supplier<ClusterHarness.Run> ask,
                                            Predicate<ClusterHarness.Run> test) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        ClusterHarness.Run last = null;
        while (System.nanoTime() < until) {
            last = ask.get();
            if (last.exit() == 0 && test.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " not seen within " + within + "; last: " + last);
    }

    private static String rows(String a, String c) {
        return "  a|" + a + "\n  b|\n  c|" + c + "\n  d|\n";
    }

    private List<String> doubleActivations(String node) {
        List<String> out = new ArrayList<>();
        for (JsonNode w : cluster.status(node).get("double_activations")) {
            out.add(w.get("vg").asText() + "/" + w.get("lv").asText() + " on " + w.get("hosts").toString());
        }
        return out;
    }

    @Test
    @Order(1)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyNodeAnswersTheActiveHostsOfEveryLvAndWarnsOfTheDoubleActivation() throws Exception {
        for (String n : NODES) {
            ClusterHarness.Run r = await(Duration.ofSeconds(60), "a and c active on A and B, asked on " + n, () -> lvs(n),
                    run -> run.out().equals(rows("A,B", "A,B")));
            assertEquals(rows("A,B", "A,B"), r.out());
        }
        // --all-nodes: each host's own report, every one of them knowing where a and c are active.
        ClusterHarness.Run all = lvs("C", "--all-nodes");
        assertEquals("Node A:\n" + rows("A,B", "A,B") + "\nNode B:\n" + rows("A,B", "A,B") + "\nNode C:\n" + rows("A,B", "A,B"), all.out());
        // Each host's section has that host's kernel columns: A's and B's as they reported them to the
        // map, C's unknown (it has no device-mapper: lvm2 prints 'X' there), whichever node is asked.
        for (String asked : List.of("A", "C")) {
            ClusterHarness.Run attrs = cluster.cli(asked, "lvs", "--noheadings", "--separator", "|", "-o", "lv_name,lv_attr,lv_active_hosts",
                    "--all-nodes");
            String known = "  a|-wi-a-----|A,B\n  b|-wi-------|\n  c|-wi-a-----|A,B\n  d|-wi------k|\n";
            String unknown = "  a|-wi-XX----|A,B\n  b|-wi-XX----|\n  c|-wi-XX----|A,B\n  d|-wi-XX---k|\n";
            assertEquals("Node A:\n" + known + "\nNode B:\n" + known + "\nNode C:\n" + unknown, attrs.out(), "asked on " + asked);
        }
        for (String n : NODES) {
            assertEquals(List.of("vg1/a on [\"A\",\"B\"]", "vg1/c on [\"A\",\"B\"]"), doubleActivations(n), "status of " + n);
            ClusterHarness.Run status = cluster.cli(n, "status");
            assertEquals("  " + WARN_A + "\n  " + WARN_C + "\n", status.err(), "status warnings of " + n);
            JsonNode k = cluster.status(n).get("kernel_state");
            assertEquals(n.equals("C") ? 0 : 2, k.get("devices").asInt(), "dm devices of " + n);
        }
        // Logged at WARN once on each node, however many versions of vg1 followed.
        for (String n : NODES) {
            long lines = Files.readAllLines(cluster.log(n)).stream()
                    .filter(l -> l.contains("WARN") && l.contains("LV vg1/a is active on 2 hosts at once (A, B)")).count();
            assertEquals(1, lines, "warnings of vg1/a logged by " + n);
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aNodeThatLeavesDropsOutOfTheMapAndReportsAgainWhenItComesBack() throws Exception {
        assertEquals(0, cluster.closeStdinAndAwaitExit("B", Duration.ofSeconds(60)));
        ClusterHarness.Run gone = await(Duration.ofSeconds(60), "B out of the map, asked on C", () -> lvs("C"),
                run -> run.out().equals(rows("A", "A")));
        assertEquals(rows("A", "A"), gone.out());
        assertEquals(List.of(), doubleActivations("A"));
        assertEquals("", cluster.cli("A", "status").err());

        cluster.start("B");
        ClusterHarness.Run back = await(Duration.ofSeconds(60), "B back in the map, asked on A", () -> lvs("A"),
                run -> run.out().equals(rows("A,B", "A,B")));
        assertEquals(rows("A,B", "A,B"), back.out());
        assertEquals(List.of("vg1/a on [\"A\",\"B\"]", "vg1/c on [\"A\",\"B\"]"), doubleActivations("C"));
        assertTrue(cluster.cli("C", "status").err().contains(WARN_A));
    }
}
