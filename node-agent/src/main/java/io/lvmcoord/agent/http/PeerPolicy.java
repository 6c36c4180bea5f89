package io.lvmcoord.agent.http;

import io.lvmcoord.scan.nativeio.AccountDatabase;
import io.lvmcoord.scan.nativeio.GroupEntry;
import io.lvmcoord.scan.nativeio.Peer;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who may use the agent's socket. Root always; the agent's own user always; with a socket group
 * configured, anyone whose primary group it is or who is listed in it in /etc/group. The file
 * mode (0660, group = socket group) already keeps others out; this check is what holds when the
 * file mode is looser than intended.
 *
 * <p>SO_PEERCRED carries only the primary gid, not the peer's supplementary groups, so listed
 * membership is looked up by user name, the way a login would grant it.
 */
public final class PeerPolicy {
    private final String group;
    private final int agentUid;
    private final Supplier<AccountDatabase> accounts;

    /**
     * @param group    the socket group; empty = none
     * @param accounts read on each decision, so group changes apply without a restart
     */
    public PeerPolicy(String group, int agentUid, Supplier<AccountDatabase> accounts) {
        this.group = group;
        this.agentUid = agentUid;
        this.accounts = accounts;
    }

    public static PeerPolicy forSystem(ApiSettings settings, int agentUid) {
        return new PeerPolicy(settings.socketGroup(), agentUid, AccountDatabase::load);
    }

    /** Empty when {@code peer} may proceed, else why not, phrased for the refused user. */
    public Optional<String> refusal(Peer peer) {
        if (peer.uid() == 0 || (peer.uid() >= 0 && peer.uid() == agentUid)) {
            return Optional.empty();
        }
        if (group.isEmpty()) {
            return Optional.of("user " + peer.user() + " may not use the lvmcoord agent: no lvmcoord.api.socket-group"
                    + " is configured, so only root and the agent's own user may");
        }
        if (peer.group().equals(group)) {
            return Optional.empty();
        }
        Optional<GroupEntry> entry = accounts.get().group(group);
        if (entry.isPresent() && (entry.get().gid() == peer.gid() && peer.gid() >= 0
                || entry.get().members().contains(peer.user()))) {
            return Optional.empty();
        }
        return Optional.of("user " + peer.user() + " may not use the lvmcoord agent: membership of group " + group
                + " is required");
    }
}
