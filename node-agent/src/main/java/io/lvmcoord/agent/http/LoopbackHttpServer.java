package io.lvmcoord.agent.http;

import io.lvmcoord.scan.nativeio.Peer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * The optional metrics/health port: the same HTTP handling as {@link UnixHttpServer}, on
 * 127.0.0.1 TCP, without peer checks (TCP carries no credentials). Give it only routes safe for
 * any local process; all its peers share one rate bucket as {@link Peer#UNKNOWN}.
 */
public final class LoopbackHttpServer implements AutoCloseable {
    private final int port;
    private final HttpServerCore core;

    private LoopbackHttpServer(int port, HttpServerCore core) {
        this.port = port;
        this.core = core;
    }

    /** @param port TCP port on 127.0.0.1; 0 picks a free one (see {@link #port()}) */
    public static LoopbackHttpServer start(int port, ApiSettings settings, Routes routes) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot bind 127.0.0.1:" + port + " (lvmcoord.api.http-port): " + e.getMessage(), e);
        }
        int bound = ((InetSocketAddress) server.getLocalAddress()).getPort();
        HttpServerCore core = new HttpServerCore("lvmcoord-http", server, settings, routes, new HttpServerCore.PeerCheck() {
            @Override
            public Peer identify(SocketChannel channel) {
                return Peer.UNKNOWN;
            }

            @Override
            public Optional<String> refusal(Peer peer) {
                return Optional.empty();
            }
        }, System::nanoTime);
        core.start();
        return new LoopbackHttpServer(bound, core);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        core.close();
    }
}
