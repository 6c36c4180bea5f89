package io.lvmcoord.scan.nativeio;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * SO_PEERCRED on a connected Unix domain socket: who is on the other end, as the kernel recorded
 * it at connect time (so it cannot be spoofed by the peer). The JDK exposes it as names; numbers
 * are resolved through {@link AccountDatabase}.
 */
public final class PeerCredentials {
    private PeerCredentials() {
    }

    public static Peer of(SocketChannel channel) throws IOException {
        return of(channel, AccountDatabase.load());
    }

    public static Peer of(SocketChannel channel, AccountDatabase accounts) throws IOException {
        UnixDomainPrincipal p = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String user = p.user().getName();
        String group = p.group().getName();
        return new Peer(user, group, accounts.uid(user).orElse(-1), accounts.gid(group).orElse(-1));
    }
}
