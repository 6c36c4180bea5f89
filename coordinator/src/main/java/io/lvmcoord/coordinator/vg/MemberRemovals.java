package io.lvmcoord.coordinator.vg;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls back at the next removal of a cluster member: whoever has something in flight to an
 * aggregate whose host may have died (a report's ask) sends it again then, since a removed
 * member's shards are re-homed. One per actor system (an extension), fed by a subscriber actor.
 * A callback is registered for one attempt and cancelled when the attempt ends, so a stable
 * cluster holds only those of the asks in flight.
 *
 * <p>Called {@link #SETTLE} after the event: every subscriber hears of the removal in its own
 * time, and a message sent again before the shard region has heard would still be routed to the
 * dead member.
 */
final class MemberRemovals implements Extension {
    /** How long after a removal the future completes (the shard regions' own handling of it comes first). */
    static final Duration SETTLE = Duration.ofMillis(200);

    private final Set<Runnable> waiting = ConcurrentHashMap.newKeySet();

    private static final ExtensionId<MemberRemovals> ID = new ExtensionId<>() {
        @Override
        public MemberRemovals createExtension(ActorSystem<?> system) {
            MemberRemovals r = new MemberRemovals();
            system.systemActorOf(r.subscriber(), "lvmcoord-member-removals", Props.empty());
            return r;
        }
    };

    static MemberRemovals of(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** Runs {@code callback} once, at the next removal of a member (after {@link #SETTLE}); returns its cancellation. */
    Runnable onNext(Runnable callback) {
        waiting.add(callback);
        return () -> waiting.remove(callback);
    }

    private Behavior<ClusterEvent.MemberRemoved> subscriber() {
        return Behaviors.setup(ctx -> {
            Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.MemberRemoved.class));
            return Behaviors.receiveMessage(removed -> {
                List<Runnable> due = List.copyOf(waiting);
                ctx.getSystem().scheduler().scheduleOnce(SETTLE, () -> due.forEach(r -> {
                    if (waiting.remove(r)) {
                        r.run();
                    }
                }), ctx.getExecutionContext());
                return Behaviors.same();
            });
        });
    }
}
