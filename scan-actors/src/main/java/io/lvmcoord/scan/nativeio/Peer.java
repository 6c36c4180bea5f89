package io.lvmcoord.scan.nativeio;

/**
 * The process at the other end of a Unix domain socket, as the kernel reported it when it
 * connected (SO_PEERCRED): effective user and primary group. Numbers are -1 when the name could
 * not be resolved from the account database.
 */
public record Peer(String user, String group, int uid, int gid) {
    /** A peer the transport cannot identify (loopback TCP); it is never root. */
    public static final Peer UNKNOWN = new Peer("unknown", "unknown", -1, -1);

    public boolean isRoot() {
        return uid == 0;
    }
}
