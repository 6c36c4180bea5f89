package io.lvmcoord.coordinator.vg;

import io.lvmcoord.persistence.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * How aggregates push their new versions to every node's {@link NodeReadCache}: after each
 * persisted change an entity publishes its state on one cluster-wide topic; every node runs a
 * subscriber that offers it to its cache (which ignores anything not newer than what it holds,
 * so duplicates and reordering are harmless).
 */
public final class CacheUpdates {
    private static final String TOPIC = "lvmcoord-aggregate-updates";

    /** A new version of an aggregate, keyed as {@code KIND:id}. */
    public record Update(String aggregateKey, VgState state) implements CborSerializable {
    }

    private CacheUpdates() {
    }

    public static String key(ReportRouting.Target target) {
        return target.kind() + ":" + target.id();
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
        ActorRef<Topic.Command<Update>> topic = topic(system, "aggregate-updates-" + name);
        ActorRef<Update> subscriber = system.systemActorOf(subscriber(cache), "aggregate-cache-" + name, Props.empty());
        topic.tell(Topic.subscribe(subscriber));
    }

    private static Behavior<Update> subscriber(NodeReadCache cache) {
        return Behaviors.receiveMessage(u -> {
            cache.push(u.aggregateKey(), u.state());
            return Behaviors.same();
        });
    }
}
