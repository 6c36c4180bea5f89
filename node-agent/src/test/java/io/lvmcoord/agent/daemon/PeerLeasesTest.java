package io.lvmcoord.agent.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node calls itself current only while every other Up member answers its pings within the
 * lease: a member whose leases actor does not answer (as one cut off the network) makes it say
 * so, whatever its failure detector still believes.
 */
class PeerLeasesTest {
    private static final Duration T = Duration.ofSeconds(30);

    private static Config config() {
        return ConfigFactory.parseString("pekko.actor.provider = cluster\npekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.remote.artery.canonical.port = 0\npekko.loglevel = WARNING\n").withFallback(ConfigFactory.load());
    }

    @Test
    void aMemberThatAnswersPingsIsHeardFromAndOneThatDoesNotIsNot() throws Exception {
        ActorSystem<Void> a = ActorSystem.create(Behaviors.empty(), "leases", config());
        ActorSystem<Void> b = ActorSystem.create(Behaviors.empty(), "leases", config());
        ActorSystem<Void> c = ActorSystem.create(Behaviors.empty(), "leases", config());
        try {
            Cluster.get(a).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
            Cluster.get(b).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
            awaitUp(a, 2);
            PeerLeases onA = PeerLeases.start(a, Duration.ofMillis(100), Duration.ofMillis(500));
            PeerLeases.start(b, Duration.ofMillis(100), Duration.ofMillis(500));
            assertTrue(heardWithin(onA, a, T), "b answers a's pings");

            // c joins but runs no leases actor: it is silent, as a member cut off the network is.
            Cluster.get(c).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
            awaitUp(a, 3);
            Thread.sleep(1000);
            assertFalse(onA.allHeardFrom(Cluster.get(a).state().getMembers(), Cluster.get(a).selfMember().address()),
                    "c has not answered within the lease");
            assertTrue(Cluster.get(a).state().getUnreachable().isEmpty(), "while the failure detector still trusts c");

            // c answers from now on: a is current again.
            PeerLeases.start(c, Duration.ofMillis(100), Duration.ofMillis(500));
            assertTrue(heardWithin(onA, a, T), "c answers a's pings");
        } finally {
            for (ActorSystem<Void> s : new ActorSystem[]{c, b, a}) {
                s.terminate();
                s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean heardWithin(PeerLeases leases, ActorSystem<Void> sys, Duration limit) throws InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            if (leases.allHeardFrom(Cluster.get(sys).state().getMembers(), Cluster.get(sys).selfMember().address())) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static void awaitUp(ActorSystem<Void> sys, int members) throws InterruptedException {
        long until = System.nanoTime() + T.toNanos();
        while (StreamSupport.stream(Cluster.get(sys).state().getMembers().spliterator(), false)
                .filter(m -> m.status() == MemberStatus.up()).count() < members) {
            assertTrue(System.nanoTime() < until, members + " members not Up within " + T);
            Thread.sleep(50);
        }
    }
}
