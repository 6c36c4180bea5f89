package io.lvmcoord.coordinator.vg;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Drops the activation entries of agents that are no longer cluster members: a node that left,
 * was downed or removed may have rebooted or lost its disks since, so what it reported is not
 * known any more. Two paths, both run by the cluster's leader only (one writer of drops, and a
 * drop told twice is a no-op anyway): at each member removal, the entries that incarnation
 * reported; and on a slow sweep, entries of any incarnation that is not a member (a whole
 * cluster restarted, a removal this node did not hear of). A live agent whose entry is dropped
 * by a race (the sweeper had not seen it join yet) reports it again when its cache shows the
 * drop ({@link ActivationReporter}).
 */
public final class ActivationJanitor {

    /** A drop to send: {@code node}'s entry in the VG {@code vgUuid}, reported by {@code incarnation}. */
    public record Drop(String vgUuid, String node, long incarnation) {
    }

    private ActivationJanitor() {
    }

    /** The entries of {@code cached} VG aggregates whose incarnation {@code gone} says has left. Pure. */
    public static List<Drop> due(Collection<NodeReadCache.Versioned> cached, LongPredicate gone) {
        String prefix = ReportRouting.Target.Kind.VOLUME_GROUP + ":";
        List<Drop> out = new ArrayList<>();
        for (NodeReadCache.Versioned v : cached) {
            if (v.state() == null || !v.aggregateKey().startsWith(prefix)) {
                continue;
            }
            v.state().activation().forEach((node, a) -> {
                if (gone.test(a.incarnation())) {
                    out.add(new Drop(v.aggregateKey().substring(prefix.length()), node, a.incarnation()));
                }
            });
        }
        return out;
    }

    /** Starts this node's janitor over {@code cache}, sweeping every {@code sweep}. */
    public static void start(ActorSystem<?> system, NodeReadCache cache, Duration sweep) {
        system.systemActorOf(behavior(cache, sweep), "lvmcoord-activation-janitor", Props.empty());
    }

    private enum Sweep { INSTANCE }

    private static Behavior<Object> behavior(NodeReadCache cache, Duration sweep) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberRemoved.class));
            timers.startTimerWithFixedDelay(Sweep.INSTANCE, sweep);
            return Behaviors.receiveMessage(msg -> {
                if (!leading(cluster)) {
                    return Behaviors.same();
                }
                if (msg instanceof ClusterEvent.MemberRemoved removed) {
                    long uid = removed.member().uniqueAddress().longUid();
                    send(ctx.getSystem(), due(cache.snapshot(), i -> i == uid));
                } else if (msg == Sweep.INSTANCE) {
                    Set<Long> members = new HashSet<>();
                    for (Member m : cluster.state().getMembers()) {
                        members.add(m.uniqueAddress().longUid());
                    }
                    send(ctx.getSystem(), due(cache.snapshot(), i -> !members.contains(i)));
                }
                return Behaviors.same();
            });
        }));
    }

    private static boolean leading(Cluster cluster) {
        var leader = cluster.state().getLeader();
        return leader != null && leader.equals(cluster.selfMember().address());
    }

    private static void send(ActorSystem<?> system, List<Drop> drops) {
        for (Drop d : drops) {
            // Fire and forget: the outcome reaches every cache as the aggregate's next version.
            VgSharding.entity(system, d.vgUuid()).tell(new VolumeGroupEntity.DropActivation(d.node(), d.incarnation(), system.ignoreRef()));
        }
    }
}
