package io.lvmcoord.agent.daemon;

import com.typesafe.config.Config;
import io.lvmcoord.agent.transport.AeronDirectory;
import io.lvmcoord.agent.transport.NodeTlsDirectory;
import io.lvmcoord.agent.transport.Transport;
import io.lvmcoord.agent.transport.TransportSettings;
import io.lvmcoord.persistence.JournalSettings;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * This node's actor system on the configured cluster transport, and its way into the cluster.
 * Apart from {@link Agent} so that tests form clusters exactly as agents do, without journals
 * or devices.
 */
public final class ClusterMember {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

    private ClusterMember() {
    }

    /**
     * Starts the actor system of {@code config} (as built by {@link Agent#config}). With tls-tcp
     * and no stores configured, the node's credentials come from {@code <state-dir>/tls}, made
     * there (a CA of its own) when the node forms a cluster alone. What would otherwise fail
     * later and less clearly is checked first: an unauthenticated transport was accepted by name,
     * the TLS stores open, Aeron's JVM flag is given. With aeron-udp the media driver's directory
     * is claimed (a dead agent's leftover removed) until the system has terminated.
     *
     * @throws IllegalArgumentException when the transport's settings cannot work, naming the setting
     * @throws IllegalStateException    when another running agent holds this node's Aeron directory
     */
    public static ActorSystem<Void> start(Config config) throws IOException {
        AgentSettings settings = AgentSettings.from(config);
        TransportSettings transport = settings.transport();
        if (transport.transport() == Transport.TLS_TCP) {
            Path stateDir = JournalSettings.from(config).stateDir();
            NodeTlsDirectory.Resolved tls = NodeTlsDirectory.resolve(transport.tls(), stateDir, settings.nodeName(),
                    settings.clusterHost(), settings.seeds());
            if (tls.created()) {
                LOG.info("made a CA of this node's own and its certificate in {} (tls-tcp; other hosts join with certificates issued"
                        + " from it: lvmcoord tls issue --ca {})", NodeTlsDirectory.of(stateDir), NodeTlsDirectory.of(stateDir));
            }
            transport = transport.withTls(tls.tls());
            config = transport.artery().atPath("pekko.remote.artery").withFallback(config);
        }
        transport.verify();
        if (!transport.transport().authenticated()) {
            LOG.warn("UNAUTHENTICATED CLUSTER: transport {} lets any process that reaches port {} join, down nodes and inject reports"
                    + " ({} = on)", transport.transport().configName(), settings.clusterPort(), TransportSettings.ALLOW_UNAUTHENTICATED_KEY);
        }
        AeronDirectory aeron = transport.transport() == Transport.AERON_UDP ? AeronDirectory.claim(transport.aeronDir()) : null;
        if (aeron != null && aeron.removedLeftover()) {
            LOG.warn("removed the Aeron directory {} left behind by an agent that did not stop cleanly", aeron.dir());
        }
        ActorSystem<Void> system;
        try {
            system = ActorSystem.create(Behaviors.empty(), Agent.SYSTEM_NAME, config);
        } catch (RuntimeException | Error e) {
            release(aeron);
            throw e;
        }
        if (aeron != null) {
            // Only after termination: by then Pekko has stopped the driver and deleted its directory.
            system.getWhenTerminated().whenComplete((done, failure) -> release(aeron));
        }
        return system;
    }

    private static void release(AeronDirectory aeron) {
        if (aeron == null) {
            return;
        }
        try {
            aeron.close();
        } catch (IOException e) {
            // The kernel drops the lock with the process anyway; nothing to undo.
            LOG.warn("releasing the lock of Aeron directory {}: {}", aeron.dir(), e.toString());
        }
    }

    /** Joins the seeds ("host:port"), or forms a cluster of its own when there are none. */
    public static void join(ActorSystem<?> system, List<String> seeds) {
        Cluster cluster = Cluster.get(system);
        Address self = cluster.selfMember().address();
        if (seeds.isEmpty()) {
            cluster.manager().tell(Join.create(self));
        } else {
            cluster.manager().tell(new JoinSeedNodes(seedAddresses(self, seeds)));
        }
    }

    /**
     * True while this node is an Up member that trusts every other member: none is unreachable in
     * the cluster state, its failure detector, asked now, still hears each one's heartbeats, and
     * each answered a ping within the lease ({@link PeerLeases}). The lease is what bounds how
     * long a node cut off the network goes on answering unflagged; the other side's entities stop
     * waiting for its cache to confirm a write only well after (see the coordinator's Delivery).
     */
    public static boolean whole(ActorSystem<?> system, PeerLeases leases) {
        Cluster cluster = Cluster.get(system);
        if (cluster.selfMember().status() != MemberStatus.up()) {
            return false;
        }
        var state = cluster.state();
        if (!state.getUnreachable().isEmpty()) {
            return false;
        }
        Address self = cluster.selfMember().address();
        var detector = org.apache.pekko.cluster.Cluster.get(system.classicSystem()).failureDetector();
        for (org.apache.pekko.cluster.Member m : state.getMembers()) {
            if (!m.address().equals(self) && !detector.isAvailable(m.address())) {
                return false;
            }
        }
        return leases.allHeardFrom(state.getMembers(), self);
    }

    /**
     * Seeds as addresses in this node's own protocol and system name. Artery writes "pekko" on
     * every transport (tls-tcp and aeron-udp included): the transport is a setting every node of
     * a cluster must share, not part of the address.
     */
    static List<Address> seedAddresses(Address self, List<String> seeds) {
        List<Address> addresses = new ArrayList<>();
        for (String seed : seeds) {
            int colon = seed.lastIndexOf(':');
            int port;
            try {
                port = colon < 0 ? -1 : Integer.parseInt(seed.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (colon <= 0 || port < 1 || port > 65535) {
                throw new IllegalArgumentException("seed \"" + seed + "\" must be host:port with a port of 1..65535");
            }
            addresses.add(new Address(self.protocol(), self.system(), seed.substring(0, colon), port));
        }
        return addresses;
    }
}
