package io.lvmcoord.coordinator.vg;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A node's cache actor: the one writer of its {@link NodeReadCache}, and the owner of what
 * depends on each change it makes. As it takes an update it starts the re-reads the update calls
 * for ({@link NodeRereads}, before the cache shows the update, so a query that sees the new state
 * also finds the re-read pending), and it answers those waiting for a VG to be complete on a node
 * ({@link CacheUpdates.AwaitComplete}) when a change completes it or their time is up. Data flows
 * one way: entities and this node's own reads in, the cache (read by queries) out.
 */
final class NodeCacheActor {

    /** Messages the actor sends itself. */
    sealed interface Internal extends CacheUpdates.Write permits RereadEnded, WaitExpired {
    }

    /** A re-read started here ended; {@code ok} when its reports were persisted. */
    record RereadEnded(NodeRereads.Started started, boolean ok) implements Internal {
    }

    /** A completeness waiter's time is up. */
    record WaitExpired(long id) implements Internal {
    }

    private record Waiter(String node, String vg, ActorRef<Completeness> replyTo) {
    }

    private final ActorContext<CacheUpdates.Write> ctx;
    private final TimerScheduler<CacheUpdates.Write> timers;
    private final NodeReadCache cache;
    /** Null where the node does no re-reads (a cache that only serves queries, tests). */
    private final NodeRereads rereads;
    private final ClusterView views;
    private final Map<Long, Waiter> waiters = new LinkedHashMap<>();
    private long nextWaiter;

    private NodeCacheActor(ActorContext<CacheUpdates.Write> ctx, TimerScheduler<CacheUpdates.Write> timers, NodeReadCache cache,
                           NodeRereads rereads, ClusterView views) {
        this.ctx = ctx;
        this.timers = timers;
        this.cache = cache;
        this.rereads = rereads;
        this.views = views;
    }

    static Behavior<CacheUpdates.Write> create(NodeReadCache cache, NodeRereads rereads, ClusterView views) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new NodeCacheActor(ctx, timers, cache, rereads, views).behavior()));
    }

    private Behavior<CacheUpdates.Write> behavior() {
        return Behaviors.receive(CacheUpdates.Write.class)
                .onMessage(CacheUpdates.Update.class, this::onUpdate)
                .onMessage(CacheUpdates.Taken.class, this::onTaken)
                .onMessage(CacheUpdates.AwaitComplete.class, this::onAwaitComplete)
                .onMessage(RereadEnded.class, e -> {
                    rereads.finished(e.started(), e.ok());
                    return Behaviors.same();
                })
                .onMessage(WaitExpired.class, e -> {
                    Waiter w = waiters.remove(e.id());
                    if (w != null) {
                        w.replyTo().tell(completeness(w.node(), w.vg()));
                    }
                    return Behaviors.same();
                })
                .build();
    }

    private Behavior<CacheUpdates.Write> onUpdate(CacheUpdates.Update u) {
        if (u.state() == null) {
            cache.announce(u.aggregateKey(), u.version());
        } else {
            // The request first: once the state is visible, queries must already find the re-read pending.
            if (u.reread() != null && rereads != null) {
                started(rereads.requested(u.aggregateKey(), u.reread()));
            }
            if (cache.push(u.aggregateKey(), u.state())) {
                changed(u.aggregateKey());
            }
        }
        if (u.deliveredTo() != null) {
            u.deliveredTo().tell(new CacheUpdates.Delivered(u.aggregateKey(), u.version(), ctx.getSelf().narrow()));
        }
        return Behaviors.same();
    }

    private Behavior<CacheUpdates.Write> onTaken(CacheUpdates.Taken t) {
        boolean taken;
        if (t.announcedSeen() < 0) {
            taken = cache.push(t.aggregateKey(), t.state());
        } else {
            taken = cache.confirm(t.aggregateKey(), t.state(), t.announcedSeen());
        }
        if (taken) {
            changed(t.aggregateKey());
        }
        if (t.replyTo() != null) {
            t.replyTo().tell(Done.getInstance());
        }
        return Behaviors.same();
    }

    private Behavior<CacheUpdates.Write> onAwaitComplete(CacheUpdates.AwaitComplete a) {
        Completeness now = completeness(a.node(), a.vg());
        if (now.complete()) {
            a.replyTo().tell(now);
        } else {
            long id = nextWaiter++;
            waiters.put(id, new Waiter(a.node(), a.vg(), a.replyTo()));
            timers.startSingleTimer(id, new WaitExpired(id), a.timeout());
        }
        return Behaviors.same();
    }

    /** The cache took a new state of {@code aggregateKey}: re-reads it calls for, waiters it completes. */
    private void changed(String aggregateKey) {
        if (rereads != null) {
            cache.get(aggregateKey).ifPresent(v -> started(rereads.stateTaken(v)));
        }
        if (waiters.isEmpty()) {
            return;
        }
        Map<String, io.lvmcoord.coordinator.assembly.Assembly> byNode = new HashMap<>();
        waiters.entrySet().removeIf(e -> {
            Waiter w = e.getValue();
            Completeness c = Completeness.of(byNode.computeIfAbsent(w.node(), this::view), w.vg());
            if (!c.complete()) {
                return false;
            }
            timers.cancel(e.getKey());
            w.replyTo().tell(c);
            return true;
        });
    }

    private void started(Optional<NodeRereads.Started> s) {
        s.ifPresent(started -> ctx.pipeToSelf(started.io(), (ok, failure) -> new RereadEnded(started, failure == null)));
    }

    private Completeness completeness(String node, String vg) {
        return Completeness.of(view(node), vg);
    }

    private io.lvmcoord.coordinator.assembly.Assembly view(String node) {
        return views.forNode(node, cache.snapshot()).assembly();
    }
}
