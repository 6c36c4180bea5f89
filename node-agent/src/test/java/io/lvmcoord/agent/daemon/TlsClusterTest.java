package io.lvmcoord.agent.daemon;

import com.typesafe.config.Config;
import io.lvmcoord.agent.cli.LvmcoordCli;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tls-tcp transport with stores made by keytool: nodes whose certificates the cluster's CA
 * signed form a cluster; a node with a certificate of its own is kept out although it trusts
 * the CA itself; a node asks every connecting peer for a trusted certificate (mutual TLS); bad
 * stores stop the agent at start.
 */
class TlsClusterTest {
    @TempDir
    static Path tmp;

    private static TestCertificates certs;
    private static Path storeA;
    private static Path storeB;
    private static Path storeStranger;

    @BeforeAll
    static void makeStores() throws Exception {
        certs = TestCertificates.withCa(tmp.resolve("pki"));
        storeA = certs.signedNode("node-a");
        storeB = certs.signedNode("node-b");
        storeStranger = certs.selfSignedNode("node-c");
    }

    private static Map<String, Object> tls(Path keyStore) {
        return Map.of("transport", "tls-tcp",
                "tls.key-store", keyStore.toString(), "tls.key-store-password", TestCertificates.PASSWORD,
                "tls.trust-store", certs.trustStore.toString(), "tls.trust-store-password", TestCertificates.PASSWORD);
    }

    @Test
    void nodesSignedByTheClusterCaFormAClusterAndAnUntrustedNodeSeededAtOneOfThemIsNeverAdmitted() throws Exception {
        int portA = TestNodes.freeTcpPort();
        int portB = TestNodes.freeTcpPort();
        int portC = TestNodes.freeTcpPort();
        Config configA = TestNodes.config("tls-a", portA, tmp.resolve("a"), tls(storeA));
        assertEquals("tls-tcp", configA.getString("pekko.remote.artery.transport"));
        assertTrue(configA.getBoolean("pekko.remote.artery.ssl.config-ssl-engine.require-mutual-authentication"));
        ActorSystem<Void> a = null;
        ActorSystem<Void> b = null;
        ActorSystem<Void> c = null;
        try {
            a = TestNodes.start(configA, List.of());
            b = TestNodes.start(TestNodes.config("tls-b", portB, tmp.resolve("b"), tls(storeB)), List.of(TestNodes.seed(portA)));

            Set<String> pair = new TreeSet<>(List.of("pekko://lvmcoord@127.0.0.1:" + portA, "pekko://lvmcoord@127.0.0.1:" + portB));
            assertEquals(pair, TestNodes.awaitUp(Duration.ofSeconds(20), 2, List.of(a, b)));
            assertEquals(pair, TestNodes.upMembers(b));
            assertEquals("pekko", TestNodes.self(a).protocol(), "Artery keeps the pekko protocol on tls-tcp");

            // C trusts the CA, so it would accept A's certificate; A does not accept C's (on C's connections and its own to C).
            c = TestNodes.start(TestNodes.config("tls-c", portC, tmp.resolve("c"), tls(storeStranger)), List.of(TestNodes.seed(portA)));
            String addressC = TestNodes.self(c).toString();
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < until) {
                assertEquals(pair, TestNodes.members(a, m -> true), "A's membership while C knocks");
                Thread.sleep(200);
            }
            assertEquals(pair, TestNodes.members(a, m -> true));
            assertEquals(pair, TestNodes.members(b, m -> true));
            assertFalse(TestNodes.members(a, m -> true).contains(addressC));
            assertEquals(Set.of(), TestNodes.members(c, m -> true), "C never got a welcome, so it knows no members");
        } finally {
            TestNodes.terminate(c, b, a);
        }
    }

    /**
     * Artery connects both ways, so the cluster test above keeps C out even with server-only TLS
     * (A refuses C's certificate when it connects back). Mutual authentication is what stops a
     * peer that only sends: here a client with an untrusted certificate, and one with none, get
     * no TLS session on a node's port at all.
     */
    @Test
    void aNodeRefusesTheHandshakeOfAClientWithoutACertificateItTrusts() throws Exception {
        int port = TestNodes.freeTcpPort();
        ActorSystem<Void> a = null;
        try {
            a = TestNodes.start(TestNodes.config("tls-mutual", port, tmp.resolve("mutual"), tls(storeA)), List.of());
            assertEquals("bad_certificate", refusal(port, storeStranger));
            assertEquals("bad_certificate", refusal(port, null), "the JDK answers an empty certificate with bad_certificate too");
        } finally {
            TestNodes.terminate(a);
        }
    }

    /** Connects as a TLS 1.3 client trusting the CA, with {@code keyStore}'s key (null = none); returns the alert the node sent. */
    private static String refusal(int port, Path keyStore) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        if (keyStore != null) {
            keys.init(load(keyStore), TestCertificates.PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(certs.trustStore));
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keyStore == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            // A TLS 1.3 server judges the client's certificate after the client's side of the handshake is done:
            // its verdict arrives with the first read. With server-only TLS the read would wait for Artery's frames.
            socket.setSoTimeout(5000);
            socket.startHandshake();
            SSLException e = assertThrows(SSLException.class, () -> socket.getInputStream().read());
            String message = e.getMessage();
            return message.substring(message.lastIndexOf(' ') + 1);
        }
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(file)) {
            store.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        return store;
    }

    @Test
    void aMissingKeyStoreStopsTheAgentAtStartNamingTheFile() {
        Path missing = tmp.resolve("no-such-node.p12");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = LvmcoordCli.run(new String[]{"agent", "--transport", "tls-tcp", "--tls-key-store", missing.toString(),
                        "--tls-trust-store", certs.trustStore.toString(), "--socket", tmp.resolve("missing.sock").toString(),
                        "--state-dir", tmp.resolve("missing-state").toString(), "--node-name", "tls-missing"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(5, rc);
        assertEquals("lvmcoord agent: cannot start: lvmcoord.agent.tls.key-store " + missing + " does not exist\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aWrongStorePasswordStopsTheNodeNamingTheFileAndWhereThePasswordComesFrom() {
        Map<String, Object> settings = new java.util.HashMap<>(tls(storeA));
        settings.put("tls.trust-store-password", "not-the-password");
        Config config = TestNodes.config("tls-wrong", 0, tmp.resolve("wrong"), settings);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterMember.start(config));
        assertTrue(e.getMessage().startsWith("cannot read lvmcoord.agent.tls.trust-store " + certs.trustStore + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(check lvmcoord.agent.tls.trust-store-password or env LVMCOORD_TLS_TRUST_STORE_PASSWORD)"),
                e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), "no password in messages");
    }
}
