package io.lvmcoord.agent.transport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code lvmcoord.agent.transport}, {@code tls} and {@code aeron-dir} (see reference.conf), and
 * the Artery settings they stand for.
 *
 * @param tls                  used by {@code tls-tcp} only
 * @param aeronDir             the embedded media driver's directory, used by {@code aeron-udp} only
 * @param allowUnauthenticated the operator accepts a transport without authentication ({@code tcp},
 *                             {@code aeron-udp}): without it those refuse to start
 */
public record TransportSettings(Transport transport, TlsSettings tls, Path aeronDir, boolean allowUnauthenticated) {

    /** The key that lets an unauthenticated transport start, named so that nobody sets it by accident. */
    public static final String ALLOW_UNAUTHENTICATED_KEY = "lvmcoord.agent.allow-unauthenticated-cluster";

    /** Where Aeron keeps its files by default on Linux: tmpfs, so the log buffers are memory. */
    static final Path SHARED_MEMORY = Path.of("/dev/shm");

    /** The JDK package whose selector internals Agrona's NIO poller (inside the media driver) makes accessible. */
    static final String AERON_OPENS_PACKAGE = "sun.nio.ch";

    /** The JVM flag aeron-udp needs on Java 17 (the shaded jar's manifest carries it as {@code Add-Opens}). */
    public static final String AERON_JVM_FLAG = "--add-opens java.base/" + AERON_OPENS_PACKAGE + "=ALL-UNNAMED";

    /**
     * @param agent    the {@code lvmcoord.agent} section
     * @param nodeName this node's resolved name, part of the default Aeron directory
     * @param port     the cluster port, part of the default Aeron directory
     */
    public static TransportSettings from(Config agent, String nodeName, int port) {
        String dir = agent.getString("aeron-dir");
        return new TransportSettings(Transport.parse(agent.getString("transport")), TlsSettings.from(agent.getConfig("tls")),
                dir.isBlank() ? defaultAeronDir(defaultAeronRoot(), nodeName, port) : Path.of(dir.trim()),
                agent.getBoolean("allow-unauthenticated-cluster"));
    }

    /** The same transport with other TLS credentials (those the node's state directory holds, say). */
    public TransportSettings withTls(TlsSettings other) {
        return new TransportSettings(transport, other, aeronDir, allowUnauthenticated);
    }

    /**
     * One directory per node name and port, so agents sharing a host (tests, demos) do not meet,
     * and a restarted agent finds what its killed predecessor left.
     */
    static Path defaultAeronDir(Path root, String nodeName, int port) {
        return root.resolve("lvmcoord-aeron-" + nodeName.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + port);
    }

    private static Path defaultAeronRoot() {
        return Files.isDirectory(SHARED_MEMORY) && Files.isWritable(SHARED_MEMORY) ? SHARED_MEMORY
                : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The {@code pekko.remote.artery} settings of this transport; they win over the operator's own pekko keys. */
    public Config artery() {
        Config artery = ConfigFactory.empty().withValue("transport", ConfigValueFactory.fromAnyRef(transport.configName()));
        switch (transport) {
            case TLS_TCP:
                return artery.withValue("ssl", tls.pekkoSsl().root());
            case AERON_UDP:
                return artery
                        .withValue("advanced.aeron.embedded-media-driver", ConfigValueFactory.fromAnyRef(true))
                        .withValue("advanced.aeron.aeron-dir", ConfigValueFactory.fromAnyRef(aeronDir.toString()))
                        .withValue("advanced.aeron.delete-aeron-dir", ConfigValueFactory.fromAnyRef(true));
            default:
                return artery;
        }
    }

    /**
     * What can be checked before the actor system starts: an unauthenticated transport was
     * accepted by name; the TLS stores open with their passwords; the JVM lets Aeron's driver
     * in where it needs to.
     *
     * @throws IllegalArgumentException naming the setting or flag and what is wrong
     */
    public void verify() {
        if (!transport.authenticated() && !allowUnauthenticated) {
            throw new IllegalArgumentException("transport " + transport.configName() + " has no authentication: any process that can"
                    + " reach the cluster port (every local user, at least) could join the cluster, down its nodes, read every VG's"
                    + " metadata and inject reports. Use tls-tcp (the default; a node alone makes its own CA in <state-dir>/tls), or accept"
                    + " the risk by name: " + ALLOW_UNAUTHENTICATED_KEY + " = on (--allow-unauthenticated-cluster)");
        }
        if (transport == Transport.TLS_TCP) {
            tls.verifyStores();
        } else if (transport == Transport.AERON_UDP && !Object.class.getModule().isOpen(AERON_OPENS_PACKAGE, TransportSettings.class.getModule())) {
            // Without it Agrona's TransportPoller fails in its static initializer and the media driver never starts.
            throw new IllegalArgumentException("transport aeron-udp needs the JVM flag " + AERON_JVM_FLAG
                    + " on Java 17 (java -jar lvmcoord.jar adds it from the jar's manifest; with java -cp add it yourself)");
        }
    }
}
