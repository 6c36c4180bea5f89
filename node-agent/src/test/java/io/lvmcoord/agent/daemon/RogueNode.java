package io.lvmcoord.agent.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lvmcoord.agent.transport.ClusterCa;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a local user who is not root would run against an agent's cluster port: a Pekko node of
 * its own that asks to join and, once a member, downs the agent. Started by {@link RogueNodeTest}
 * under another uid. Also tries to read the agent's private files, as the same user.
 *
 * <p>Arguments: {@code tcp|tls-own-ca HOST:PORT SECONDS [FILE...]}. Prints one line per file
 * ({@code READ file: ok|denied}), then {@code ROGUE JOINED} (and {@code ROGUE SENT DOWN}) or
 * {@code ROGUE NOT ADMITTED}.
 */
public final class RogueNode {
    private RogueNode() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String target = args[1];
        int seconds = Integer.parseInt(args[2]);
        for (int i = 3; i < args.length; i++) {
            try {
                Files.readAllBytes(Path.of(args[i]));
                System.out.println("READ " + args[i] + ": ok");
            } catch (IOException e) {
                System.out.println("READ " + args[i] + ": denied (" + e + ")");
            }
        }
        // The agent's own configuration, as anyone can read it from the jar: the cluster's
        // compatibility check on join then finds nothing to object to.
        Map<String, Object> flags = new HashMap<>(Map.of("lvmcoord.agent.node-name", "rogue", "lvmcoord.agent.cluster-port", 0,
                "lvmcoord.persistence.state-dir", Files.createTempDirectory("rogue-state").toString()));
        switch (mode) {
            case "tcp" -> flags.put("lvmcoord.agent.transport", "tcp");
            case "tls-own-ca" -> flags.putAll(ownCa());
            default -> throw new IllegalArgumentException("mode tcp or tls-own-ca, got " + mode);
        }
        Config config = ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(Agent.config(ConfigFactory.parseMap(flags), null));
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "lvmcoord", config);
        int colon = target.lastIndexOf(':');
        Address agent = new Address("pekko", "lvmcoord", target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(new JoinSeedNodes(List.of(agent)));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        boolean joined = false;
        while (System.nanoTime() < until && !joined) {
            joined = cluster.selfMember().status() == MemberStatus.up();
            Thread.sleep(100);
        }
        if (joined) {
            System.out.println("ROGUE JOINED");
            cluster.manager().tell(new Down(agent));
            System.out.println("ROGUE SENT DOWN");
            Thread.sleep(3000);
        } else {
            System.out.println("ROGUE NOT ADMITTED");
        }
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
        System.exit(0);
    }

    /** tls-tcp with a CA the rogue made itself: a well-formed certificate that no agent trusts. */
    private static Map<String, Object> ownCa() throws IOException {
        Path dir = Files.createTempDirectory("rogue-tls");
        ClusterCa ca = ClusterCa.create(dir.resolve("ca"), "lvmcoord cluster CA", Duration.ofDays(1), new SecureRandom());
        ca.issue(dir.resolve("node"), "rogue", List.of("127.0.0.1"), Duration.ofDays(1));
        String password = ClusterCa.readPassword(dir.resolve("node"));
        return Map.of("lvmcoord.agent.transport", "tls-tcp", "lvmcoord.agent.tls.key-store", dir.resolve("node/node.p12").toString(),
                "lvmcoord.agent.tls.key-store-password", password, "lvmcoord.agent.tls.trust-store", dir.resolve("node/trust.p12").toString(),
                "lvmcoord.agent.tls.trust-store-password", password);
    }
}
