package io.lvmcoord.scan.nativeio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoopbackPeersTest {
    // Two rows as Linux prints them: a listener on 127.0.0.1:8080 (uid 0) and a client
    // 127.0.0.1:40000 -> 127.0.0.1:8080 owned by uid 1000, plus the server's accepted end.
    private static final String TCP = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 10 0
               1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 2 1 0 20 4 30 10 -1
               2: 0100007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1
            """;
    private static final String TCP6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0000000000000000FFFF00000100007F:9C41 0000000000000000FFFF00000100007F:1F90 01 00000000:00000000 00:00000000 00000000   65534        0 4 1 0 20 4 30 10 -1
            """;

    private static InetSocketAddress local(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @Test
    void clientRowIsFoundByItsOwnAddressAndTheServersNotByTheAcceptedEnd() {
        assertEquals(OptionalInt.of(1000), LoopbackPeers.uidIn(TCP, local(40000), local(8080)));
    }

    @Test
    void ipv4ConnectionOnADualStackSocketIsFoundInItsMappedForm() {
        assertEquals(OptionalInt.of(65534), LoopbackPeers.uidIn(TCP6, local(40001), local(8080)));
    }

    @Test
    void connectionNoRowNamesIsUnknown() {
        assertEquals(OptionalInt.empty(), LoopbackPeers.uidIn(TCP, local(40002), local(8080)));
    }

    @Test
    void liveConnectionOfThisProcessIsOwnedByThisProcessesUser() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            OptionalInt uid = LoopbackPeers.uidOf((InetSocketAddress) accepted.getRemoteSocketAddress(),
                    (InetSocketAddress) accepted.getLocalSocketAddress());
            assertEquals(OptionalInt.of((int) new com.sun.security.auth.module.UnixSystem().getUid()), uid);
        }
    }
}
