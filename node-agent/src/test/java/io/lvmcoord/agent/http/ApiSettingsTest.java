package io.lvmcoord.agent.http;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiSettingsTest {

    @Test
    void referenceConfDefaultsAreRead() {
        ApiSettings s = ApiSettings.from(ConfigFactory.load());
        assertEquals(ApiSettings.defaultSocketPath(), s.socketPath());
        assertEquals("", s.socketGroup());
        assertEquals(32, s.maxConnections());
        assertEquals(16 * 1024, s.maxHeaderBytes());
        assertEquals(64 * 1024, s.maxBodyBytes());
        assertEquals(Duration.ofSeconds(10), s.readTimeout());
        assertEquals(50.0, s.ratePerSecond());
        assertEquals(100, s.rateBurst());
        assertEquals(0, s.httpPort());
        assertEquals(Duration.ofSeconds(5), s.streamHeartbeat());
    }

    @Test
    void configuredSocketPathAndGroupOverrideTheDefaults() {
        ApiSettings s = ApiSettings.from(ConfigFactory.parseString(
                "lvmcoord.api { socket-path = \"/srv/a.sock\", socket-group = lvm, max-body-bytes = 1MiB }")
                .withFallback(ConfigFactory.load()));
        assertEquals(Path.of("/srv/a.sock"), s.socketPath());
        assertEquals("lvm", s.socketGroup());
        assertEquals(1024 * 1024, s.maxBodyBytes());
    }

    @Test
    void rootGetsTheSystemSocket() {
        assertEquals(Path.of("/run/lvmcoord/agent.sock"),
                ApiSettings.defaultSocketPath(0, "root", Map.of("XDG_RUNTIME_DIR", "/run/user/0")));
    }

    @Test
    void userWithARuntimeDirGetsASocketThere() {
        assertEquals(Path.of("/run/user/1000/lvmcoord.sock"),
                ApiSettings.defaultSocketPath(1000, "alice", Map.of("XDG_RUNTIME_DIR", "/run/user/1000")));
    }

    @Test
    void userWithoutARuntimeDirGetsANamedSocketInTmp() {
        assertEquals(Path.of("/tmp/lvmcoord-alice.sock"), ApiSettings.defaultSocketPath(1000, "alice", Map.of()));
        assertEquals(Path.of("/tmp/lvmcoord-alice.sock"),
                ApiSettings.defaultSocketPath(1000, "alice", Map.of("XDG_RUNTIME_DIR", " ")));
    }

    @Test
    void nonsenseLimitsAreRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ApiSettings(Path.of("/x"), "", 0, 1024, 1024, Duration.ofSeconds(1), 0, 0, 0));
        assertTrue(e.getMessage().contains("lvmcoord.api.max-connections"), e.getMessage());
    }

    @Test
    void theMetricsPortListensOnLoopbackUnlessTheOperatorNamesAnAddress() {
        assertEquals("127.0.0.1", ApiSettings.httpBind(ConfigFactory.load()));
        assertEquals("0.0.0.0", ApiSettings.httpBind(ConfigFactory.parseString("lvmcoord.api.http-bind = \"0.0.0.0\"")
                .withFallback(ConfigFactory.load())));
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> ApiSettings.httpBind(
                ConfigFactory.parseString("lvmcoord.api.http-bind = \" \"").withFallback(ConfigFactory.load())));
        assertTrue(blank.getMessage().startsWith("lvmcoord.api.http-bind must name an address"), blank.getMessage());
    }
}
