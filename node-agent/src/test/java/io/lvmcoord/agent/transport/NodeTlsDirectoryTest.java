package io.lvmcoord.agent.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeTlsDirectoryTest {
    private static final TlsSettings UNSET = new TlsSettings(null, "", "", null, "", "TLSv1.3", false);

    @TempDir
    Path tmp;

    @Test
    void aNodeAloneMakesItsOwnCaAndCertificateOnceAndUsesThemAfterwards() throws Exception {
        Path state = tmp.resolve("state");
        NodeTlsDirectory.Resolved first = NodeTlsDirectory.resolve(UNSET, state, "node-a", "", List.of());
        assertTrue(first.created());
        assertEquals(state.resolve("tls/node.p12"), first.tls().keyStore());
        assertEquals(state.resolve("tls/trust.p12"), first.tls().trustStore());
        assertEquals(Files.readString(state.resolve("tls/password")), first.tls().keyStorePassword());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("tls"))));
        first.tls().verifyStores();
        byte[] key = Files.readAllBytes(state.resolve("tls/node.p12"));

        NodeTlsDirectory.Resolved again = NodeTlsDirectory.resolve(UNSET, state, "node-a", "", List.of());
        assertFalse(again.created());
        assertArrayEquals(key, Files.readAllBytes(state.resolve("tls/node.p12")), "a restart keeps the node's key");
        // The CA made there issues further hosts' credentials, which its own node trusts.
        ClusterCa.open(state.resolve("tls"), new SecureRandom()).issue(tmp.resolve("b"), "node-b", List.of(), Duration.ofDays(1));
        var trustedByA = ClusterCa.load(state.resolve("tls/trust.p12"), first.tls().trustStorePassword()).getCertificate("lvmcoord-ca");
        var bChain = ClusterCa.load(tmp.resolve("b/node.p12"), ClusterCa.readPassword(tmp.resolve("b"))).getCertificateChain("node");
        assertEquals(trustedByA, bChain[1]);
        bChain[0].verify(trustedByA.getPublicKey());
    }

    @Test
    void aNodeWithSeedsAndNoIssuedCredentialsIsToldHowToGetThem() {
        Path state = tmp.resolve("state");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeTlsDirectory.resolve(UNSET, state, "node-b", "10.0.0.12", List.of("10.0.0.11:2552")));
        assertTrue(e.getMessage().startsWith("no TLS credentials for joining 10.0.0.11:2552: " + state.resolve("tls") + " holds no node.p12."),
                e.getMessage());
        assertTrue(e.getMessage().contains("`lvmcoord tls issue --ca <that dir> --node node-b --out DIR`"), e.getMessage());
        assertFalse(Files.exists(state.resolve("tls")), "nothing made: a CA of its own would be trusted by no one");
    }

    @Test
    void credentialsIssuedIntoTheStateDirectoryAreUsedWhenJoining() throws Exception {
        ClusterCa ca = ClusterCa.create(tmp.resolve("ca"), "cluster", Duration.ofDays(30), new SecureRandom());
        Path state = tmp.resolve("state-b");
        ca.issue(state.resolve("tls"), "node-b", List.of(), Duration.ofDays(10));
        NodeTlsDirectory.Resolved r = NodeTlsDirectory.resolve(UNSET, state, "node-b", "", List.of("127.0.0.1:2552"));
        assertFalse(r.created());
        r.tls().verifyStores();
        assertFalse(Files.exists(state.resolve("tls/ca.p12")), "the cluster CA's key stays where it was made");
    }

    @Test
    void configuredStoresWinAndComeInPairs() throws Exception {
        TlsSettings both = new TlsSettings(Path.of("/etc/k.p12"), "a", "", Path.of("/etc/t.p12"), "b", "TLSv1.3", false);
        assertSame(both, NodeTlsDirectory.resolve(both, tmp, "n", "", List.of()).tls());
        TlsSettings half = new TlsSettings(Path.of("/etc/k.p12"), "a", "", null, "", "TLSv1.3", false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeTlsDirectory.resolve(half, tmp, "n", "", List.of()));
        assertEquals("lvmcoord.agent.tls: set both key-store and trust-store, or neither (then the agent uses " + tmp.resolve("tls") + ")",
                e.getMessage());
    }
}
