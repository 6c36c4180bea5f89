package io.lvmcoord.coordinator.vg;

import io.lvmcoord.persistence.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

import java.util.List;
import java.util.Map;

/**
 * How aggregates push their versions to every node's {@link NodeReadCache}. An entity about to
 * persist a change first announces the version it will have; once persisted it publishes the
 * state itself. Both travel on one cluster-wide topic; every node runs a subscriber that offers
 * them to its cache. The cache ignores anything not newer than what it holds, so duplicates and
 * reordering are harmless; an announcement without its state (the write failed, or the state
 * was lost on the way) leaves the cache saying "may be stale" until a newer state arrives,
 * which is the honest answer.
 */
public final class CacheUpdates {
    private static final String TOPIC = "lvmcoord-aggregate-updates";

    /**
     * A version of an aggregate, keyed as {@code KIND:id}: announced ({@code state} null, the
     * change is being persisted) or published ({@code state} is that version). A published
     * version that raised the VG's seqno also carries {@code reread}: the hosts behind it and
     * their devices of this VG, which those hosts re-read (a write on one host made them stale).
     */
    public record Update(String aggregateKey, long version, VgState state, Reread reread) implements CborSerializable {

        public static Update announced(String aggregateKey, long version) {
            return new Update(aggregateKey, version, null, null);
        }

        public static Update published(String aggregateKey, VgState state) {
            return new Update(aggregateKey, state.version(), state, null);
        }

        public static Update published(String aggregateKey, VgState state, Reread reread) {
            return new Update(aggregateKey, state.version(), state, reread);
        }
    }

    /** An entity's request that hosts re-read their devices of a VG because its seqno reached {@code seqno}. */
    public record Reread(long seqno, Map<String, List<String>> devicesByHost) implements CborSerializable {
        public Reread {
            Map<String, List<String>> copy = new java.util.TreeMap<>();
            devicesByHost.forEach((h, d) -> copy.put(h, List.copyOf(d)));
            devicesByHost = java.util.Collections.unmodifiableMap(copy);
        }
    }

    /** Where a node's subscriber hands the re-read requests addressed to the cluster (each node picks its own). */
    public interface RereadSink {
        void requested(String aggregateKey, Reread reread);
    }

    private CacheUpdates() {
    }

    public static String key(ReportRouting.Target target) {
        return target.kind() + ":" + target.id();
    }

    /** The aggregate a cache key names (inverse of {@link #key}). */
    public static ReportRouting.Target target(String aggregateKey) {
        int colon = aggregateKey.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not an aggregate key: " + aggregateKey);
        }
        return new ReportRouting.Target(ReportRouting.Target.Kind.valueOf(aggregateKey.substring(0, colon)),
                aggregateKey.substring(colon + 1));
    }

    /**
     * A handle on the topic, as a local actor named {@code name}. Topic actors of the same topic
     * find each other through the receptionist, across nodes too, so each user may have its own.
     */
    public static ActorRef<Topic.Command<Update>> topic(ActorSystem<?> system, String name) {
        return system.systemActorOf(Topic.create(Update.class, TOPIC), name, Props.empty());
    }

    /** Subscribes {@code cache} to every aggregate's pushes; {@code name} must be unique on the node. */
    public static void subscribe(ActorSystem<?> system, NodeReadCache cache, String name) {
        subscribe(system, cache, name, null);
    }

    /** As {@link #subscribe(ActorSystem, NodeReadCache, String)}, handing re-read requests to {@code rereads} too. */
    public static void subscribe(ActorSystem<?> system, NodeReadCache cache, String name, RereadSink rereads) {
        ActorRef<Topic.Command<Update>> topic = topic(system, "aggregate-updates-" + name);
        ActorRef<Update> subscriber = system.systemActorOf(subscriber(cache, rereads), "aggregate-cache-" + name, Props.empty());
        topic.tell(Topic.subscribe(subscriber));
    }

    private static Behavior<Update> subscriber(NodeReadCache cache, RereadSink rereads) {
        return Behaviors.receiveMessage(u -> {
            if (u.state() == null) {
                cache.announce(u.aggregateKey(), u.version());
            } else {
                // The request first: once the state is visible, queries must already find the re-read pending.
                if (u.reread() != null && rereads != null) {
                    rereads.requested(u.aggregateKey(), u.reread());
                }
                cache.push(u.aggregateKey(), u.state());
            }
            return Behaviors.same();
        });
    }
}
