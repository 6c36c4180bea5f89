package io.lvmcoord.agent.cli;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AgentCommandTest {
    @Test
    void transportFlagsBecomeTheirConfigKeysWithAbsolutePaths() {
        AgentCommand cmd = new AgentCommand();
        new CommandLine(cmd).parseArgs("--transport", "tls-tcp", "--tls-key-store", "node.p12", "--tls-trust-store", "/etc/trust.p12");
        Config c = cmd.overrides();
        assertEquals("tls-tcp", c.getString("lvmcoord.agent.transport"));
        assertEquals(Path.of("node.p12").toAbsolutePath().toString(), c.getString("lvmcoord.agent.tls.key-store"));
        assertEquals("/etc/trust.p12", c.getString("lvmcoord.agent.tls.trust-store"));
    }
}
