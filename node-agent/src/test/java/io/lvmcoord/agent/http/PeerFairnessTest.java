package io.lvmcoord.agent.http;

import io.lvmcoord.agent.client.AgentClient;
import io.lvmcoord.agent.client.SocketLocation;
import io.lvmcoord.scan.nativeio.AccountDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One local user cannot starve another: user "nobody" (a real second uid, via setpriv) holds all
 * the connections it may have with slow or never-answered requests, or floods the loopback port,
 * and root's requests are answered within a second all the while.
 */
class PeerFairnessTest {
    private static final int NOBODY = 65534;
    private static final int CAP = 4;

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Process> peers = new ArrayList<>();
    private Path classDir;

    @BeforeEach
    void needsRootAndSetpriv() throws IOException {
        assumeTrue(SocketLocation.currentUid() == 0, "not root: cannot act as a second user; skipping the fairness tests");
        assumeTrue(ApiFixtures.onPath("setpriv") != null, "setpriv missing; skipping the fairness tests");
        // "nobody" must reach the socket and the helper's class file.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        classDir = dir.resolve("cp");
        Path cls = classDir.resolve("io/lvmcoord/agent/http/OtherUserPeer.class");
        Files.createDirectories(cls.getParent());
        try (var in = OtherUserPeer.class.getResourceAsStream("OtherUserPeer.class")) {
            Files.copy(in, cls);
        }
        try (var in = OtherUserPeer.class.getResourceAsStream("OtherUserPeer$Conn.class")) {
            Files.copy(in, cls.resolveSibling("OtherUserPeer$Conn.class"));
        }
        try (var walk = Files.walk(classDir)) {
            for (Path p : walk.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : peers) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private Routes routes() {
        return Routes.builder()
                .get("/v1/vgs", r -> HttpResponse.json(200, "{\"uid\": " + r.peer().uid() + "}"))
                .get("/health", r -> HttpResponse.json(200, "{\"uid\": " + r.peer().uid() + "}"))
                .getAsync("/v1/hang", r -> new CompletableFuture<>())
                .build();
    }

    private ApiSettings settings(double rate, int burst) {
        return new ApiSettings(dir.resolve("agent.sock"), "", CAP, 1024, 4096, Duration.ofSeconds(30), rate, burst, 0);
    }

    /** Starts OtherUserPeer as nobody and waits until it says its connections are held. */
    private Process nobody(String target, String mode, int count) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", java, "-cp",
                classDir.toString(), OtherUserPeer.class.getName(), target, mode, Integer.toString(count), "60")
                .redirectErrorStream(true).start();
        peers.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertEquals("held", line, "the other user's peer did not start");
        return p;
    }

    private static long millisOf(ThrowingRunnable r) throws Exception {
        long t0 = System.nanoTime();
        r.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void rootIsAnsweredWithinASecondWhileAnotherUserHoldsEveryConnectionItMay() throws Exception {
        // Anyone may connect here (socket group = nobody's own), so what is tested is the per-user share.
        String group = Files.readAllLines(Path.of("/etc/group")).stream().map(l -> l.split(":"))
                .filter(f -> f.length > 2 && f[2].equals(Integer.toString(NOBODY))).map(f -> f[0]).findFirst().orElse(null);
        assumeTrue(group != null, "no group with gid 65534; skipping");
        UnixHttpServer server = UnixHttpServer.start(settings(0, 0), routes(),
                new PeerPolicy(group, SocketLocation.currentUid(), AccountDatabase::load));
        toClose.add(server);
        Files.setPosixFilePermissions(server.socketPath(), PosixFilePermissions.fromString("rw-rw-rw-"));
        String target = "unix:" + server.socketPath();
        // Its whole share and more: half trickling heads, half waiting on answers that never come.
        nobody(target, "slow", CAP);
        nobody(target, "long", CAP);
        AgentClient root = new AgentClient(server.socketPath());
        for (int i = 0; i < 5; i++) {
            AgentClient.Response[] r = new AgentClient.Response[1];
            long ms = millisOf(() -> r[0] = root.get("/v1/vgs"));
            assertEquals(200, r[0].status(), r[0].bodyText());
            assertEquals("{\"uid\": 0}", r[0].bodyText());
            assertTrue(ms < 1000, "root's request took " + ms + " ms while nobody held its connections");
        }
    }

    @Test
    void healthAnswersRootWhileAnotherUserFloodsTheLoopbackPort() throws Exception {
        LoopbackHttpServer server = LoopbackHttpServer.start(0, settings(50, 100), routes());
        toClose.add(server);
        // Past its share of connections and far past its rate: its own requests get 503 and 429.
        nobody("tcp:" + server.port(), "flood", CAP * 2);
        Thread.sleep(500);
        for (int i = 0; i < 20; i++) {
            String[] answer = new String[1];
            long ms = millisOf(() -> answer[0] = get(server.port(), "/health"));
            assertTrue(answer[0].startsWith("HTTP/1.1 200"), answer[0]);
            assertTrue(answer[0].endsWith("{\"uid\": 0}"), "root was not told apart from the flooding user: " + answer[0]);
            assertTrue(ms < 1000, "health took " + ms + " ms under the other user's flood");
        }
    }

    private static String get(int port, String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
