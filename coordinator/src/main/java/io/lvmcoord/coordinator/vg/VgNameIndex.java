package io.lvmcoord.coordinator.vg;

import io.lvmcoord.persistence.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

import java.util.List;
import java.util.TreeSet;

/**
 * The VG-name index: one sharded entry per VG name, listing the UUIDs of every VG that carries
 * that name. lvm2 allows two VGs with one name (say, a disk from another host was attached) and
 * lists both, so a name maps to a set, never to one VG. VG entities claim their names after each
 * persisted change and again after recovery (claims are idempotent), and release names they no
 * longer carry; a claim lost in a crash is therefore repaired the next time the VG wakes up.
 */
public final class VgNameIndex extends EventSourcedBehaviorWithEnforcedReplies<VgNameIndex.Command, VgNameIndex.Event, VgNameIndex.State> {

    public interface Command extends CborSerializable {
    }

    /** The VG with this UUID carries the entry's name. */
    public record Claim(String vgUuid) implements Command {
    }

    /** The VG with this UUID no longer carries the entry's name. */
    public record Release(String vgUuid) implements Command {
    }

    public record Lookup(ActorRef<Listing> replyTo) implements Command {
    }

    /** The UUIDs of the VGs carrying {@code name}, sorted; empty when none does. */
    public record Listing(String name, List<String> vgUuids) implements CborSerializable {
        public Listing {
            vgUuids = List.copyOf(vgUuids);
        }
    }

    public sealed interface Event extends CborSerializable permits Claimed, Released {
    }

    public record Claimed(String vgUuid) implements Event {
    }

    public record Released(String vgUuid) implements Event {
    }

    public record State(List<String> vgUuids) implements CborSerializable {
        public State {
            vgUuids = List.copyOf(new TreeSet<>(vgUuids));
        }

        State with(String uuid) {
            List<String> next = new java.util.ArrayList<>(vgUuids);
            next.add(uuid);
            return new State(next);
        }

        State without(String uuid) {
            return new State(vgUuids.stream().filter(u -> !u.equals(uuid)).toList());
        }
    }

    private final String name;

    private VgNameIndex(String name) {
        super(PersistenceId.of("VgNameIndex", name));
        this.name = name;
    }

    public static Behavior<Command> create(String name) {
        return new VgNameIndex(name);
    }

    @Override
    public State emptyState() {
        return new State(List.of());
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Claim.class, this::onClaim)
                .onCommand(Release.class, this::onRelease)
                .onCommand(Lookup.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Listing(name, state.vgUuids())))
                .build();
    }

    private ReplyEffect<Event, State> onClaim(State state, Claim cmd) {
        return state.vgUuids().contains(cmd.vgUuid()) ? Effect().noReply() : Effect().persist(new Claimed(cmd.vgUuid())).thenNoReply();
    }

    private ReplyEffect<Event, State> onRelease(State state, Release cmd) {
        return state.vgUuids().contains(cmd.vgUuid()) ? Effect().persist(new Released(cmd.vgUuid())).thenNoReply() : Effect().noReply();
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Claimed.class, (state, e) -> state.with(e.vgUuid()))
                .onEvent(Released.class, (state, e) -> state.without(e.vgUuid()))
                .build();
    }
}
