package io.lvmcoord.agent.http;

import io.lvmcoord.scan.nativeio.AccountDatabase;
import io.lvmcoord.scan.nativeio.Peer;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PeerPolicyTest {
    private static final AccountDatabase ACCOUNTS = AccountDatabase.parse(
            "root:x:0:0::/root:/bin/sh\nagent:x:900:900::/:/bin/false\nalice:x:1000:1000::/home/alice:/bin/sh\n"
                    + "bob:x:1001:1001::/home/bob:/bin/sh\ncarol:x:1002:1002::/home/carol:/bin/sh\n",
            "root:x:0:\nlvmcoord:x:990:alice\nalice:x:1000:\nbob:x:1001:\ncarol:x:1002:\n");
    private final PeerPolicy withGroup = new PeerPolicy("lvmcoord", 900, () -> ACCOUNTS);
    private final PeerPolicy withoutGroup = new PeerPolicy("", 900, () -> ACCOUNTS);

    @Test
    void rootIsAllowedWithOrWithoutAGroup() {
        Peer root = new Peer("root", "root", 0, 0);
        assertEquals(Optional.empty(), withGroup.refusal(root));
        assertEquals(Optional.empty(), withoutGroup.refusal(root));
    }

    @Test
    void agentsOwnUserIsAllowedWithoutAGroup() {
        assertEquals(Optional.empty(), withoutGroup.refusal(new Peer("agent", "agent", 900, 900)));
    }

    @Test
    void listedMemberOfTheSocketGroupIsAllowed() {
        assertEquals(Optional.empty(), withGroup.refusal(new Peer("alice", "alice", 1000, 1000)));
    }

    @Test
    void peerWhosePrimaryGroupIsTheSocketGroupIsAllowed() {
        assertEquals(Optional.empty(), withGroup.refusal(new Peer("bob", "lvmcoord", 1001, 990)));
    }

    @Test
    void primaryGroupMatchedByGidWhenTheNameDidNotResolve() {
        assertEquals(Optional.empty(), withGroup.refusal(new Peer("bob", "990", 1001, 990)));
    }

    @Test
    void otherUserIsRefusedWithAMessageNamingUserAndGroup() {
        assertEquals(Optional.of("user carol may not use the lvmcoord agent: membership of group lvmcoord is required"),
                withGroup.refusal(new Peer("carol", "carol", 1002, 1002)));
    }

    @Test
    void withoutAGroupEveryoneButRootAndTheAgentUserIsRefused() {
        assertEquals(Optional.of("user alice may not use the lvmcoord agent: no lvmcoord.api.socket-group is configured,"
                        + " so only root and the agent's own user may"),
                withoutGroup.refusal(new Peer("alice", "alice", 1000, 1000)));
    }

    @Test
    void unresolvedPeerIsNeverMistakenForTheAgentUser() {
        PeerPolicy agentUnknown = new PeerPolicy("", -1, () -> ACCOUNTS);
        assertEquals(true, agentUnknown.refusal(Peer.UNKNOWN).isPresent());
    }
}
