package io.lvmcoord.agent.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** In-process cluster nodes started the agent's way ({@link Agent#config}, {@link ClusterMember}), for transport tests. */
final class TestNodes {
    private TestNodes() {
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The agent's configuration for a node on 127.0.0.1, with these {@code lvmcoord.agent} settings (flags' keys) added. */
    static Config config(String nodeName, int port, Path stateDir, Map<String, Object> agentSettings) {
        Map<String, Object> flags = new HashMap<>();
        flags.put("lvmcoord.agent.node-name", nodeName);
        flags.put("lvmcoord.agent.cluster-port", port);
        flags.put("lvmcoord.persistence.state-dir", stateDir.toString());
        agentSettings.forEach((k, v) -> flags.put("lvmcoord.agent." + k, v));
        return Agent.config(ConfigFactory.parseMap(flags), null);
    }

    /** Starts a node and joins it to {@code seeds} ("host:port"; none = forms its own cluster). */
    static ActorSystem<Void> start(Config config, List<String> seeds) throws IOException {
        ActorSystem<Void> system = ClusterMember.start(config);
        ClusterMember.join(system, seeds);
        return system;
    }

    static String seed(int port) {
        return "127.0.0.1:" + port;
    }

    static Set<String> members(ActorSystem<?> system, Predicate<Member> which) {
        return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false).filter(which)
                .map(m -> m.address().toString()).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> upMembers(ActorSystem<?> system) {
        return members(system, m -> m.status() == MemberStatus.up());
    }

    static Address self(ActorSystem<?> system) {
        return Cluster.get(system).selfMember().address();
    }

    /** Waits until every node sees exactly {@code expected} Up members; returns what the first one sees then. */
    static Set<String> awaitUp(Duration within, int expected, List<ActorSystem<Void>> nodes) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < until) {
            if (nodes.stream().allMatch(n -> upMembers(n).size() == expected)) {
                return upMembers(nodes.get(0));
            }
            Thread.sleep(100);
        }
        return upMembers(nodes.get(0));
    }

    /**
     * Terminates whichever of {@code nodes} were started, waiting for each. A member's orderly
     * exit passes Pekko's shutdown phases (leave, exiting, sharding hand-off), each bounded by
     * 10 s; on a loaded 2-core CI machine they have added up past 30 s (RogueNodeTest, once).
     */
    static void terminate(ActorSystem<?>... nodes) throws Exception {
        for (ActorSystem<?> n : nodes) {
            if (n != null) {
                n.terminate();
            }
        }
        for (ActorSystem<?> n : nodes) {
            if (n != null) {
                n.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
    }
}
