package io.lvmcoord.agent.http;

import io.lvmcoord.scan.nativeio.AccountDatabase;
import io.lvmcoord.scan.nativeio.LoopbackPeers;
import io.lvmcoord.scan.nativeio.Peer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The optional metrics/health port on TCP ({@code lvmcoord.api.http-bind}, 127.0.0.1 unless the
 * operator exposes it to a central Prometheus), served by Jetty like the Unix socket. TCP
 * carries no credentials, so nobody is refused (give it only routes safe for any local process),
 * but each connection's user is read from the kernel's socket table ({@link LoopbackPeers}): the
 * connection caps and rate buckets are per user here too, so one local user flooding the port
 * leaves every other user's health checks answered. A peer whose row cannot be found (it closed
 * already), and every peer from another host, is {@link Peer#UNKNOWN} and shares that one bucket.
 */
public final class LoopbackHttpServer implements AutoCloseable {
    private final int port;
    private final Server jetty;

    private LoopbackHttpServer(int port, Server jetty) {
        this.port = port;
        this.jetty = jetty;
    }

    /** @param port TCP port on 127.0.0.1; 0 picks a free one (see {@link #port()}) */
    public static LoopbackHttpServer start(int port, ApiSettings settings, Routes routes) throws IOException {
        return start(InetAddress.getLoopbackAddress().getHostAddress(), port, settings, routes);
    }

    /**
     * @param bind address to listen on ({@code lvmcoord.api.http-bind}): an IP address or host name, "0.0.0.0" or "::" for all
     * @param port TCP port; 0 picks a free one (see {@link #port()})
     */
    public static LoopbackHttpServer start(String bind, int port, ApiSettings settings, Routes routes) throws IOException {
        Server jetty = JettyServers.server("lvmcoord-http");
        ServerConnector connector = new ServerConnector(jetty, 1, 1, JettyServers.http(settings));
        connector.setHost(bind);
        connector.setPort(port);
        AccountDatabase accounts = AccountDatabase.load();
        PeerConnections peers = new PeerConnections(ep -> {
            OptionalInt uid = LoopbackPeers.uidOf((InetSocketAddress) ep.getRemoteSocketAddress(),
                    (InetSocketAddress) ep.getLocalSocketAddress());
            return uid.isPresent() ? new Peer(accounts.userOf(uid.getAsInt()), "unknown", uid.getAsInt(), -1) : Peer.UNKNOWN;
        }, peer -> Optional.empty(), settings.maxConnections());
        JettyServers.start(jetty, connector, settings, routes, peers,
                e -> new IOException("cannot bind " + bind + ":" + port + " (lvmcoord.api.http-bind, http-port): " + e.getMessage(), e));
        return new LoopbackHttpServer(connector.getLocalPort(), jetty);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        JettyServers.stop(jetty);
    }
}
