package io.lvmcoord.agent.http;

import io.lvmcoord.agent.client.SocketLocation;
import io.lvmcoord.scan.nativeio.AccountDatabase;
import io.lvmcoord.scan.nativeio.Peer;
import io.lvmcoord.scan.nativeio.PeerCredentials;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The agent's API on a Unix domain socket: file mode 0660 (group = socket group, if any), and
 * every connection's SO_PEERCRED judged by a {@link PeerPolicy}. A refused peer still gets an
 * HTTP answer (403 naming what it lacks) rather than a bare close.
 *
 * <p>The socket file is created with the process umask and chmod-ed right after bind; a client
 * that connects in between is still subject to the peer check, which is why that window is
 * acceptable.
 */
public final class UnixHttpServer implements AutoCloseable {
    private final Path socketPath;
    private final HttpServerCore core;

    private UnixHttpServer(Path socketPath, HttpServerCore core) {
        this.socketPath = socketPath;
        this.core = core;
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
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (BindException e) {
            server.close();
            // Another agent bound it between our check and our bind.
            throw new IOException("another agent is listening on " + path, e);
        }
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            if (settings.hasSocketGroup()) {
                GroupPrincipal group = path.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(settings.socketGroup());
                Files.setAttribute(path, "posix:group", group, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(path);
            throw new IOException("cannot set mode/group of " + path + " (lvmcoord.api.socket-group = '"
                    + settings.socketGroup() + "'): " + e.getMessage(), e);
        }
        HttpServerCore core = new HttpServerCore("lvmcoord-api", server, settings, routes, new HttpServerCore.PeerCheck() {
            @Override
            public Peer identify(SocketChannel channel) throws IOException {
                return PeerCredentials.of(channel, AccountDatabase.load());
            }

            @Override
            public Optional<String> refusal(Peer peer) {
                return policy.refusal(peer);
            }
        }, System::nanoTime);
        core.start();
        return new UnixHttpServer(path, core);
    }

    public Path socketPath() {
        return socketPath;
    }

    /** Stops serving and removes the socket file. */
    @Override
    public void close() throws IOException {
        try {
            core.close();
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
