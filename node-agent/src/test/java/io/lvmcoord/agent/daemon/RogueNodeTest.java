package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.cli.LvmcoordCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A local user who is not root against the cluster port: a rogue Pekko node (its own JVM,
 * {@link RogueNode}) run as uid 65534 tries to join the agent's cluster and down it, over plain
 * TCP and over TLS with a CA of its own, and to read the agent's keys and journal. It must get
 * nowhere against a default agent and against the documented multi-host setup (credentials from
 * {@code lvmcoord tls init-ca/issue}); the control case shows the same program does join and
 * down an agent started with the unauthenticated transport.
 */
class RogueNodeTest {
    private static final Path DEMO = Path.of("..", "testdata", "demo").toAbsolutePath().normalize();
    private static final String NOBODY = "65534";
    /** The test classpath copied where uid 65534 can read it (root's Maven repository is private). */
    private static Path sharedClasspath;
    private static String rogueClasspath;

    @TempDir
    Path tmp;

    @BeforeAll
    static void shareTheClasspath() throws IOException {
        assumeTrue("0".equals(uid()), "needs root to run a process as another uid; skipping the rogue-node tests");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv missing; skipping the rogue-node tests");
        sharedClasspath = Files.createTempDirectory("lvmcoord-rogue-cp");
        Files.setPosixFilePermissions(sharedClasspath, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p)) {
                Path copy = sharedClasspath.resolve((i++) + "-" + p.getFileName());
                Files.copy(p, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            } else if (Files.isDirectory(p)) {
                // Copied too: the build may live under a home directory other users cannot enter.
                Path copy = sharedClasspath.resolve((i++) + "-classes");
                copyTree(p, copy);
                entries.add(copy.toString());
            }
        }
        rogueClasspath = String.join(File.pathSeparator, entries);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(f, target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    @AfterAll
    static void removeTheCopy() throws IOException {
        if (sharedClasspath != null) {
            try (Stream<Path> files = Files.walk(sharedClasspath)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void aLocalUserCannotJoinDownOrReadTheKeysOfADefaultAgent() throws Exception {
        int port = TestNodes.freeTcpPort();
        // Open down to the state directory, so that only the agent's own modes stand between the rogue and its files.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path work = tmp.resolve("agent");
        try (AgentProcess agent = AgentProcess.start(work, "--devices-dir", DEMO.toString(), "--cluster-port", String.valueOf(port),
                "--node-name", "victim")) {
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(work)));
            agent.awaitScanned();
            Path state = work.resolve("state");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("journal.mv.db"))));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("tls/ca.p12"))));

            List<Path> secrets = List.of(state.resolve("tls/ca.p12"), state.resolve("tls/node.p12"), state.resolve("tls/password"),
                    state.resolve("journal.mv.db"));
            String plain = rogue("tcp", port, secrets);
            for (Path s : secrets) {
                assertTrue(plain.contains("READ " + s + ": denied"), plain);
            }
            assertTrue(plain.contains("ROGUE NOT ADMITTED"), plain);
            String ownCa = rogue("tls-own-ca", port, List.of());
            assertTrue(ownCa.contains("ROGUE NOT ADMITTED"), ownCa);

            assertAgentAloneAndServing(agent);
        }
    }

    @Test
    void aLocalUserCannotJoinTheDocumentedMultiHostSetupWhileANodeIssuedByItsCaCan() throws Exception {
        Path ca = tmp.resolve("cluster-ca");
        Path work = tmp.resolve("agent");
        assertEquals(0, cli("tls", "init-ca", "--out", ca.toString()));
        assertEquals(0, cli("tls", "issue", "--ca", ca.toString(), "--node", "host-a", "--host", "127.0.0.1", "--out",
                work.resolve("state/tls").toString()));
        int port = TestNodes.freeTcpPort();
        try (AgentProcess agent = AgentProcess.start(work, "--devices-dir", DEMO.toString(), "--node-name", "host-a",
                "--cluster-host", "127.0.0.1", "--cluster-port", String.valueOf(port), "--seed", "127.0.0.1:" + port)) {
            agent.awaitScanned();
            assertTrue(rogue("tcp", port, List.of()).contains("ROGUE NOT ADMITTED"));
            assertTrue(rogue("tls-own-ca", port, List.of()).contains("ROGUE NOT ADMITTED"));
            assertAgentAloneAndServing(agent);

            // The same procedure admits a real second host.
            assertEquals(0, cli("tls", "issue", "--ca", ca.toString(), "--node", "host-b", "--out", tmp.resolve("b/state/tls").toString()));
            int portB = TestNodes.freeTcpPort();
            var b = TestNodes.start(TestNodes.config("host-b", portB, tmp.resolve("b/state"), java.util.Map.of()),
                    List.of(TestNodes.seed(port)));
            try {
                assertEquals(2, TestNodes.awaitUp(java.time.Duration.ofSeconds(30), 2, List.of(b)).size());
            } finally {
                TestNodes.terminate(b);
            }
        }
    }

    @Test
    void theSameRogueJoinsAndDownsAnAgentOnTheUnauthenticatedTransport() throws Exception {
        int port = TestNodes.freeTcpPort();
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), "--devices-dir", DEMO.toString(), "--cluster-port",
                String.valueOf(port), "--transport", "tcp", "--allow-unauthenticated-cluster")) {
            assertTrue(agent.logText().contains("UNAUTHENTICATED CLUSTER: transport tcp"), agent.logText());
            String out = rogue("tcp", port, List.of());
            assertTrue(out.contains("ROGUE JOINED") && out.contains("ROGUE SENT DOWN"), out);
            assertTrue(agent.awaitExit(30), "a downed agent exits:\n" + agent.logText());
        }
    }

    private static void assertAgentAloneAndServing(AgentProcess agent) throws Exception {
        assertTrue(agent.alive(), agent.logText());
        AgentProcess.Run status = agent.cli("status");
        assertEquals(0, status.exit(), status.err());
        assertEquals(1, status.out().split("\"address\"", -1).length - 1, "one member, the agent:\n" + status.out());
        assertFalse(status.out().contains("rogue"), status.out());
        AgentProcess.Run vgs = agent.cli("vgs", "--noheadings", "-o", "vg_name");
        assertEquals(0, vgs.exit(), vgs.err());
        assertTrue(vgs.out().contains("vgdata"), vgs.out());
    }

    /** Runs {@link RogueNode} as uid 65534 for 8 s against 127.0.0.1:port; returns what it printed. */
    private String rogue(String mode, int port, List<Path> files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-Djava.io.tmpdir=/tmp",
                "-cp", rogueClasspath, RogueNode.class.getName(), mode, "127.0.0.1:" + port, "8"));
        files.forEach(f -> cmd.add(f.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).directory(new File("/tmp")).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException e) {
                // The process ended; what it printed is in out.
            }
        });
        reader.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        reader.join(5000);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int cli(String... args) {
        return LvmcoordCli.run(args, new PrintStream(new ByteArrayOutputStream()), System.err);
    }

    private static String uid() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() + "";
        } catch (RuntimeException | Error e) {
            return "";
        }
    }
}
