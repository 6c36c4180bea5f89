package io.lvmcoord.agent.daemon;

import io.lvmcoord.persistence.CborSerializable;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.RootActorPath;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How recently this node heard from each other member, by a ping every {@code interval} to each
 * Up member's leases actor and its answer: a node may call itself current only while every other
 * member answered within {@code lease}.
 *
 * <p>Why not the failure detector alone: the two sides of a cut reach their verdicts seconds
 * apart. In FaultTest a node restarted just before its cable was pulled kept trusting the others
 * 1.5 s after they had marked it unreachable (its detector's short history of heartbeats), and
 * served the previous seqno unflagged while the majority acknowledged the next. A lease has no
 * history: a node that hears nothing for {@code lease} stops answering unflagged, and the other
 * side waits far longer than that (failure detection plus {@code lvmcoord.vg-entity.unreachable-margin})
 * before it acknowledges a write without that node's cache.
 */
public final class PeerLeases {
    /** The actor's name under /system on every node: peers are addressed by member address, no registry to wait for. */
    static final String NAME = "lvmcoord-leases";

    /** What the leases actors say to each other. */
    public interface Msg extends CborSerializable {
    }

    /** Answer {@code replyTo} with this node's address. */
    public record Ping(ActorRef<Pong> replyTo) implements Msg {
    }

    /** {@code from} (a member address, as a string) is alive and answering. */
    public record Pong(String from) implements Msg {
    }

    private enum Tick implements Msg { INSTANCE }

    private final Map<Address, Long> lastHeard = new ConcurrentHashMap<>();
    private final Duration lease;

    private PeerLeases(Duration lease) {
        this.lease = lease;
    }

    /** Starts the leases actor on {@code system}, pinging every {@code interval}. */
    public static PeerLeases start(ActorSystem<?> system, Duration interval, Duration lease) {
        PeerLeases leases = new PeerLeases(lease);
        system.systemActorOf(leases.behavior(interval), NAME, Props.empty());
        return leases;
    }

    /**
     * True when every member of {@code members} other than {@code self} answered a ping within the
     * lease (members not Up, such as a node still joining, are not required).
     */
    public boolean allHeardFrom(Iterable<Member> members, Address self) {
        long now = System.nanoTime();
        for (Member m : members) {
            if (m.address().equals(self) || m.status() != MemberStatus.up()) {
                continue;
            }
            Long heard = lastHeard.get(m.address());
            if (heard == null || now - heard > lease.toNanos()) {
                return false;
            }
        }
        return true;
    }

    private Behavior<Msg> behavior(Duration interval) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
            Cluster cluster = Cluster.get(ctx.getSystem());
            Address self = cluster.selfMember().address();
            ActorRef<Pong> replies = ctx.getSelf().narrow();
            return Behaviors.receive(Msg.class)
                    .onMessage(Tick.class, t -> {
                        Set<Address> members = new HashSet<>();
                        for (Member m : cluster.state().getMembers()) {
                            members.add(m.address());
                            if (!m.address().equals(self) && m.status() == MemberStatus.up()) {
                                ActorSelection peer = ctx.getSystem().classicSystem().actorSelection(
                                        new RootActorPath(m.address(), "/").child("system").child(NAME));
                                peer.tell(new Ping(replies), org.apache.pekko.actor.ActorRef.noSender());
                            }
                        }
                        lastHeard.keySet().retainAll(members);
                        return Behaviors.same();
                    })
                    .onMessage(Ping.class, p -> {
                        p.replyTo().tell(new Pong(self.toString()));
                        return Behaviors.same();
                    })
                    .onMessage(Pong.class, p -> {
                        lastHeard.put(org.apache.pekko.actor.AddressFromURIString.parse(p.from()), System.nanoTime());
                        return Behaviors.same();
                    })
                    .build();
        }));
    }
}
