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
 * A member is waited for until its cache confirms, or this node's cluster state has shown it
 * unreachable for {@code margin} (checked every {@link #RECHECK}): a partitioned or dead member
 * answers may-be-stale by then, because an agent stops calling itself current when it has not
 * heard from every member within its peer lease (1 s), well before the other side's failure
 * detector gives up on it (about 1.9 s) and this margin passes. Acknowledging on a timer
 * instead let a node cut off the network serve the previous seqno unflagged for seconds after
 * the new one was acknowledged, and relying on the cut-off node's own failure detector still
 * let it for up to 1.3 s (FaultTest). {@code wait} bounds it all, for a member that neither
 * confirms nor is found unreachable (its announcement, sent before the persist, makes it answer
 * may-be-stale if it arrived).
 */
final class Delivery {

    /** What a delivery hears: confirmations from caches ({@link CacheUpdates.Delivered}), the receptionist's listing, its deadline. */
    interface Msg {
    }

    private record Listed(Receptionist.Listing listing) implements Msg {
    }

    private enum Deadline implements Msg { INSTANCE }

    private enum Recheck implements Msg { INSTANCE }

    /** How often the members still waited for are checked against the cluster's reachability. */
    static final Duration RECHECK = Duration.ofMillis(100);

    private Delivery() {
    }

    /**
     * Delivers {@code update} to every reachable cache and then runs {@code done} (the write's
     * acknowledgement), at the latest after {@code wait}.
     */
    static Behavior<Msg> of(CacheUpdates.Update update, Set<ActorRef<CacheUpdates.Update>> direct, Duration wait, Duration margin,
                            Runnable done) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startSingleTimer(Deadline.INSTANCE, wait);
            ActorRef<Receptionist.Listing> listed = ctx.messageAdapter(Receptionist.Listing.class, Listed::new);
            ctx.getSystem().receptionist().tell(Receptionist.find(CacheUpdates.CACHES, listed));
            return Behaviors.receive(Msg.class)
                    .onMessage(Listed.class, l -> {
                        Set<ActorRef<CacheUpdates.Update>> caches = new HashSet<>(l.listing().getServiceInstances(CacheUpdates.CACHES));
                        caches.addAll(direct);
                        java.util.Map<String, Address> waiting = new java.util.HashMap<>();
                        Set<Address> reachable = reachableMembers(Cluster.get(ctx.getSystem()), ctx.getSystem().address());
                        for (ActorRef<CacheUpdates.Update> cache : caches) {
                            Address at = addressOf(cache, ctx.getSystem().address());
                            if (!reachable.contains(at)) {
                                continue;
                            }
                            cache.tell(update.confirmedTo(ctx.getSelf().narrow()));
                            waiting.put(identity(cache, ctx.getSystem().address()), at);
                        }
                        timers.startTimerWithFixedDelay(Recheck.INSTANCE, RECHECK);
                        return waitFor(update, waiting, ctx.getSystem().address(), Cluster.get(ctx.getSystem()), margin, done);
                    })
                    .onMessage(Deadline.class, d -> finish(done))
                    .build();
        }));
    }

    private static Behavior<Msg> waitFor(CacheUpdates.Update update, java.util.Map<String, Address> waiting, Address self,
                                         Cluster cluster, Duration margin, Runnable done) {
        if (waiting.isEmpty()) {
            return finish(done);
        }
        java.util.Map<Address, Long> unreachableSince = new java.util.HashMap<>();
        return Behaviors.receive(Msg.class)
                .onMessage(CacheUpdates.Delivered.class, d -> {
                    waiting.remove(identity(d.cache(), self));
                    return waiting.isEmpty() ? finish(done) : Behaviors.same();
                })
                .onMessage(Recheck.class, r -> {
                    Set<Address> reachable = reachableMembers(cluster, self);
                    long now = System.nanoTime();
                    unreachableSince.keySet().retainAll(Set.copyOf(waiting.values()));
                    for (Address at : Set.copyOf(waiting.values())) {
                        if (reachable.contains(at)) {
                            unreachableSince.remove(at);
                        } else {
                            unreachableSince.putIfAbsent(at, now);
                        }
                    }
                    waiting.values().removeIf(at -> unreachableSince.containsKey(at)
                            && now - unreachableSince.get(at) >= margin.toNanos());
                    return waiting.isEmpty() ? finish(done) : Behaviors.same();
                })
                .onMessage(Deadline.class, d -> {
                    // Acknowledged without them: each answers may-be-stale while it lacks the version (the announcement).
                    LOG.warn("{} v{}: acknowledged without a confirmation from {} cache(s) within the delivery wait: {}",
                            update.aggregateKey(), update.version(), waiting.size(), waiting.keySet());
                    return finish(done);
                })
                .build();
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Delivery.class);

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
