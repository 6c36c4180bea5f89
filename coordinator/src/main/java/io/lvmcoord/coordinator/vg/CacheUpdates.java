package io.lvmcoord.coordinator.vg;

import io.lvmcoord.persistence.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.Done;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * How aggregates push their versions to every node's {@link NodeReadCache}. An entity about to
 * persist a change first announces the version it will have, on one cluster-wide topic; once
 * persisted it delivers the state itself to every node's cache actor (registered under
 * {@link #CACHES}) and acknowledges the write when they have confirmed it ({@link Delivery}).
 * A cache ignores anything not newer than what it holds, so duplicates and reordering are
 * harmless; an announcement without its state (the write failed, or the state was lost on the
 * way) leaves the cache saying "may be stale" until a newer state arrives, which is the honest
 * answer.
 */
public final class CacheUpdates {
    private static final String TOPIC = "lvmcoord-aggregate-updates";

    /**
     * What a node's cache writer takes: versions from the entities ({@link Update}, across the
     * network) and states this node read from an entity itself ({@link Taken}). The writer is the
     * only writer of its {@link NodeReadCache}; everything else reads.
     */
    public sealed interface Write permits Update, Taken, AwaitComplete, NodeCacheActor.Internal {
    }

    /**
     * A version of an aggregate, keyed as {@code KIND:id}: announced ({@code state} null, the
     * change is being persisted) or published ({@code state} is that version). A published
     * version that raised the VG's seqno also carries {@code reread}: the hosts behind it and
     * their devices of this VG, which those hosts re-read (a write on one host made them stale).
     * {@code deliveredTo}, when set, is told {@link Delivered} once the cache holds the version:
     * the entity acknowledges a write only when every reachable member's cache has it.
     */
    public record Update(String aggregateKey, long version, VgState state, Reread reread, ActorRef<Delivered> deliveredTo)
            implements CborSerializable, Write {

        public static Update announced(String aggregateKey, long version) {
            return new Update(aggregateKey, version, null, null, null);
        }

        public static Update published(String aggregateKey, VgState state) {
            return new Update(aggregateKey, state.version(), state, null, null);
        }

        public static Update published(String aggregateKey, VgState state, Reread reread) {
            return new Update(aggregateKey, state.version(), state, reread, null);
        }

        /** This update, with {@link Delivered} asked for once the cache holds it. */
        public Update confirmedTo(ActorRef<Delivered> to) {
            return new Update(aggregateKey, version, state, reread, to);
        }
    }

    /** A cache's word ({@code cache} is its writer) that it holds {@code version} (or newer) of {@code aggregateKey}. */
    public record Delivered(String aggregateKey, long version, ActorRef<Update> cache) implements CborSerializable, Delivery.Msg {
    }

    /**
     * A state this node read from the entity itself: at start, after its own report (read your
     * writes without waiting for the push), or for a query that found a version announced and
     * not yet pushed. {@code announcedSeen} (or -1) is the announcement that made the reader
     * ask: the entity answers only between persists, so an announcement this state does not
     * reach was of a write that failed, and is dropped. {@code replyTo} (may be null) is told
     * once the cache has taken it, so the reader's next read sees it.
     */
    public record Taken(String aggregateKey, VgState state, long announcedSeen, ActorRef<Done> replyTo) implements Write {
    }

    /**
     * Answer {@code replyTo} with the VG's completeness on {@code node} (name or UUID) as soon as
     * every PV of it is present there, or after {@code timeout} with what is missing then.
     */
    public record AwaitComplete(String node, String vg, Duration timeout, ActorRef<Completeness> replyTo) implements Write {
    }

    /** Every node's cache writer registers under this key; entities deliver their new versions to all of them. */
    public static final ServiceKey<Update> CACHES = ServiceKey.create(Update.class, "lvmcoord-node-caches");

    /** An entity's request that hosts re-read their devices of a VG because its seqno reached {@code seqno}. */
    public record Reread(long seqno, Map<String, List<String>> devicesByHost) implements CborSerializable {
        public Reread {
            Map<String, List<String>> copy = new java.util.TreeMap<>();
            devicesByHost.forEach((h, d) -> copy.put(h, List.copyOf(d)));
            devicesByHost = java.util.Collections.unmodifiableMap(copy);
        }
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

    /** The writer of {@code cache}, subscribed to every aggregate's updates; {@code name} must be unique on the node. */
    public static ActorRef<Write> subscribe(ActorSystem<?> system, NodeReadCache cache, String name) {
        return subscribe(system, cache, name, null);
    }

    /** As {@link #subscribe(ActorSystem, NodeReadCache, String, NodeRereads, ClusterView)}, with views of its own. */
    public static ActorRef<Write> subscribe(ActorSystem<?> system, NodeReadCache cache, String name, NodeRereads rereads) {
        return subscribe(system, cache, name, rereads, new ClusterView(new io.lvmcoord.coordinator.assembly.VgAssembler()));
    }

    /**
     * Starts the node's cache actor ({@link NodeCacheActor}), the one writer of {@code cache}:
     * subscribed to the updates topic, registered under {@link #CACHES} (entities deliver to it
     * and wait for its {@link Delivered}), starting the re-reads of {@code rereads} (null: none)
     * and answering {@link AwaitComplete} from {@code views}. Returns it; entities may be given
     * {@code writer.narrow()} directly too.
     */
    public static ActorRef<Write> subscribe(ActorSystem<?> system, NodeReadCache cache, String name, NodeRereads rereads,
                                            ClusterView views) {
        ActorRef<Topic.Command<Update>> topic = topic(system, "aggregate-updates-" + name);
        ActorRef<Write> writer = system.systemActorOf(NodeCacheActor.create(cache, rereads, views), "aggregate-cache-" + name,
                Props.empty());
        topic.tell(Topic.subscribe(writer.narrow()));
        system.receptionist().tell(Receptionist.register(CACHES, writer.narrow()));
        return writer;
    }

    /** Hands {@code state}, read from the entity, to the cache's writer; completes once the cache has taken it. */
    public static CompletionStage<Done> take(ActorSystem<?> system, ActorRef<Write> writer, String aggregateKey, VgState state,
                                             long announcedSeen) {
        return AskPattern.ask(writer, (ActorRef<Done> r) -> new Taken(aggregateKey, state, announcedSeen, r), TAKE_TIMEOUT,
                system.scheduler());
    }

    /** A local actor applying a map update: only a stopped writer (the node shutting down) misses this. */
    private static final Duration TAKE_TIMEOUT = Duration.ofSeconds(10);
}
