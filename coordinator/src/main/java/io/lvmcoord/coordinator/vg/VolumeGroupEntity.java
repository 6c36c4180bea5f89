package io.lvmcoord.coordinator.vg;

import io.lvmcoord.persistence.CborSerializable;
import io.lvmcoord.persistence.JournalEraser;
import io.lvmcoord.scan.report.PvReport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.JournalPersistFailed;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One VG's aggregate: the single writer of that VG's state, event-sourced so a restart or a
 * crash loses nothing. Reports are acknowledged only after their event is persisted
 * (read-your-writes for whoever sent them); a report identical to the one held is acknowledged
 * at once without writing. Queries see the state after recovery and after every persisted
 * event, never in between (Pekko stashes commands while an event is being persisted).
 * The rules live in {@link VgState}; this class only orchestrates them.
 *
 * <p>Nothing is acknowledged while the node's journal is known to be lost (see
 * {@link Lifecycle#journalFault}): the reply is an error naming the reason, so callers never
 * take an acknowledgement for durability that is not there. An aggregate left without devices
 * is retired when told to ({@link Retire}) after its grace period: a {@link VgEvent.VgRetired}
 * event, a snapshot of the tombstone, then the deletion of every event and older snapshot.
 */
public final class VolumeGroupEntity extends EventSourcedBehaviorWithEnforcedReplies<VolumeGroupEntity.Command, VgEvent, VgState> {

    public interface Command extends CborSerializable {
    }

    /**
     * A node's report of one device; {@code texts} carries the metadata texts it refers to.
     * {@code updatesTo}, when given, is the reporting node's cache subscriber: the entity sends
     * its versions (and re-read requests) there directly as well as on the topic, because a node
     * that has just joined is reachable at once while its topic subscription takes a gossip
     * round or two to reach the entity's host.
     */
    public record ReportDevice(PvReport report, List<StoredText> texts, ActorRef<StatusReply<Ack>> replyTo,
                               ActorRef<CacheUpdates.Update> updatesTo) implements Command {
        public ReportDevice {
            texts = List.copyOf(texts);
        }

        public ReportDevice(PvReport report, List<StoredText> texts, ActorRef<StatusReply<Ack>> replyTo) {
            this(report, texts, replyTo, null);
        }
    }

    /**
     * A node's reports of several devices of this aggregate, from one scan batch: persisted as one
     * event (one journal write, one new version) however many devices changed. {@code texts} holds
     * each metadata text the reports refer to once. See {@link ReportDevice} for {@code updatesTo}.
     */
    public record ReportDevices(List<PvReport> reports, List<StoredText> texts, ActorRef<StatusReply<Ack>> replyTo,
                                ActorRef<CacheUpdates.Update> updatesTo) implements Command {
        public ReportDevices {
            reports = List.copyOf(reports);
            texts = List.copyOf(texts);
        }
    }

    /** A node no longer sees a device. */
    public record ForgetDevice(String node, String device, ActorRef<StatusReply<Ack>> replyTo) implements Command {
    }

    /**
     * A host's dm devices of this VG (the activation map's entry for {@code node}); an entry
     * without devices removes the host. Acknowledged once persisted, at once when it repeats what
     * is held. {@code updatesTo}: see {@link ReportDevice}.
     */
    public record ReportActivation(String node, HostActivation activation, ActorRef<StatusReply<Ack>> replyTo,
                                   ActorRef<CacheUpdates.Update> updatesTo) implements Command {
    }

    /**
     * The agent incarnation {@code incarnation} of {@code node} left the cluster: its entry goes,
     * if it is still that incarnation's (a restarted agent's newer entry stays).
     */
    public record DropActivation(String node, long incarnation, ActorRef<StatusReply<Ack>> replyTo) implements Command {
    }

    /**
     * Retire this aggregate if no node has reported a device of it for the grace period;
     * acknowledged with {@code changed = false} when it is not due (idempotent).
     */
    public record Retire(ActorRef<StatusReply<Ack>> replyTo) implements Command {
    }

    /**
     * What an entity needs to know about time and durability.
     *
     * @param retireAfterMillis grace period before an aggregate without devices is retired; -1 never
     * @param journalFault      empty while the journal is durable, else why not (see {@code JournalGuard})
     * @param clockMillis       now, in epoch ms
     * @param eraseTimeout      how long the deletion of a retired aggregate's events may take
     * @param writeFailed       told (persistence id, cause) when the journal fails a write of this entity
     */
    public record Lifecycle(long retireAfterMillis, Supplier<Optional<String>> journalFault, LongSupplier clockMillis,
                            Duration eraseTimeout, BiConsumer<String, Throwable> writeFailed) {
        /** Never retires, trusts the journal, wall-clock time. */
        public static final Lifecycle DEFAULT = new Lifecycle(-1, Optional::empty, System::currentTimeMillis, Duration.ofSeconds(30),
                (pid, cause) -> { });
    }

    /** The state as of now (recovered and with every acknowledged report applied). */
    public record GetState(ActorRef<VgState> replyTo) implements Command {
    }

    /** Reply to a report: the version after it, and whether it changed anything. */
    public record Ack(long version, boolean changed) implements CborSerializable {
    }

    /**
     * Where an entity reports besides its replies: new versions to the caches under
     * {@code cacheKey} (announcements on the {@code updates} topic, published versions delivered
     * to every cache, waiting at most {@code deliveryWait} for their confirmations before
     * acknowledging, and not for a member seen unreachable for {@code unreachableMargin}; see
     * {@link Delivery}), and its names to the VG-name index. Null members are not wired (unit tests).
     */
    public record Outlets(String cacheKey, ActorRef<Topic.Command<CacheUpdates.Update>> updates, NameClaims names,
                         Duration deliveryWait, Duration unreachableMargin) {
        public Outlets(String cacheKey, ActorRef<Topic.Command<CacheUpdates.Update>> updates, NameClaims names) {
            this(cacheKey, updates, names, Duration.ofSeconds(5), Duration.ofMillis(500));
        }
    }

    /** The VG-name index as an entity sees it: fire-and-forget, idempotent claims. */
    public interface NameClaims {
        void claim(String name, String vgUuid);

        void release(String name, String vgUuid);
    }

    private static final Logger LOG = LoggerFactory.getLogger(VolumeGroupEntity.class);

    private final String vgUuid;
    private final ActorSystem<?> system;
    private final org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx;
    private final Lifecycle lifecycle;
    private final int snapshotEvery;
    private final int keepSnapshots;
    private final Outlets outlets;
    /** Names this entity has claimed in the index since it started (recovery re-claims them all). */
    private final java.util.SortedSet<String> claimed = new java.util.TreeSet<>();
    /** Cache subscribers of the nodes that reported to this incarnation, by node (not durable: refreshed by reports). */
    private final java.util.Map<String, ActorRef<CacheUpdates.Update>> direct = new java.util.HashMap<>();
    /** The highest seqno any host has reported to this incarnation (re-read requests go out when it rises). */
    private long newestSeqno;
    /** Parses the held texts once each (names, convergence); reads whatever state was handed to it last. */
    private VgState parsedFrom = VgState.EMPTY;
    private final io.lvmcoord.scan.report.PvReports.TextParser parser;

    private VolumeGroupEntity(String vgUuid, int snapshotEvery, int keepSnapshots, Outlets outlets, Lifecycle lifecycle,
                              org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx) {
        super(PersistenceId.of("VolumeGroup", vgUuid));
        this.vgUuid = vgUuid;
        this.lifecycle = lifecycle;
        this.ctx = ctx;
        this.system = ctx.getSystem();
        // Under the node's lvmcoord.codec caps, as its scanner parsed the texts: one shared model per text.
        this.parser = new io.lvmcoord.scan.report.PvReports.TextParser(k -> parsedFrom.text(k),
                io.lvmcoord.scan.codec.CodecSettings.limits(ctx.getSystem().settings().config()));
        this.snapshotEvery = snapshotEvery;
        this.keepSnapshots = keepSnapshots;
        this.outlets = outlets;
    }

    public static Behavior<Command> create(String vgUuid, int snapshotEvery, int keepSnapshots) {
        return create(vgUuid, snapshotEvery, keepSnapshots, new Outlets(null, null, null), Lifecycle.DEFAULT);
    }

    /** An entity that announces and pushes each new version, and claims its names, through {@code outlets}. */
    public static Behavior<Command> create(String vgUuid, int snapshotEvery, int keepSnapshots, Outlets outlets) {
        return create(vgUuid, snapshotEvery, keepSnapshots, outlets, Lifecycle.DEFAULT);
    }

    /** As {@link #create(String, int, int, Outlets)}, with retirement and the journal's health as {@code lifecycle} says. */
    public static Behavior<Command> create(String vgUuid, int snapshotEvery, int keepSnapshots, Outlets outlets, Lifecycle lifecycle) {
        return Behaviors.setup(ctx -> new VolumeGroupEntity(vgUuid, snapshotEvery, keepSnapshots, outlets, lifecycle, ctx));
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
                .onCommand(ReportDevices.class, this::onReports)
                .onCommand(ForgetDevice.class, this::onForget)
                .onCommand(Retire.class, this::onRetire)
                .onCommand(ReportActivation.class, this::onActivation)
                .onCommand(DropActivation.class, (state, cmd) -> refusedForJournal(cmd.replyTo())
                        .orElseGet(() -> persistOrAck(state, state.onIncarnationGone(cmd.node(), cmd.incarnation()), cmd.replyTo())))
                .onCommand(GetState.class, (state, get) -> Effect().reply(get.replyTo(), state))
                .build();
    }

    /** The refusal to acknowledge anything while the journal is lost, if it is. */
    private Optional<ReplyEffect<VgEvent, VgState>> refusedForJournal(ActorRef<StatusReply<Ack>> replyTo) {
        return lifecycle.journalFault().get().map(reason -> Effect().reply(replyTo, StatusReply.error("not acknowledged: " + reason)));
    }

    private ReplyEffect<VgEvent, VgState> onReport(VgState state, ReportDevice cmd) {
        return reported(state, List.of(cmd.report()), cmd.updatesTo(), cmd.replyTo(), () -> state.onReport(cmd.report(), cmd.texts()));
    }

    private ReplyEffect<VgEvent, VgState> onReports(VgState state, ReportDevices cmd) {
        return reported(state, cmd.reports(), cmd.updatesTo(), cmd.replyTo(), () -> state.onReports(cmd.reports(), cmd.texts()));
    }

    /** A report or batch: refused while the journal is lost, else its event (or a refusal naming the missing text) persisted. */
    private ReplyEffect<VgEvent, VgState> reported(VgState state, List<PvReport> reports, ActorRef<CacheUpdates.Update> updatesTo,
                                                   ActorRef<StatusReply<Ack>> replyTo, Supplier<Optional<VgEvent>> event) {
        Optional<ReplyEffect<VgEvent, VgState>> refused = refusedForJournal(replyTo);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (updatesTo != null) {
            reports.forEach(r -> direct.put(r.node(), updatesTo));
        }
        Optional<VgEvent> e;
        try {
            e = event.get();
        } catch (IllegalArgumentException bad) {
            return Effect().reply(replyTo, StatusReply.error(bad.getMessage()));
        }
        return persistOrAck(state, e, replyTo);
    }

    private ReplyEffect<VgEvent, VgState> onForget(VgState state, ForgetDevice cmd) {
        return refusedForJournal(cmd.replyTo())
                .orElseGet(() -> persistOrAck(state, state.onForget(cmd.node(), cmd.device(), lifecycle.clockMillis().getAsLong()), cmd.replyTo()));
    }

    private ReplyEffect<VgEvent, VgState> onActivation(VgState state, ReportActivation cmd) {
        Optional<ReplyEffect<VgEvent, VgState>> refused = refusedForJournal(cmd.replyTo());
        if (refused.isPresent()) {
            return refused.get();
        }
        if (cmd.updatesTo() != null) {
            direct.put(cmd.node(), cmd.updatesTo());
        }
        return persistOrAck(state, state.onActivation(cmd.node(), cmd.activation()), cmd.replyTo());
    }

    private ReplyEffect<VgEvent, VgState> onRetire(VgState state, Retire cmd) {
        if (lifecycle.retireAfterMillis() < 0) {
            return Effect().reply(cmd.replyTo(), StatusReply.success(new Ack(state.version(), false)));
        }
        return refusedForJournal(cmd.replyTo()).orElseGet(() -> persistOrAck(state,
                state.onRetire(lifecycle.clockMillis().getAsLong(), lifecycle.retireAfterMillis()), cmd.replyTo()));
    }

    @Override
    public boolean shouldSnapshot(VgState state, VgEvent event, long sequenceNr) {
        // The tombstone's snapshot is what lets every event before it be deleted (see afterSnapshot).
        return event instanceof VgEvent.VgRetired;
    }

    /** After the tombstone's snapshot: recovery starts there, so nothing before it is needed any more. */
    private void afterSnapshot(VgState state, SnapshotCompleted done) {
        if (!state.retired()) {
            return;
        }
        long seqNr = done.metadata().sequenceNr();
        String pid = persistenceId().id();
        JournalEraser.eraseBefore(system, pid, seqNr, lifecycle.eraseTimeout()).whenComplete((ok, failure) -> {
            if (failure != null) {
                // The tombstone stands; the events stay until the aggregate is retired again (a report revives it first).
                LOG.warn("retired {}: its events up to {} were not deleted: {}", pid, seqNr, failure.toString());
            } else {
                LOG.info("retired {} (no device on any node since {}): events up to {} deleted", pid,
                        java.time.Instant.ofEpochMilli(state.emptySinceMillis()), seqNr);
            }
        });
    }

    private ReplyEffect<VgEvent, VgState> persistOrAck(VgState state, Optional<VgEvent> event, ActorRef<StatusReply<Ack>> replyTo) {
        if (event.isEmpty()) {
            return Effect().reply(replyTo, StatusReply.success(new Ack(state.version(), false)));
        }
        if (outlets.updates() != null) {
            // Caches learn that a newer version is on its way before it is durable, so that no node
            // serves the old one as current meanwhile (it says "may be stale", or its query waits).
            publish(CacheUpdates.Update.announced(outlets.cacheKey(), state.version() + 1));
        }
        return Effect().persist(event.get())
                .thenRun(s -> afterPersist(s, replyTo))
                .thenNoReply();
    }

    /**
     * The new version goes to every node's cache, and the write is acknowledged once they hold it
     * (see {@link Delivery}): whoever ran pvscan --cache on one host then finds it in the next
     * query on any other.
     */
    private void afterPersist(VgState state, ActorRef<StatusReply<Ack>> replyTo) {
        observe(state);
        StatusReply<Ack> ack = StatusReply.success(new Ack(state.version(), true));
        if (outlets.updates() != null) {
            Convergence c = Convergence.of(state, parser);
            // A newer seqno than any host showed before: a write happened on the reporting host, and
            // every other host holding this VG's PVs reads stale metadata until it re-reads them.
            CacheUpdates.Reread reread = c.newest() > newestSeqno && !c.converged() ? new CacheUpdates.Reread(c.newest(), c.behind()) : null;
            newestSeqno = Math.max(newestSeqno, c.newest());
            CacheUpdates.Update update = CacheUpdates.Update.published(outlets.cacheKey(), state, reread);
            ctx.spawnAnonymous(Delivery.of(update, java.util.Set.copyOf(direct.values()), outlets.deliveryWait(),
                    outlets.unreachableMargin(), () -> replyTo.tell(ack)));
        } else {
            replyTo.tell(ack);
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
            publish(CacheUpdates.Update.published(outlets.cacheKey(), state, new CacheUpdates.Reread(c.newest(), c.behind())));
        }
        claimNames(state);
    }

    /** To every cache through the topic, and straight to the caches of nodes that reported here. */
    private void publish(CacheUpdates.Update update) {
        outlets.updates().tell(Topic.publish(update));
        direct.values().forEach(ref -> ref.tell(update));
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
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::afterRecovery)
                .onSignal(SnapshotCompleted.class, this::afterSnapshot)
                // The entity stops after this signal (and the caller's ask times out); the next ones are refused with the reason.
                .onSignal(JournalPersistFailed.class,
                        (state, failed) -> lifecycle.writeFailed().accept(persistenceId().id(), failed.failure()))
                .build();
    }

    @Override
    public EventHandler<VgState, VgEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(VgEvent.DeviceReported.class, VgState::apply)
                .onEvent(VgEvent.DevicesReported.class, VgState::apply)
                .onEvent(VgEvent.DeviceForgotten.class, VgState::apply)
                .onEvent(VgEvent.VgRetired.class, VgState::apply)
                .onEvent(VgEvent.ActivationReported.class, VgState::apply)
                .onEvent(VgEvent.ActivationDropped.class, VgState::apply)
                .build();
    }
}
