package io.lvmcoord.agent.client;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentClientTest {
    @TempDir
    Path dir;

    @Test
    void missingSocketSaysNoAgentAndHowToStartOne() {
        Path sock = dir.resolve("none.sock");
        AgentUnavailableException e = assertThrows(AgentUnavailableException.class, () -> new AgentClient(sock).get("/v1/vgs"));
        assertEquals("no lvmcoord agent at " + sock + ": is it running? (start it with `lvmcoord agent`)", e.getMessage());
    }

    @Test
    void socketFileWithoutAListenerSaysNoAgent() throws IOException {
        Path sock = dir.resolve("dead.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(sock));
        }
        AgentUnavailableException e = assertThrows(AgentUnavailableException.class, () -> new AgentClient(sock).get("/v1/vgs"));
        assertEquals("no lvmcoord agent at " + sock + ": is it running? (start it with `lvmcoord agent`)", e.getMessage());
    }

    /** A one-shot server that answers whatever it is asked with {@code answer}. */
    private Path serveOnce(String answer) throws IOException {
        Path sock = dir.resolve("fake.sock");
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(sock));
        Thread t = new Thread(() -> {
            try (s; SocketChannel c = s.accept()) {
                c.read(ByteBuffer.allocate(4096));
                c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException ignored) {
                // The test asserting on the client's side reports what went wrong.
            }
        });
        t.setDaemon(true);
        t.start();
        return sock;
    }

    @Test
    void chunkedResponseIsReassembled() throws IOException {
        Path sock = serveOnce("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n5;x=y\r\n\": 1}\r\n0\r\n\r\n");
        AgentClient.Response r = new AgentClient(sock).get("/v1/x");
        assertEquals(200, r.status());
        assertEquals("{\"a\": 1}", r.bodyText());
    }

    @Test
    void responseWithoutLengthIsReadToEndOfStream() throws IOException {
        Path sock = serveOnce("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it");
        assertEquals("all of it", new AgentClient(sock).get("/").bodyText());
    }

    @Test
    void streamThatIsRefusedThrowsWithTheAgentsMessage() throws IOException {
        String body = "{\"error\": \"nope \\\"x\\\"\"}";
        Path sock = serveOnce("HTTP/1.1 403 Forbidden\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        UnexpectedStatusException e = assertThrows(UnexpectedStatusException.class,
                () -> new AgentClient(sock).stream("/v1/events", l -> true));
        assertEquals(403, e.status());
        assertEquals("agent answered 403: nope \"x\"", e.getMessage());
    }

    @Test
    void silentAgentTimesOutInsteadOfHangingTheCli() throws IOException {
        Path sock = dir.resolve("mute.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(sock));
            IOException e = assertThrows(IOException.class, () -> new AgentClient(sock, Duration.ofMillis(100)).get("/"));
            assertEquals("the lvmcoord agent did not answer within 100 ms", e.getMessage());
        }
    }

    @Test
    void jsonTextRoundTripsEscapes() {
        String nasty = "a\"b\\c\nd\te\u0001f/é";
        String quoted = JsonText.quote(nasty);
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0001f/é\"", quoted);
        assertEquals(nasty, JsonText.unquote(quoted, 0));
        assertEquals(nasty, JsonText.stringMember("{\"x\": 1, \"error\" : " + quoted + "}", "error"));
    }

    /** The CLI's 0.1 s budget depends on this package loading nothing but the JDK. */
    @Test
    void clientPackageImportsOnlyTheJdk() throws IOException {
        Path src = Path.of("src/main/java/io/lvmcoord/agent/client");
        Pattern imp = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);
        List<String> foreign = new ArrayList<>();
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = imp.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).startsWith("java.")) {
                        foreign.add(f.getFileName() + ": " + m.group(1));
                    }
                }
            }
        }
        assertEquals(List.of(), foreign);
    }
}
