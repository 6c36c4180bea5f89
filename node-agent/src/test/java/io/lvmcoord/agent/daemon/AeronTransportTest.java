package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.transport.AeronDirectory;
import io.lvmcoord.agent.transport.TransportSettings;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The aeron-udp transport: nodes with embedded media drivers in their own /dev/shm directories
 * form a cluster, and leave nothing in /dev/shm once stopped. The surefire JVM gets the
 * {@code --add-opens} flag the shaded jar's manifest gives the agent; a JVM without it is refused.
 */
class AeronTransportTest {
    private static final Path SHM = Path.of("/dev/shm");

    @TempDir
    Path tmp;

    @Test
    void twoNodesFormAClusterOverAeronUdpAndTheirDriverDirectoriesAreGoneAfterTermination() throws Exception {
        assumeTrue(Files.isDirectory(SHM) && Files.isWritable(SHM), "/dev/shm is not a writable directory here: no test of the default aeron-dir");
        int portA = TestNodes.freeUdpPort();
        int portB = TestNodes.freeUdpPort();
        // Names unique to this run, so a leftover of another run (or another user) is never touched.
        String nameA = "aeron-test-a-" + ProcessHandle.current().pid();
        String nameB = "aeron-test-b-" + ProcessHandle.current().pid();
        Path dirA = SHM.resolve("lvmcoord-aeron-" + nameA + "-" + portA);
        Path dirB = SHM.resolve("lvmcoord-aeron-" + nameB + "-" + portB);
        ActorSystem<Void> a = null;
        ActorSystem<Void> b = null;
        try {
            var configA = TestNodes.config(nameA, portA, tmp.resolve("a"), Map.of("transport", "aeron-udp", "allow-unauthenticated-cluster", true));
            assertEquals("aeron-udp", configA.getString("pekko.remote.artery.transport"));
            assertEquals(dirA.toString(), configA.getString("pekko.remote.artery.advanced.aeron.aeron-dir"));
            a = TestNodes.start(configA, List.of());
            b = TestNodes.start(TestNodes.config(nameB, portB, tmp.resolve("b"), Map.of("transport", "aeron-udp", "allow-unauthenticated-cluster", true)),
                    List.of(TestNodes.seed(portA)));

            Set<String> pair = new TreeSet<>(List.of("pekko://lvmcoord@127.0.0.1:" + portA, "pekko://lvmcoord@127.0.0.1:" + portB));
            assertEquals(pair, TestNodes.awaitUp(Duration.ofSeconds(30), 2, List.of(a, b)));
            assertEquals(pair, TestNodes.upMembers(b));
            assertEquals("pekko", TestNodes.self(a).protocol(), "Artery keeps the pekko protocol on aeron-udp");
            assertTrue(Files.isRegularFile(dirA.resolve("cnc.dat")), "A's driver runs in " + dirA);
            assertTrue(Files.isRegularFile(dirB.resolve("cnc.dat")), "B's driver runs in " + dirB);
        } finally {
            TestNodes.terminate(b, a);
        }
        try {
            assertFalse(Files.exists(dirA), dirA + " deleted when A terminated");
            assertFalse(Files.exists(dirB), dirB + " deleted when B terminated");
            // Released once terminated (by a callback, so moments after the wait above returns): a restarted agent gets them.
            assertTrue(claimable(dirA, Duration.ofSeconds(5)), dirA + " released");
            assertTrue(claimable(dirB, Duration.ofSeconds(5)), dirB + " released");
        } finally {
            // The (empty) lock files stay behind by design; these are this run's own.
            Files.deleteIfExists(dirA.resolveSibling(dirA.getFileName() + ".lock"));
            Files.deleteIfExists(dirB.resolveSibling(dirB.getFileName() + ".lock"));
        }
    }

    private static boolean claimable(Path dir, Duration within) throws Exception {
        long until = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                AeronDirectory.claim(dir).close();
                return true;
            } catch (IllegalStateException held) {
                if (System.nanoTime() > until) {
                    return false;
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void anAgentOnAJvmWithoutTheAddOpensFlagIsRefusedAtStartNamingTheFlag() throws Exception {
        Path log = tmp.resolve("agent.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.lvmcoord.agent.Main", "agent", "--transport", "aeron-udp", "--allow-unauthenticated-cluster",
                "--socket", tmp.resolve("agent.sock").toString(), "--state-dir", tmp.resolve("state").toString(),
                "--node-name", "aeron-no-opens-" + ProcessHandle.current().pid())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(5, p.exitValue(), out);
        assertTrue(out.contains("lvmcoord agent: cannot start: transport aeron-udp needs the JVM flag " + TransportSettings.AERON_JVM_FLAG),
                out);
    }
}
