package io.lvmcoord.coordinator.vg;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One published version on its way to every node's cache, and the acknowledgement of the write
 * that made it, held until they all have it: read after acknowledge, cluster-wide. When
 * {@code pvscan --cache} returns on one host, the next query on any other live member already
 * finds the new version in its cache.
 *
 * <p>The caches are those registered under {@link CacheUpdates#CACHES} plus the ones the writer
 * named directly (a node that just joined is reachable before its registration has spread).
 * Members the cluster sees as unreachable are not waited for: each of them answers
 * may-be-stale on its own (it cannot reach everyone either), so a dead node does not hold up
 * every write until it is downed. A reachable cache that has not confirmed after
 * {@code wait} (a node in a long pause) does not hold the write up for longer: the
 * announcement sent before the persist already makes it answer may-be-stale.
 */
final class Delivery {

    /** What a delivery hears: confirmations from caches ({@link CacheUpdates.Delivered}), the receptionist's listing, its deadline. */
    interface Msg {
    }

    private record Listed(Receptionist.Listing listing) implements Msg {
    }

    private enum Deadline implements Msg { INSTANCE }

    private Delivery() {
    }

    /**
     * Delivers {@code update} to every reachable cache and then runs {@code done} (the write's
     * acknowledgement), at the latest after {@code wait}.
     */
    static Behavior<Msg> of(CacheUpdates.Update update, Set<ActorRef<CacheUpdates.Update>> direct, Duration wait, Runnable done) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startSingleTimer(Deadline.INSTANCE, wait);
            ActorRef<Receptionist.Listing> listed = ctx.messageAdapter(Receptionist.Listing.class, Listed::new);
            ctx.getSystem().receptionist().tell(Receptionist.find(CacheUpdates.CACHES, listed));
            return Behaviors.receive(Msg.class)
                    .onMessage(Listed.class, l -> {
                        Set<ActorRef<CacheUpdates.Update>> caches = new HashSet<>(l.listing().getServiceInstances(CacheUpdates.CACHES));
                        caches.addAll(direct);
                        Set<String> waiting = new HashSet<>();
                        Set<Address> reachable = reachableMembers(Cluster.get(ctx.getSystem()), ctx.getSystem().address());
                        for (ActorRef<CacheUpdates.Update> cache : caches) {
                            Address at = addressOf(cache, ctx.getSystem().address());
                            if (!reachable.contains(at)) {
                                continue;
                            }
                            cache.tell(update.confirmedTo(ctx.getSelf().narrow()));
                            waiting.add(identity(cache, ctx.getSystem().address()));
                        }
                        return waitFor(waiting, ctx.getSystem().address(), done);
                    })
                    .onMessage(Deadline.class, d -> finish(done))
                    .build();
        }));
    }

    private static Behavior<Msg> waitFor(Set<String> waiting, Address self, Runnable done) {
        if (waiting.isEmpty()) {
            return finish(done);
        }
        return Behaviors.receive(Msg.class)
                .onMessage(CacheUpdates.Delivered.class, d -> {
                    waiting.remove(identity(d.cache(), self));
                    return waiting.isEmpty() ? finish(done) : Behaviors.same();
                })
                .onMessage(Deadline.class, d -> finish(done))
                .build();
    }

    private static Behavior<Msg> finish(Runnable done) {
        done.run();
        return Behaviors.stopped();
    }

    /**
     * Addresses of the members this node can deliver to: Up or joining/leaving, not seen
     * unreachable by anyone, not down or being removed. This node's own address always counts.
     */
    static Set<Address> reachableMembers(Cluster cluster, Address self) {
        ClusterEvent.CurrentClusterState state = cluster.state();
        Set<Member> unreachable = state.getUnreachable();
        Set<Address> out = new HashSet<>();
        out.add(self);
        for (Member m : state.getMembers()) {
            MemberStatus s = m.status();
            if (!unreachable.contains(m) && s != MemberStatus.down() && s != MemberStatus.removed() && s != MemberStatus.exiting()) {
                out.add(m.address());
            }
        }
        return out;
    }

    /**
     * A cache writer as the same string whether its ref came from the receptionist, from a
     * report, or back in its confirmation (a local ref has no address in its path).
     */
    private static String identity(ActorRef<?> ref, Address self) {
        return addressOf(ref, self) + ref.path().toStringWithoutAddress();
    }

    /** Where an actor lives; a local ref (no host in its path) lives on {@code self}. */
    private static Address addressOf(ActorRef<?> ref, Address self) {
        Address a = ref.path().address();
        return a.hasLocalScope() ? self : a;
    }
}
