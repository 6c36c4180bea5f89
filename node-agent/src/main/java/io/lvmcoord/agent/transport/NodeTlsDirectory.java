package io.lvmcoord.agent.transport;

import io.lvmcoord.persistence.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * Where a tls-tcp agent without TLS settings takes its credentials from: {@code <state-dir>/tls}
 * (a node directory of {@link ClusterCa}). A node that will form a cluster of its own (no seeds)
 * and finds none there makes a CA of its own and a certificate from it, so the default agent is
 * authenticated with no setup: no other process can join it, as none holds a certificate of that
 * CA. A node given seeds must have been issued its directory by the cluster's CA, since a CA of
 * its own would be trusted by no one; it is told how.
 */
public final class NodeTlsDirectory {
    /** Life of the CA and certificate made for a node alone (no renewal runs; a new state directory makes new ones). */
    static final Duration SELF_MADE_VALIDITY = Duration.ofDays(3650);

    /**
     * @param tls     what the settings say
     * @param created whether this start made the directory (a new CA and certificate)
     */
    public record Resolved(TlsSettings tls, boolean created) {
    }

    private NodeTlsDirectory() {
    }

    /** The node directory under a state directory. */
    public static Path of(Path stateDir) {
        return stateDir.resolve("tls");
    }

    /**
     * {@code configured} when it names stores; else the stores of {@code <state-dir>/tls}, made
     * first when this node forms a cluster alone.
     *
     * @throws IllegalArgumentException when only one store is configured, or the node has seeds
     *                                  and no directory was issued to it (the message says how)
     */
    public static Resolved resolve(TlsSettings configured, Path stateDir, String nodeName, String clusterHost, List<String> seeds)
            throws IOException {
        if (configured.keyStore() != null || configured.trustStore() != null) {
            if (configured.keyStore() == null || configured.trustStore() == null) {
                throw new IllegalArgumentException("lvmcoord.agent.tls: set both key-store and trust-store, or neither (then the agent uses "
                        + of(stateDir) + ")");
            }
            return new Resolved(configured, false);
        }
        Path dir = of(stateDir);
        boolean created = false;
        if (!Files.isRegularFile(dir.resolve(ClusterCa.NODE_STORE))) {
            if (!seeds.isEmpty()) {
                throw new IllegalArgumentException("no TLS credentials for joining " + String.join(", ", seeds) + ": " + dir
                        + " holds no " + ClusterCa.NODE_STORE + ". Every node of a cluster needs a certificate from the cluster's CA."
                        + " On a host holding the CA (a first node made one in its <state-dir>/tls) run"
                        + " `lvmcoord tls issue --ca <that dir> --node " + nodeName + " --out DIR`, then copy DIR to " + dir
                        + " on this host (mode 0700, owned by the agent's user). See README, \"Cluster transport\"");
            }
            PrivateFiles.ensureDirectory(stateDir);
            SecureRandom random = new SecureRandom();
            ClusterCa ca = Files.isRegularFile(dir.resolve(ClusterCa.CA_STORE)) ? ClusterCa.open(dir, random)
                    : ClusterCa.create(dir, "lvmcoord CA of " + nodeName, SELF_MADE_VALIDITY, random);
            ca.issue(dir, nodeName, clusterHost.isBlank() ? List.of() : List.of(clusterHost), SELF_MADE_VALIDITY);
            created = true;
        }
        PrivateFiles.ensureDirectory(dir);
        PrivateFiles.narrowFiles(dir);
        String password = ClusterCa.readPassword(dir);
        return new Resolved(new TlsSettings(dir.resolve(ClusterCa.NODE_STORE), password, "", dir.resolve(ClusterCa.TRUST_STORE), password,
                configured.protocol(), configured.hostnameVerification()), created);
    }
}
