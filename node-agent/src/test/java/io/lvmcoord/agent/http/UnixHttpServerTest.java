package io.lvmcoord.agent.http;

import io.lvmcoord.agent.client.AgentClient;
import io.lvmcoord.agent.client.SocketLocation;
import io.lvmcoord.scan.nativeio.AccountDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.lvmcoord.agent.http.ApiFixtures.raw;
import static io.lvmcoord.agent.http.ApiFixtures.settings;
import static io.lvmcoord.agent.http.ApiFixtures.statusOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class UnixHttpServerTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final AtomicInteger streamWrites = new AtomicInteger();
    private final AtomicBoolean streamSawClientGone = new AtomicBoolean();
    private final CountDownLatch streamEnded = new CountDownLatch(1);

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private Routes routes() {
        return Routes.builder()
                .get("/v1/status", r -> HttpResponse.json(200, "{\"ok\": true, \"user\": \"" + r.peer().user() + "\"}"))
                .get("/v1/vgs", r -> HttpResponse.json(200, "{\"vg\": \"" + r.queryParam("name").orElse("*") + "\"}"))
                .post("/v1/echo", r -> HttpResponse.json(201, "{\"got\": \"" + r.bodyText() + "\", \"type\": \""
                        + r.header("content-type").orElse("") + "\"}"))
                .get("/v1/boom", r -> {
                    throw new IllegalStateException("the \"disk\" exploded");
                })
                // A producer of its own (streams hold no server thread): a line every 2 ms until the sink says stop.
                .get("/v1/events", r -> HttpResponse.jsonLines(sink -> {
                    sink.onClose(streamEnded::countDown);
                    Thread producer = new Thread(() -> {
                        try {
                            for (int i = 0; i < 100_000; i++) {
                                if (!sink.write("{\"n\": " + i + "}")) {
                                    streamSawClientGone.set(true);
                                    return;
                                }
                                streamWrites.incrementAndGet();
                                Thread.sleep(2);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    producer.setDaemon(true);
                    producer.start();
                }))
                .get("/v1/three", r -> HttpResponse.jsonLines(sink -> {
                    for (int i = 0; i < 3; i++) {
                        sink.write("{\"n\": " + i + "}");
                    }
                    sink.close();
                }))
                // A stream with nothing to say: only heartbeats tell whether its client is still there.
                .get("/v1/quiet", r -> HttpResponse.jsonLines(sink -> sink.onClose(streamEnded::countDown)))
                .get("/v1/split", r -> HttpResponse.json(200, "{}").withHeader("X-Node", r.queryParam("node").orElse("")))
                .getAsync("/v1/hang", r -> new java.util.concurrent.CompletableFuture<>())
                .build();
    }

    private UnixHttpServer start(ApiSettings s) throws IOException {
        UnixHttpServer server = UnixHttpServer.start(s, routes(),
                new PeerPolicy("", SocketLocation.currentUid(), AccountDatabase::load));
        toClose.add(server);
        return server;
    }

    private Path startDefault() throws IOException {
        return start(settings(dir.resolve("agent.sock"))).socketPath();
    }

    @Test
    void clientGetAndPostRoundTripThroughTheSocket() throws IOException {
        AgentClient client = new AgentClient(startDefault());

        AgentClient.Response get = client.get("/v1/vgs?name=vg%20one");
        assertEquals(200, get.status());
        assertEquals("{\"vg\": \"vg one\"}", get.bodyText());
        assertEquals("application/json", get.header("Content-Type"));

        AgentClient.Response post = client.post("/v1/echo", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, post.status());
        assertEquals("{\"got\": \"hello\", \"type\": \"text/plain\"}", post.bodyText());
    }

    @Test
    void streamDeliversLinesUntilTheClientStopsAndTheHandlerSeesItGone() throws Exception {
        AgentClient client = new AgentClient(startDefault());
        List<String> lines = new ArrayList<>();
        client.stream("/v1/events", line -> {
            lines.add(line);
            return lines.size() < 5;
        });
        assertEquals(List.of("{\"n\": 0}", "{\"n\": 1}", "{\"n\": 2}", "{\"n\": 3}", "{\"n\": 4}"), lines);
        assertTrue(streamEnded.await(5, TimeUnit.SECONDS), "the stream did not end after the client left");
        // The producer learns it at its next write, a couple of milliseconds later.
        for (int i = 0; i < 100 && !streamSawClientGone.get(); i++) {
            Thread.sleep(10);
        }
        assertTrue(streamSawClientGone.get(), "the producer was never told its client left");
        assertTrue(streamWrites.get() < 1000, "handler kept writing long after the client left: " + streamWrites.get());
    }

    @Test
    void streamThatEndsDeliversEveryLineAndThenReturns() throws IOException {
        List<String> lines = new ArrayList<>();
        new AgentClient(startDefault()).stream("/v1/three", lines::add);
        assertEquals(List.of("{\"n\": 0}", "{\"n\": 1}", "{\"n\": 2}"), lines);
    }

    @Test
    void curlOverTheSocketGetsTheJsonBodyAndStatus() throws Exception {
        Path curl = ApiFixtures.onPath("curl");
        assumeTrue(curl != null, "curl is not installed; skipping the curl interoperability test");
        Path sock = startDefault();
        ApiFixtures.Run ok = ApiFixtures.run(List.of(curl.toString(), "-s", "-w", "\n%{http_code}", "--unix-socket",
                sock.toString(), "http://x/v1/vgs?name=vg0"));
        assertEquals("{\"vg\": \"vg0\"}\n200", ok.out());
        ApiFixtures.Run missing = ApiFixtures.run(List.of(curl.toString(), "-s", "-w", "\n%{http_code}", "--unix-socket",
                sock.toString(), "http://x/v1/nope"));
        assertEquals("{\"error\": \"no such resource: /v1/nope\"}\n404", missing.out());
        ApiFixtures.Run stream = ApiFixtures.run(List.of(curl.toString(), "-s", "-N", "--unix-socket", sock.toString(),
                "http://x/v1/three"));
        assertEquals("{\"n\": 0}\n{\"n\": 1}\n{\"n\": 2}\n", stream.out());
    }

    @Test
    void garbageRequestLineIs400InTheApisErrorShapeAndTheServerKeepsServing() throws IOException {
        Path sock = startDefault();
        String answer = raw(sock, "GARBAGE\r\n\r\n");
        assertEquals(400, statusOf(answer));
        assertTrue(answer.contains("\r\n\r\n{\"error\": \""), answer);
        assertEquals(200, new AgentClient(sock).get("/v1/status").status());
    }

    @Test
    void signedOrDoubledContentLengthIs400() throws IOException {
        Path sock = startDefault();
        assertEquals(400, statusOf(raw(sock, "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc")));
        assertEquals(400, statusOf(raw(sock, "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd")));
    }

    @Test
    void requestEndingInBareLineFeedsIsAnsweredAtOnceNotHeld() throws IOException {
        Path sock = startDefault();
        long t0 = System.nanoTime();
        String answer = raw(sock, "GET /v1/status HTTP/1.1\nHost: x\n\n");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 2000, "a request ending in bare LF was held " + ms + " ms");
        // RFC 9112 lets a server take a bare LF as a line end, or refuse the request: either, at once.
        assertTrue(statusOf(answer) == 200 || statusOf(answer) == 400, answer);
    }

    @Test
    void headerValueCarryingCrLfIsNeverWrittenTheRouteAnswers500() throws IOException {
        String answer = raw(startDefault(), "GET /v1/split?node=p1%0D%0AX-Injected:%20yes HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(500, statusOf(answer), answer);
        assertFalse(answer.toLowerCase(java.util.Locale.ROOT).contains("x-injected"), answer);
    }

    @Test
    void quietStreamWhoseClientLeftEndsAtTheNextHeartbeat() throws Exception {
        ApiSettings d = settings(dir.resolve("agent.sock"));
        Path sock = start(new ApiSettings(d.socketPath(), "", 4, 1024, 4096, Duration.ofSeconds(5), 0, 0, 0,
                Duration.ofMillis(200))).socketPath();
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ch.write(ByteBuffer.wrap("GET /v1/quiet HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            assertTrue(ch.read(ByteBuffer.allocate(4096)) > 0, "no response head");
        }
        assertTrue(streamEnded.await(3, TimeUnit.SECONDS), "the stream outlived its client");
    }

    @Test
    void quietStreamKeepsAClientThatStaysAndSendsItNoDataLines() throws Exception {
        ApiSettings d = settings(dir.resolve("agent.sock"));
        Path sock = start(new ApiSettings(d.socketPath(), "", 4, 1024, 4096, Duration.ofSeconds(5), 0, 0, 0,
                Duration.ofMillis(100))).socketPath();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                new AgentClient(sock).stream("/v1/quiet", lines::add);
            } catch (IOException ignored) {
                // The server closing at the end of the test ends the stream.
            }
        });
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(1000);
        assertEquals(1, streamEnded.getCount(), "the stream ended while its client was there");
        assertEquals(List.of(), lines, "heartbeats are not handed to the client's caller");
    }

    @Test
    void http11RequestWithoutHostIs400() throws IOException {
        String answer = raw(startDefault(), "GET /v1/status HTTP/1.1\r\n\r\n");
        assertEquals(400, statusOf(answer), answer);
        assertTrue(answer.contains("{\"error\": \"No Host\"}"), answer);
    }

    @Test
    void malformedHeaderLineIs400() throws IOException {
        String answer = raw(startDefault(), "GET /v1/status HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n");
        assertEquals(400, statusOf(answer));
    }

    @Test
    void bodyLargerThanTheCapIs413WithoutReadingIt() throws IOException {
        String answer = raw(startDefault(), "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4097\r\n\r\n");
        assertEquals(413, statusOf(answer));
        assertTrue(answer.contains("4097 bytes exceeds 4096"), answer);
    }

    @Test
    void chunkedRequestBodyIsReadUpToTheCapAndRefusedWith413Beyond() throws IOException {
        Path sock = startDefault();
        String small = raw(sock, "POST /v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertEquals(201, statusOf(small), small);
        assertTrue(small.contains("{\"got\": \"hello\""), small);
        String chunk = "a".repeat(4000);
        String big = raw(sock, "POST /v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(4000) + "\r\n"
                + chunk + "\r\n" + Integer.toHexString(4000) + "\r\n" + chunk + "\r\n0\r\n\r\n");
        assertEquals(413, statusOf(big), big);
    }

    @Test
    void headersLargerThanTheCapAre431() throws IOException {
        String answer = raw(startDefault(), "GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n");
        assertEquals(431, statusOf(answer));
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() throws IOException {
        AgentClient client = new AgentClient(startDefault());
        AgentClient.Response missing = client.get("/v2/whatever");
        assertEquals(404, missing.status());
        assertEquals("no such resource: /v2/whatever", missing.errorMessage());

        AgentClient.Response wrong = client.post("/v1/status", "application/json", new byte[0]);
        assertEquals(405, wrong.status());
        assertEquals("GET", wrong.header("allow"));
    }

    @Test
    void handlerExceptionIs500CarryingItsMessageAsJson() throws IOException {
        AgentClient.Response r = new AgentClient(startDefault()).get("/v1/boom");
        assertEquals(500, r.status());
        assertEquals("GET /v1/boom failed: java.lang.IllegalStateException: the \"disk\" exploded", r.errorMessage());
    }

    @Test
    void requestsBeyondTheBurstAre429WithRetryAfter() throws IOException {
        ApiSettings s = settings(dir.resolve("agent.sock"));
        s = new ApiSettings(s.socketPath(), "", 4, 1024, 4096, Duration.ofSeconds(5), 0.01, 3, 0);
        AgentClient client = new AgentClient(start(s).socketPath());
        for (int i = 0; i < 3; i++) {
            assertEquals(200, client.get("/v1/status").status());
        }
        AgentClient.Response limited = client.get("/v1/status");
        assertEquals(429, limited.status());
        assertEquals("100", limited.header("retry-after"));
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws IOException {
        String answer = raw(startDefault(), "GET /v1/vgs?name=a HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/vgs?name=b HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(answer.contains("{\"vg\": \"a\"}"), answer);
        assertTrue(answer.contains("{\"vg\": \"b\"}"), answer);
        assertEquals(2, answer.split("HTTP/1.1 200 OK", -1).length - 1);
    }

    @Test
    void idleConnectionIsClosedAfterTheReadTimeout() throws IOException {
        ApiSettings s = settings(dir.resolve("agent.sock"));
        s = new ApiSettings(s.socketPath(), "", 4, 1024, 4096, Duration.ofMillis(200), 0, 0, 0);
        Path sock = start(s).socketPath();
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            long t0 = System.nanoTime();
            assertEquals(-1, ch.read(ByteBuffer.allocate(16)));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 150 && ms < 3000, "closed after " + ms + " ms");
        }
    }

    @Test
    void connectionsBeyondTheMaximumAre503() throws IOException {
        ApiSettings s = settings(dir.resolve("agent.sock"));
        s = new ApiSettings(s.socketPath(), "", 1, 1024, 4096, Duration.ofSeconds(5), 0, 0, 0);
        Path sock = start(s).socketPath();
        try (SocketChannel holder = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            // One keep-alive request proves the holder occupies the only slot before we knock.
            holder.write(ByteBuffer.wrap("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            assertTrue(holder.read(ByteBuffer.allocate(4096)) > 0);
            assertEquals(503, statusOf(raw(sock, "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n")));
        }
    }

    @Test
    void socketFileHasMode0660() throws IOException {
        Path sock = startDefault();
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
    }

    @Test
    void secondAgentOnTheSamePathFailsWithAClearMessage() throws IOException {
        Path sock = startDefault();
        IOException e = assertThrows(IOException.class, () -> start(settings(sock)));
        assertEquals("another agent is listening on " + sock, e.getMessage());
        assertEquals(200, new AgentClient(sock).get("/v1/status").status());
    }

    @Test
    void staleSocketFileWithNoListenerIsReplaced() throws IOException {
        Path sock = dir.resolve("agent.sock");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(sock));
        dead.close();
        assertTrue(Files.exists(sock), "closing a bound Unix socket leaves its file behind, like a crashed agent");
        start(settings(sock));
        assertEquals(200, new AgentClient(sock).get("/v1/status").status());
    }

    @Test
    void regularFileAtTheSocketPathIsNotDeleted() throws IOException {
        Path sock = dir.resolve("agent.sock");
        Files.writeString(sock, "precious");
        IOException e = assertThrows(IOException.class, () -> start(settings(sock)));
        assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        assertEquals("precious", Files.readString(sock));
    }

    @Test
    void socketParentDirectoryIsCreated() throws IOException {
        Path sock = start(settings(dir.resolve("run/lvmcoord/agent.sock"))).socketPath();
        assertEquals(200, new AgentClient(sock).get("/v1/status").status());
    }

    @Test
    void closingTheServerRemovesTheSocketFile() throws IOException {
        UnixHttpServer server = start(settings(dir.resolve("agent.sock")));
        server.close();
        assertFalse(Files.exists(server.socketPath()));
    }

    @Test
    void unprivilegedPeerIsRefusedWith403NamingUserAndRule() throws Exception {
        assumeTrue(SocketLocation.currentUid() == 0, "not root: cannot run curl as another user; skipping");
        Path setpriv = ApiFixtures.onPath("setpriv");
        Path curl = ApiFixtures.onPath("curl");
        assumeTrue(setpriv != null && curl != null, "setpriv or curl missing; skipping the peer-credential test");
        // Let nobody reach the socket file, so what refuses it is the peer check and not the file mode.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path sock = startDefault();
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-"));

        ApiFixtures.Run r = ApiFixtures.run(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                curl.toString(), "-s", "-w", "\n%{http_code}", "--unix-socket", sock.toString(), "http://x/v1/status"));
        String[] bodyAndCode = r.out().split("\n");
        assertEquals("403", bodyAndCode[bodyAndCode.length - 1], r.out());
        assertTrue(r.out().contains("user nobody may not use the lvmcoord agent"), r.out());

        ApiFixtures.Run asRoot = ApiFixtures.run(List.of(curl.toString(), "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "--unix-socket", sock.toString(), "http://x/v1/status"));
        assertEquals("200", asRoot.out());
    }

    @Test
    void peerSeenByHandlersIsTheConnectingUser() throws IOException {
        AgentClient.Response r = new AgentClient(startDefault()).get("/v1/status");
        assertNotNull(r.bodyText());
        assertEquals("{\"ok\": true, \"user\": \"" + System.getProperty("user.name") + "\"}", r.bodyText());
    }
}
