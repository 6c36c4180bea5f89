package io.lvmcoord.agent.daemon;

import com.typesafe.config.Config;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

import java.util.ArrayList;
import java.util.List;

/**
 * This node's actor system and its way into the cluster. Apart from {@link Agent} so that
 * tests form clusters exactly as agents do, without journals or devices.
 */
public final class ClusterMember {
    private ClusterMember() {
    }

    /** Starts the actor system of {@code config} (as built by {@link Agent#config}). */
    public static ActorSystem<Void> start(Config config) {
        return ActorSystem.create(Behaviors.empty(), Agent.SYSTEM_NAME, config);
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

    /** Seeds as addresses in this node's own protocol and system name. */
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
