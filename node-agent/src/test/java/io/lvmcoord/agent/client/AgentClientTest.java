package io.lvmcoord.agent.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /** 150 warnings of about 500 bytes as an agent that did not bound them sent them: a 76 KB header line. */
    private static List<String> manyWarnings() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            out.add(String.format("WARNING: bad metadata header on /dev/disk/by-id/scsi-%03d at 4096: %s.", i, "x".repeat(420)));
        }
        return out;
    }

    private static String cutWarningsAnswer(List<String> warnings, String body) {
        StringBuilder json = new StringBuilder("[");
        for (String w : warnings) {
            json.append(json.length() > 1 ? "," : "").append(JsonText.quote(w));
        }
        json.append(']');
        return "HTTP/1.1 200 OK\r\nX-Lvmcoord-Warnings: " + json + "\r\nX-Lvmcoord-Warning-Count: " + warnings.size()
                + "\r\nX-Lvmcoord-Failed: false\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void headerLineLongerThanTheCapIsCutAndTheCallStillSucceeds() throws IOException {
        String answer = cutWarningsAnswer(manyWarnings(), "  vg01\n");
        assertTrue(answer.indexOf("\r\n", answer.indexOf("X-Lvmcoord-Warnings")) - answer.indexOf("X-Lvmcoord-Warnings") > 70_000);
        AgentClient.Response r = new AgentClient(serveOnce(answer)).get("/v1/vgs");
        assertEquals(200, r.status());
        assertEquals("  vg01\n", r.bodyText());
        assertTrue(r.headerCut("X-Lvmcoord-Warnings"));
        assertEquals(AgentClient.MAX_HEAD_LINE - "X-Lvmcoord-Warnings: ".length(), r.header("x-lvmcoord-warnings").length());
        // The headers after the cut one arrive whole.
        assertEquals("150", r.header("x-lvmcoord-warning-count"));
        assertEquals("false", r.header("x-lvmcoord-failed"));
        assertFalse(r.headerCut("x-lvmcoord-warning-count"));
    }

    @Test
    void cliPrintsTheWarningsThatFitAndTheCountWhenTheAgentsHeaderWasCut() throws IOException {
        List<String> warnings = manyWarnings();
        Path sock = serveOnce(cutWarningsAnswer(warnings, "  vg01\n"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ClientCli.run(new String[]{"vgs", "--noheadings", "-o", "vg_name", "--socket", sock.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        assertEquals("  vg01\n", out.toString(StandardCharsets.UTF_8));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        // Each warning is 490 bytes quoted plus a comma: 133 arrive whole within the first 64 KiB of the line.
        int whole = (AgentClient.MAX_HEAD_LINE - "X-Lvmcoord-Warnings: [".length() + 1) / (JsonText.quote(warnings.get(0)).length() + 1);
        assertEquals(133, whole);
        assertEquals(whole + 1, lines.size(), lines.get(lines.size() - 1));
        for (int i = 0; i < whole; i++) {
            assertEquals("  " + warnings.get(i), lines.get(i));
        }
        assertEquals("  ... further warnings cut: the agent's warnings header was longer than 65536 bytes (150 warnings in all)",
                lines.get(whole));
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
