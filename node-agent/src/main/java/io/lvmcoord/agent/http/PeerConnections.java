package io.lvmcoord.agent.http;

import io.lvmcoord.scan.nativeio.Peer;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Who is at the other end of each connection, judged once when it opens, and how many
 * connections each user holds. The cap is per user, not per server: a user who opens many
 * connections (slow requests, long waits, watches) uses up only their own share, and root's or
 * another user's next request is served as if nothing happened. A connection over its user's cap
 * is answered 503 and closed at its first request, and given a short idle timeout meanwhile, so
 * a peer that never completes a request cannot keep it either.
 */
final class PeerConnections implements Connection.Listener {
    private static final Logger log = LoggerFactory.getLogger(PeerConnections.class);
    /** How long a connection over its user's cap may stay idle before it is closed. */
    static final long OVER_CAP_IDLE_MILLIS = 1000;

    /** How a transport names the peer of an endpoint. */
    @FunctionalInterface
    interface Identify {
        Peer of(EndPoint endPoint) throws IOException;
    }

    /** What was decided about a connection when it opened. */
    record Admission(Peer peer, Optional<String> refusal, boolean overCap, int open) {
    }

    private static final Admission UNIDENTIFIED = new Admission(Peer.UNKNOWN, Optional.of("the peer could not be identified"),
            false, 0);

    private final Identify identify;
    private final Function<Peer, Optional<String>> policy;
    private final int maxPerPeer;
    private final Map<Connection, Admission> byConnection = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> openByUid = new ConcurrentHashMap<>();

    PeerConnections(Identify identify, Function<Peer, Optional<String>> policy, int maxPerPeer) {
        this.identify = identify;
        this.policy = policy;
        this.maxPerPeer = maxPerPeer;
    }

    @Override
    public void onOpened(Connection connection) {
        Peer peer;
        try {
            peer = identify.of(connection.getEndPoint());
        } catch (IOException | RuntimeException e) {
            log.debug("cannot identify the peer of {}: {}", connection.getEndPoint(), e.toString());
            byConnection.put(connection, UNIDENTIFIED);
            return;
        }
        int open = openByUid.merge(peer.uid(), 1, Integer::sum);
        boolean over = open > maxPerPeer;
        if (over) {
            connection.getEndPoint().setIdleTimeout(OVER_CAP_IDLE_MILLIS);
        }
        byConnection.put(connection, new Admission(peer, policy.apply(peer), over, open));
    }

    @Override
    public void onClosed(Connection connection) {
        Admission a = byConnection.remove(connection);
        if (a != null && a != UNIDENTIFIED) {
            openByUid.computeIfPresent(a.peer().uid(), (uid, n) -> n > 1 ? n - 1 : null);
        }
    }

    /** The decision for an open connection (one this listener did not see counts as unidentified). */
    Admission admissionOf(Connection connection) {
        return byConnection.getOrDefault(connection, UNIDENTIFIED);
    }

    int maxPerPeer() {
        return maxPerPeer;
    }
}
