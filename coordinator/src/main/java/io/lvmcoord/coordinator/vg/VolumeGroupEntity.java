package io.lvmcoord.coordinator.vg;

import io.lvmcoord.persistence.CborSerializable;
import io.lvmcoord.scan.report.PvReport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
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

    /**
     * Where an entity reports besides its replies: new versions to the caches' topic under
     * {@code cacheKey}, and its names to the VG-name index. Null members are not wired (unit tests).
     */
    public record Outlets(String cacheKey, ActorRef<Topic.Command<CacheUpdates.Update>> updates, NameClaims names) {
    }

    /** The VG-name index as an entity sees it: fire-and-forget, idempotent claims. */
    public interface NameClaims {
        void claim(String name, String vgUuid);

        void release(String name, String vgUuid);
    }

    private final String vgUuid;
    private final int snapshotEvery;
    private final int keepSnapshots;
    private final Outlets outlets;
    /** Names this entity has claimed in the index since it started (recovery re-claims them all). */
    private final java.util.SortedSet<String> claimed = new java.util.TreeSet<>();
    /** The highest seqno any host has reported to this incarnation (re-read requests go out when it rises). */
    private long newestSeqno;
    /** Parses the held texts once each (names, convergence); reads whatever state was handed to it last. */
    private VgState parsedFrom = VgState.EMPTY;
    private final io.lvmcoord.scan.report.PvReports.TextParser parser =
            new io.lvmcoord.scan.report.PvReports.TextParser(k -> parsedFrom.text(k));

    private VolumeGroupEntity(String vgUuid, int snapshotEvery, int keepSnapshots, Outlets outlets) {
        super(PersistenceId.of("VolumeGroup", vgUuid));
        this.vgUuid = vgUuid;
        this.snapshotEvery = snapshotEvery;
        this.keepSnapshots = keepSnapshots;
        this.outlets = outlets;
    }

    public static Behavior<Command> create(String vgUuid, int snapshotEvery, int keepSnapshots) {
        return new VolumeGroupEntity(vgUuid, snapshotEvery, keepSnapshots, new Outlets(null, null, null));
    }

    /** An entity that announces and pushes each new version, and claims its names, through {@code outlets}. */
    public static Behavior<Command> create(String vgUuid, int snapshotEvery, int keepSnapshots, Outlets outlets) {
        return new VolumeGroupEntity(vgUuid, snapshotEvery, keepSnapshots, outlets);
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
        if (outlets.updates() != null) {
            // Caches learn that a newer version is on its way before it is durable, so that no node
            // serves the old one as current meanwhile (it says "may be stale", or its query waits).
            outlets.updates().tell(Topic.publish(CacheUpdates.Update.announced(outlets.cacheKey(), state.version() + 1)));
        }
        return Effect().persist(event.get())
                .thenRun(this::afterPersist)
                .thenReply(replyTo, s -> StatusReply.success(new Ack(s.version(), true)));
    }

    private void afterPersist(VgState state) {
        observe(state);
        if (outlets.updates() != null) {
            Convergence c = Convergence.of(state, parser);
            // A newer seqno than any host showed before: a write happened on the reporting host, and
            // every other host holding this VG's PVs reads stale metadata until it re-reads them.
            CacheUpdates.Reread reread = c.newest() > newestSeqno && !c.converged() ? new CacheUpdates.Reread(c.newest(), c.behind()) : null;
            newestSeqno = Math.max(newestSeqno, c.newest());
            outlets.updates().tell(Topic.publish(CacheUpdates.Update.published(outlets.cacheKey(), state, reread)));
        }
        claimNames(state);
    }

    private void afterRecovery(VgState state) {
        observe(state);
        Convergence c = Convergence.of(state, parser);
        newestSeqno = c.newest();
        if (outlets.updates() != null && !c.converged()) {
            // The asks of the previous incarnation (a crashed or moved shard) may never have been
            // delivered: ask the hosts still behind again. Hosts that already re-read at this seqno skip it.
            outlets.updates().tell(Topic.publish(CacheUpdates.Update.published(outlets.cacheKey(), state,
                    new CacheUpdates.Reread(c.newest(), c.behind()))));
        }
        claimNames(state);
    }

    /** Points the text parser at {@code state}'s texts (parses are kept for texts still held). */
    private void observe(VgState state) {
        parsedFrom = state;
        parser.retain(state.texts().stream().map(StoredText::key).toList());
    }

    private void claimNames(VgState state) {
        if (outlets.names() == null) {
            return;
        }
        java.util.SortedSet<String> now = state.names(parser);
        for (String gone : new java.util.ArrayList<>(claimed)) {
            if (!now.contains(gone)) {
                outlets.names().release(gone, vgUuid);
                claimed.remove(gone);
            }
        }
        for (String name : now) {
            if (claimed.add(name)) {
                outlets.names().claim(name, vgUuid);
            }
        }
    }

    @Override
    public SignalHandler<VgState> signalHandler() {
        // Claims are fire-and-forget; re-claiming after every recovery repairs one lost in a crash.
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::afterRecovery).build();
    }

    @Override
    public EventHandler<VgState, VgEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(VgEvent.DeviceReported.class, VgState::apply)
                .onEvent(VgEvent.DeviceForgotten.class, VgState::apply)
                .build();
    }
}
