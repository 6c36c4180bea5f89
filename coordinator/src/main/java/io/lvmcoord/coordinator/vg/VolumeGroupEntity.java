package io.lvmcoord.coordinator.vg;

import io.lvmcoord.persistence.CborSerializable;
import io.lvmcoord.scan.report.PvReport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

import java.util.List;
import java.util.Optional;

/**
 * One VG's aggregate: the single writer of that VG's state, event-sourced so a restart or a
 * crash loses nothing. Reports are acknowledged only after their event is persisted
 * (read-your-writes for whoever sent them); a report identical to the one held is acknowledged
 * at once without writing. Queries see the state after recovery and after every persisted
 * event, never in between (Pekko stashes commands while an event is being persisted).
 * The rules live in {@link VgState}; this class only orchestrates them.
 */
public final class VolumeGroupEntity extends EventSourcedBehaviorWithEnforcedReplies<VolumeGroupEntity.Command, VgEvent, VgState> {

    public interface Command extends CborSerializable {
    }

    /** A node's report of one device; {@code texts} carries the metadata texts it refers to. */
    public record ReportDevice(PvReport report, List<StoredText> texts, ActorRef<StatusReply<Ack>> replyTo) implements Command {
        public ReportDevice {
            texts = List.copyOf(texts);
        }
    }

    /** A node no longer sees a device. */
    public record ForgetDevice(String node, String device, ActorRef<StatusReply<Ack>> replyTo) implements Command {
    }

    /** The state as of now (recovered and with every acknowledged report applied). */
    public record GetState(ActorRef<VgState> replyTo) implements Command {
    }

    /** Reply to a report: the version after it, and whether it changed anything. */
    public record Ack(long version, boolean changed) implements CborSerializable {
    }

    private final int snapshotEvery;
    private final int keepSnapshots;
    private final String cacheKey;
    private final ActorRef<Topic.Command<CacheUpdates.Update>> updates;

    private VolumeGroupEntity(String vgUuid, int snapshotEvery, int keepSnapshots, String cacheKey,
                              ActorRef<Topic.Command<CacheUpdates.Update>> updates) {
        super(PersistenceId.of("VolumeGroup", vgUuid));
        this.snapshotEvery = snapshotEvery;
        this.keepSnapshots = keepSnapshots;
        this.cacheKey = cacheKey;
        this.updates = updates;
    }

    public static Behavior<Command> create(String vgUuid, int snapshotEvery, int keepSnapshots) {
        return new VolumeGroupEntity(vgUuid, snapshotEvery, keepSnapshots, null, null);
    }

    /** An entity that pushes each new version on the cluster's update topic under {@code cacheKey}. */
    public static Behavior<Command> create(String vgUuid, int snapshotEvery, int keepSnapshots, String cacheKey,
                                           ActorRef<Topic.Command<CacheUpdates.Update>> updates) {
        return new VolumeGroupEntity(vgUuid, snapshotEvery, keepSnapshots, cacheKey, updates);
    }

    @Override
    public VgState emptyState() {
        return VgState.EMPTY;
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(snapshotEvery, keepSnapshots);
    }

    @Override
    public CommandHandlerWithReply<Command, VgEvent, VgState> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(ReportDevice.class, this::onReport)
                .onCommand(ForgetDevice.class, this::onForget)
                .onCommand(GetState.class, (state, get) -> Effect().reply(get.replyTo(), state))
                .build();
    }

    private ReplyEffect<VgEvent, VgState> onReport(VgState state, ReportDevice cmd) {
        Optional<VgEvent> event;
        try {
            event = state.onReport(cmd.report(), cmd.texts());
        } catch (IllegalArgumentException e) {
            return Effect().reply(cmd.replyTo(), StatusReply.error(e.getMessage()));
        }
        return persistOrAck(state, event, cmd.replyTo());
    }

    private ReplyEffect<VgEvent, VgState> onForget(VgState state, ForgetDevice cmd) {
        return persistOrAck(state, state.onForget(cmd.node(), cmd.device()), cmd.replyTo());
    }

    private ReplyEffect<VgEvent, VgState> persistOrAck(VgState state, Optional<VgEvent> event, ActorRef<StatusReply<Ack>> replyTo) {
        if (event.isEmpty()) {
            return Effect().reply(replyTo, StatusReply.success(new Ack(state.version(), false)));
        }
        return Effect().persist(event.get())
                .thenRun(this::publish)
                .thenReply(replyTo, s -> StatusReply.success(new Ack(s.version(), true)));
    }

    private void publish(VgState state) {
        if (updates != null) {
            updates.tell(Topic.publish(new CacheUpdates.Update(cacheKey, state)));
        }
    }

    @Override
    public EventHandler<VgState, VgEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(VgEvent.DeviceReported.class, VgState::apply)
                .onEvent(VgEvent.DeviceForgotten.class, VgState::apply)
                .build();
    }
}
