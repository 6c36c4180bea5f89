package io.lvmcoord.coordinator.vg;

import io.lvmcoord.persistence.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The VG-name index: for every VG name, the UUIDs of every VG that carries it. lvm2 allows two
 * VGs with one name (say, a disk from another host was attached) and lists both, so a name maps
 * to a set, never to one VG. VG entities claim their names after each persisted change and again
 * after recovery (claims are idempotent), and release names they no longer carry; a claim lost in
 * a crash is therefore repaired the next time the VG wakes up.
 *
 * <p>Names are spread over {@link #BUCKETS} sharded entries by their hash, not one entry per
 * name: every entry is an entity to start, recover from the journal and keep, and at 10,000
 * devices one per name was 1600 of the 4200 entities a first start brought up (and every VG's
 * re-claim after a restart woke them all again).
 */
public final class VgNameIndex extends EventSourcedBehaviorWithEnforcedReplies<VgNameIndex.Command, VgNameIndex.Event, VgNameIndex.State> {

    /**
     * Entries the names are spread over. Part of the journal's layout (a name's entry is found by
     * it): changing it orphans what the old entries hold until every VG has re-claimed its names.
     */
    public static final int BUCKETS = 128;

    /** The entry (entity id) that holds {@code vgName}. String.hashCode is specified, so every node agrees. */
    public static String bucketOf(String vgName) {
        return Integer.toString(Math.floorMod(vgName.hashCode(), BUCKETS));
    }

    public interface Command extends CborSerializable {
    }

    /** The VG with this UUID carries {@code name}. */
    public record Claim(String name, String vgUuid) implements Command {
    }

    /** The VG with this UUID no longer carries {@code name}. */
    public record Release(String name, String vgUuid) implements Command {
    }

    public record Lookup(String name, ActorRef<Listing> replyTo) implements Command {
    }

    /** The UUIDs of the VGs carrying {@code name}, sorted; empty when none does. */
    public record Listing(String name, List<String> vgUuids) implements CborSerializable {
        public Listing {
            vgUuids = List.copyOf(vgUuids);
        }
    }

    public sealed interface Event extends CborSerializable permits Claimed, Released {
    }

    public record Claimed(String name, String vgUuid) implements Event {
    }

    public record Released(String name, String vgUuid) implements Event {
    }

    /** Name -> the UUIDs carrying it, sorted; names nobody carries are not kept. */
    public record State(Map<String, List<String>> vgUuidsByName) implements CborSerializable {
        public State {
            Map<String, List<String>> sorted = new TreeMap<>();
            vgUuidsByName.forEach((name, uuids) -> {
                if (!uuids.isEmpty()) {
                    sorted.put(name, List.copyOf(new TreeSet<>(uuids)));
                }
            });
            vgUuidsByName = java.util.Collections.unmodifiableMap(sorted);
        }

        List<String> carrying(String name) {
            return vgUuidsByName.getOrDefault(name, List.of());
        }

        State with(String name, String uuid) {
            Map<String, List<String>> next = new TreeMap<>(vgUuidsByName);
            List<String> uuids = new java.util.ArrayList<>(carrying(name));
            uuids.add(uuid);
            next.put(name, uuids);
            return new State(next);
        }

        State without(String name, String uuid) {
            Map<String, List<String>> next = new TreeMap<>(vgUuidsByName);
            next.put(name, carrying(name).stream().filter(u -> !u.equals(uuid)).toList());
            return new State(next);
        }
    }

    /** Journal layout: "VgNames|<bucket>" (the earlier one-entry-per-name layout used "VgNameIndex|<name>"). */
    private VgNameIndex(String bucket) {
        super(PersistenceId.of("VgNames", bucket));
    }

    /** The entry {@code bucket} (see {@link #bucketOf}). */
    public static Behavior<Command> create(String bucket) {
        return new VgNameIndex(bucket);
    }

    @Override
    public State emptyState() {
        return new State(Map.of());
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        // A bucket collects the claims of many VGs: a snapshot now and then keeps its recovery short.
        return RetentionCriteria.snapshotEvery(100, 2);
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Claim.class, this::onClaim)
                .onCommand(Release.class, this::onRelease)
                .onCommand(Lookup.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Listing(cmd.name(), state.carrying(cmd.name()))))
                .build();
    }

    private ReplyEffect<Event, State> onClaim(State state, Claim cmd) {
        return state.carrying(cmd.name()).contains(cmd.vgUuid()) ? Effect().noReply()
                : Effect().persist(new Claimed(cmd.name(), cmd.vgUuid())).thenNoReply();
    }

    private ReplyEffect<Event, State> onRelease(State state, Release cmd) {
        return state.carrying(cmd.name()).contains(cmd.vgUuid())
                ? Effect().persist(new Released(cmd.name(), cmd.vgUuid())).thenNoReply() : Effect().noReply();
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Claimed.class, (state, e) -> state.with(e.name(), e.vgUuid()))
                .onEvent(Released.class, (state, e) -> state.without(e.name(), e.vgUuid()))
                .build();
    }
}
