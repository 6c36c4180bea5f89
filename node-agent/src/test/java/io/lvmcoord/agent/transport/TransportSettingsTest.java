package io.lvmcoord.agent.transport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lvmcoord.agent.daemon.Agent;
import io.lvmcoord.agent.daemon.AgentSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportSettingsTest {
    @TempDir
    Path tmp;

    private Config agentConfig(Map<String, Object> flags) {
        return Agent.config(ConfigFactory.parseMap(flags), null);
    }

    @Test
    void mutualTlsIsTheDefault() {
        Config c = agentConfig(Map.of("lvmcoord.agent.node-name", "n1"));
        assertEquals("tls-tcp", c.getString("pekko.remote.artery.transport"));
        assertEquals(Transport.TLS_TCP, AgentSettings.from(c).transport().transport());
        assertFalse(AgentSettings.from(c).transport().allowUnauthenticated());
    }

    @Test
    void theUnauthenticatedTransportsRefuseToStartUnlessAcceptedByName() {
        for (String t : List.of("tcp", "aeron-udp")) {
            TransportSettings refused = AgentSettings.from(agentConfig(Map.of("lvmcoord.agent.node-name", "n1",
                    "lvmcoord.agent.transport", t))).transport();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, refused::verify);
            assertTrue(e.getMessage().startsWith("transport " + t + " has no authentication: any process that can reach the cluster port"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("lvmcoord.agent.allow-unauthenticated-cluster = on (--allow-unauthenticated-cluster)"),
                    e.getMessage());
        }
        TransportSettings accepted = AgentSettings.from(agentConfig(Map.of("lvmcoord.agent.node-name", "n1",
                "lvmcoord.agent.transport", "tcp", "lvmcoord.agent.allow-unauthenticated-cluster", true))).transport();
        accepted.verify();
        assertTrue(accepted.allowUnauthenticated());
    }

    @Test
    void theAgentsKeyDecidesTheTransportOverAPekkoKeyInTheOperatorsFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("lvmcoord.conf"), "pekko.remote.artery.transport = tcp\n");
        Config c = Agent.config(ConfigFactory.parseMap(Map.of("lvmcoord.agent.node-name", "n1")), file);
        assertEquals("tls-tcp", c.getString("pekko.remote.artery.transport"));
    }

    @Test
    void tlsTcpHandsTheStoresToPekkosConfigEngineWithMutualAuthentication() {
        Config c = agentConfig(Map.of("lvmcoord.agent.transport", "tls-tcp", "lvmcoord.agent.tls.key-store", "/etc/lvmcoord/node.p12",
                "lvmcoord.agent.tls.key-store-password", "ks-pw", "lvmcoord.agent.tls.trust-store", "/etc/lvmcoord/trust.p12",
                "lvmcoord.agent.tls.trust-store-password", "ts-pw"));
        Config engine = c.getConfig("pekko.remote.artery.ssl.config-ssl-engine");
        assertEquals("tls-tcp", c.getString("pekko.remote.artery.transport"));
        assertEquals("org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider", c.getString("pekko.remote.artery.ssl.ssl-engine-provider"));
        assertEquals("/etc/lvmcoord/node.p12", engine.getString("key-store"));
        assertEquals("ks-pw", engine.getString("key-store-password"));
        assertEquals("ks-pw", engine.getString("key-password"), "an empty key-password is the key store's");
        assertEquals("/etc/lvmcoord/trust.p12", engine.getString("trust-store"));
        assertEquals("ts-pw", engine.getString("trust-store-password"));
        assertEquals("TLSv1.3", engine.getString("protocol"));
        assertEquals(List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"), engine.getStringList("enabled-algorithms"));
        assertTrue(engine.getBoolean("require-mutual-authentication"));
        assertFalse(engine.getBoolean("hostname-verification"));
    }

    @Test
    void tlsV12ComesWithCipherSuitesOfItsOwn() {
        TlsSettings tls = new TlsSettings(Path.of("k.p12"), "pw", "", Path.of("t.p12"), "pw", "TLSv1.2", true);
        Config engine = tls.pekkoSsl().getConfig("config-ssl-engine");
        assertEquals("TLSv1.2", engine.getString("protocol"));
        assertTrue(engine.getStringList("enabled-algorithms").stream().allMatch(s -> s.startsWith("TLS_ECDHE_") && s.contains("_GCM_")));
        assertTrue(engine.getBoolean("hostname-verification"));
    }

    @Test
    void unknownTransportsAndProtocolsAreRefusedNamingTheChoices() {
        IllegalArgumentException transport = assertThrows(IllegalArgumentException.class,
                () -> agentConfig(Map.of("lvmcoord.agent.transport", "udp")));
        assertEquals("lvmcoord.agent.transport must be one of tcp, tls-tcp, aeron-udp; got \"udp\"", transport.getMessage());
        IllegalArgumentException protocol = assertThrows(IllegalArgumentException.class,
                () -> agentConfig(Map.of("lvmcoord.agent.tls.protocol", "SSLv3")));
        assertEquals("lvmcoord.agent.tls.protocol must be TLSv1.3 or TLSv1.2, got \"SSLv3\"", protocol.getMessage());
    }

    @Test
    void passwordsStayOutOfTheSettingsText() {
        TlsSettings tls = new TlsSettings(Path.of("k.p12"), "secret-1", "secret-2", Path.of("t.p12"), "secret-3", "TLSv1.3", false);
        assertEquals("TlsSettings[keyStore=k.p12, trustStore=t.p12, protocol=TLSv1.3, hostnameVerification=false]", tls.toString());
    }

    @Test
    void aeronUdpRunsAnEmbeddedDriverInADirectoryPerNodeNameAndPortDeletedOnStop() {
        Config c = agentConfig(Map.of("lvmcoord.agent.transport", "aeron-udp", "lvmcoord.agent.node-name", "db-1.east",
                "lvmcoord.agent.cluster-port", 25520));
        Config aeron = c.getConfig("pekko.remote.artery.advanced.aeron");
        assertEquals("aeron-udp", c.getString("pekko.remote.artery.transport"));
        assertTrue(aeron.getBoolean("embedded-media-driver"));
        assertTrue(aeron.getBoolean("delete-aeron-dir"));
        assertEquals(AgentSettings.from(c).transport().aeronDir().toString(), aeron.getString("aeron-dir"));
        // Node names are checked (AgentSettings.NODE_NAME); the directory name does not rely on it.
        assertEquals(Path.of("/dev/shm/lvmcoord-aeron-db_1_east-25520"),
                TransportSettings.defaultAeronDir(Path.of("/dev/shm"), "db 1/east", 25520));
    }

    @Test
    void aConfiguredAeronDirIsUsedAsGiven() {
        Config c = agentConfig(Map.of("lvmcoord.agent.transport", "aeron-udp", "lvmcoord.agent.aeron-dir", "/dev/shm/aeron-lvm"));
        assertEquals("/dev/shm/aeron-lvm", c.getString("pekko.remote.artery.advanced.aeron.aeron-dir"));
    }
}
