package io.lvmcoord.scan.nativeio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PeerCredentialsTest {

    @Test
    void peerOfAConnectionFromThisProcessIsThisProcessUser(@TempDir Path dir) throws IOException {
        Path sock = dir.resolve("s.sock");
        int myUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int myGid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                 SocketChannel accepted = server.accept()) {
                Peer peer = PeerCredentials.of(accepted);
                assertEquals(myUid, peer.uid());
                assertEquals(myGid, peer.gid());
                assertEquals(System.getProperty("user.name"), peer.user());
            }
        }
    }

    @Test
    void accountDatabaseResolvesNamesAndMembersAndSkipsMalformedLines() {
        AccountDatabase db = AccountDatabase.parse(
                "root:x:0:0:root:/root:/bin/bash\nbroken line\nalice:x:1000:1000::/home/alice:/bin/sh\n",
                "root:x:0:\nlvm:x:990:alice, bob\nalice:x:1000:\n");
        assertEquals(1000, db.uid("alice").getAsInt());
        assertEquals(990, db.gid("lvm").getAsInt());
        assertEquals(List.of("alice", "bob"), db.group("lvm").orElseThrow().members());
        assertEquals(4242, db.uid("4242").getAsInt());
        assertEquals(false, db.uid("carol").isPresent());
    }
}
