package io.lvmcoord.agent.http;

import io.lvmcoord.agent.client.SocketLocation;
import io.lvmcoord.scan.nativeio.AccountDatabase;
import io.lvmcoord.scan.nativeio.PeerCredentials;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The agent's API on a Unix domain socket, served by Jetty: file mode 0660 (group = socket group,
 * if any), and every connection's SO_PEERCRED judged by a {@link PeerPolicy} when it opens. A
 * refused peer still gets an HTTP answer (403 naming what it lacks) rather than a bare close.
 *
 * <p>The socket file is created with the process umask and chmod-ed right after bind; a client
 * that connects in between is still subject to the peer check, which is why that window is
 * acceptable.
 */
public final class UnixHttpServer implements AutoCloseable {
    private final Path socketPath;
    private final Server jetty;

    private UnixHttpServer(Path socketPath, Server jetty) {
        this.socketPath = socketPath;
        this.jetty = jetty;
    }

    /** Serves {@code routes} at {@code settings.socketPath()}, peers judged by the system account database. */
    public static UnixHttpServer start(ApiSettings settings, Routes routes) throws IOException {
        return start(settings, routes, PeerPolicy.forSystem(settings, SocketLocation.currentUid()));
    }

    /**
     * @throws IOException "another agent is listening on PATH" when a live server owns the path;
     *                     a socket file nobody listens on is replaced
     */
    public static UnixHttpServer start(ApiSettings settings, Routes routes, PeerPolicy policy) throws IOException {
        Path path = settings.socketPath().toAbsolutePath();
        Path parent = path.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        removeStaleSocket(path);
        Server jetty = JettyServers.server("lvmcoord-api");
        UnixDomainServerConnector connector = new UnixDomainServerConnector(jetty, 1, 1, JettyServers.http(settings));
        connector.setUnixDomainPath(path);
        AccountDatabase accounts = AccountDatabase.load();
        PeerConnections peers = new PeerConnections(ep -> PeerCredentials.of((SocketChannel) ep.getTransport(), accounts),
                policy::refusal, settings.maxConnections());
        // Another agent that bound the path between our check and this bind makes the bind fail.
        JettyServers.start(jetty, connector, settings, routes, peers, e -> new IOException(
                (e instanceof BindException || e.getCause() instanceof BindException ? "another agent is listening on " + path
                        : "cannot serve on " + path) + ": " + e.getMessage(), e));
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            if (settings.hasSocketGroup()) {
                GroupPrincipal group = path.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(settings.socketGroup());
                Files.setAttribute(path, "posix:group", group, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException | RuntimeException e) {
            JettyServers.stop(jetty);
            Files.deleteIfExists(path);
            throw new IOException("cannot set mode/group of " + path + " (lvmcoord.api.socket-group = '"
                    + settings.socketGroup() + "'): " + e.getMessage(), e);
        }
        return new UnixHttpServer(path, jetty);
    }

    public Path socketPath() {
        return socketPath;
    }

    /** Stops serving and removes the socket file. */
    @Override
    public void close() throws IOException {
        try {
            JettyServers.stop(jetty);
        } finally {
            Files.deleteIfExists(socketPath);
        }
    }

    /**
     * A socket file left by an agent that died cannot be bound over, so it must go; but deleting
     * the socket of a live agent would silently orphan it. A connect tells the two apart.
     */
    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isOther()) {
            throw new FileAlreadyExistsException(path.toString(), null,
                    "exists and is not a socket; refusing to replace it (lvmcoord.api.socket-path)");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new IOException("another agent is listening on " + path);
        } catch (SocketException refused) {
            if (!String.valueOf(refused.getMessage()).contains("refused")) {
                throw new IOException("cannot tell whether an agent is listening on " + path + ": "
                        + refused.getMessage(), refused);
            }
        }
        Files.deleteIfExists(path);
    }
}
