package io.lvmcoord.agent.daemon;

import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClusterMemberTest {
    private static final Address SELF = new Address("pekko", "lvmcoord", "10.0.0.11", 25520);

    @Test
    void seedsTakeThisNodesProtocolAndSystemName() {
        assertEquals(List.of(new Address("pekko", "lvmcoord", "node2.example.internal", 25520),
                        new Address("pekko", "lvmcoord", "10.0.0.13", 2552)),
                ClusterMember.seedAddresses(SELF, List.of("node2.example.internal:25520", "10.0.0.13:2552")));
    }

    @Test
    void aSeedWithoutAUsablePortIsRefusedNamingIt() {
        for (String bad : List.of("node2", "node2:", ":2552", "node2:http", "node2:0", "node2:70000")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterMember.seedAddresses(SELF, List.of(bad)));
            assertEquals("seed \"" + bad + "\" must be host:port with a port of 1..65535", e.getMessage());
        }
    }
}
