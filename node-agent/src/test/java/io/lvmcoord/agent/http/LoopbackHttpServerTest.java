package io.lvmcoord.agent.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopbackHttpServerTest {

    private static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesRoutesOnLoopbackTcpToThePeerTheKernelsSocketTableNames() throws IOException {
        Routes routes = Routes.builder()
                .get("/health", r -> HttpResponse.text(200, "ok " + r.peer().uid()))
                .build();
        try (LoopbackHttpServer server = LoopbackHttpServer.start(0, ApiFixtures.settings(Path.of("/unused")), routes)) {
            String ok = exchange(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(ok.startsWith("HTTP/1.1 200 OK\r\n"), ok);
            assertTrue(ok.endsWith("\r\n\r\nok " + io.lvmcoord.agent.client.SocketLocation.currentUid()), ok);
            assertEquals(400, ApiFixtures.statusOf(exchange(server.port(), "GARBAGE\r\n\r\n")));
            assertEquals(404, ApiFixtures.statusOf(exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")));
        }
    }

    @Test
    void listensOnTheConfiguredAddressOnly() throws IOException {
        Routes routes = Routes.builder().get("/health", r -> HttpResponse.text(200, "ok")).build();
        // 127.0.0.2 is this host too (all of 127/8 is loopback on Linux), but not the address 127.0.0.1.
        try (LoopbackHttpServer server = LoopbackHttpServer.start("127.0.0.2", 0, ApiFixtures.settings(Path.of("/unused")), routes)) {
            try (Socket s = new Socket(InetAddress.getByName("127.0.0.2"), server.port())) {
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                s.shutdownOutput();
                String ok = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(ok.startsWith("HTTP/1.1 200 OK\r\n") && ok.endsWith("\r\n\r\nok"), ok);
            }
            assertThrows(java.net.ConnectException.class, () -> exchange(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
        }
    }

    @Test
    void anAddressThatCannotBeBoundIsSaidWithTheKeys() {
        Routes routes = Routes.builder().get("/health", r -> HttpResponse.text(200, "ok")).build();
        // TEST-NET-1 (RFC 5737) is never an address of this host.
        IOException e = assertThrows(IOException.class,
                () -> LoopbackHttpServer.start("192.0.2.1", 0, ApiFixtures.settings(Path.of("/unused")), routes));
        assertTrue(e.getMessage().startsWith("cannot bind 192.0.2.1:0 (lvmcoord.api.http-bind, http-port): "), e.getMessage());
    }
}
