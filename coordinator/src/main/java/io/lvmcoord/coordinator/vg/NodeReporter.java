package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.report.PvReport;
import io.lvmcoord.scan.report.PvReports;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A node's side of the aggregates: turns its scan outcomes into reports, sends each to the
 * aggregate that owns it, and refreshes the node's {@link NodeReadCache} from the acknowledged
 * states. When a device's report moves to another aggregate (a PV joined a VG, a VG was
 * removed), the old aggregate is told to forget it. The returned stage completes when every
 * report has been persisted (acknowledge after durable).
 *
 * <p>The routing state (which aggregate holds each device, which aggregates know this node's
 * cache) belongs to the reporter's actor: {@link #report} and {@link #forget} are messages to it,
 * handled one at a time, and the end of each one's asks comes back to it through
 * {@code pipeToSelf}. What other components read of it ({@link #devices}, {@link #targets}) is
 * a snapshot the actor publishes.
 */
public final class NodeReporter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeReporter.class);
    private final ActorSystem<?> system;
    private final String node;
    private final NodeReadCache cache;
    private final Duration askTimeout;
    /** The node's {@code lvmcoord.codec} caps, for {@link #view} and the API's parses of stored texts. */
    private final io.lvmcoord.scan.codec.DecodeLimits limits;
    /** The cache's one writer: this reporter's reads of acknowledged states go through it, and entities deliver to it. */
    private final ActorRef<CacheUpdates.Write> writer;
    /** Pause before asking again after an attempt ended without an answer; see {@link #retrying}. */
    static final Duration RETRY_PAUSE = Duration.ofMillis(50);
    /** Longest single attempt of an ask to an entity; see {@link #retrying}. */
    static final Duration ATTEMPT = Duration.ofSeconds(2);
    /** The devices held and their aggregates, as the actor last published them. */
    private volatile Held held = new Held(Map.of());
    private final ActorRef<Command> actor;
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong asks = new java.util.concurrent.atomic.AtomicLong();
    private final MemberRemovals removals;

    /** A reporter for a cache nobody else writes: its writer is made here, subscribed to the updates as {@code reporter-<node>}. */
    public NodeReporter(ActorSystem<?> system, String node, NodeReadCache cache, Duration askTimeout) {
        this(system, node, cache, CacheUpdates.subscribe(system, cache, "reporter-" + node), askTimeout,
                io.lvmcoord.scan.codec.DecodeLimits.DEFAULT);
    }

    /**
     * A reporter for the cache whose writer is {@code writer} (see {@link CacheUpdates#subscribe};
     * completeness waits go to it), parsing stored texts under {@code limits}.
     */
    public NodeReporter(ActorSystem<?> system, String node, NodeReadCache cache, ActorRef<CacheUpdates.Write> writer,
                        Duration askTimeout, io.lvmcoord.scan.codec.DecodeLimits limits) {
        this.system = system;
        this.node = node;
        this.cache = cache;
        this.writer = writer;
        this.askTimeout = askTimeout;
        this.limits = limits;
        this.removals = MemberRemovals.of(system);
        this.actor = system.systemActorOf(Behaviors.setup(Routing::new), "node-reporter-" + ACTOR_NAMES.incrementAndGet() + "-"
                + node.replaceAll("[^A-Za-z0-9_-]", "_"), Props.empty());
    }

    private static final java.util.concurrent.atomic.AtomicLong ACTOR_NAMES = new java.util.concurrent.atomic.AtomicLong();

    /** What the reporter's actor is told: the facade's calls, and the ends of their asks. */
    private sealed interface Command permits Report, Forget, Adopt, Introduced, Done {
    }

    private record Report(List<DeviceScan> scans, CompletableFuture<Void> done) implements Command {
    }

    private record Forget(String device, CompletableFuture<Void> done) implements Command {
    }

    private record Adopt() implements Command {
    }

    /** An aggregate acknowledged a report of this node: it knows this node's cache now. */
    private record Introduced(ReportRouting.Target target) implements Command {
    }

    /** A report's or forget's asks ended ({@code failure} null: all persisted). */
    private record Done(CompletableFuture<Void> done, Throwable failure) implements Command {
    }

    /** The routing state as published for readers. */
    private record Held(Map<String, ReportRouting.Target> byDevice) {
    }

    /** The reporter's actor: the routing state and the decisions made from it, one message at a time. */
    private final class Routing extends org.apache.pekko.actor.typed.javadsl.AbstractBehavior<Command> {
        private final Map<String, ReportRouting.Target> lastTarget = new HashMap<>();
        /**
         * Aggregates this reporter has reported to since it started: they know this node's cache
         * (the direct path of updates while the receptionist's gossip catches up after a start),
         * so unchanged reports need not be sent to them again. See {@link #heldUnchanged}.
         */
        private final java.util.Set<ReportRouting.Target> introduced = new java.util.HashSet<>();

        Routing(org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx) {
            super(ctx);
        }

        @Override
        public org.apache.pekko.actor.typed.javadsl.Receive<Command> createReceive() {
            return newReceiveBuilder()
                    .onMessage(Report.class, r -> {
                        started(plan(r.scans()), r.done());
                        return this;
                    })
                    .onMessage(Forget.class, f -> {
                        ReportRouting.Target previous = lastTarget.remove(f.device());
                        publish();
                        if (previous == null) {
                            f.done().complete(null);
                        } else {
                            started(ask(previous, r -> new VolumeGroupEntity.ForgetDevice(node, f.device(), r)), f.done());
                        }
                        return this;
                    })
                    .onMessage(Adopt.class, a -> {
                        adopt();
                        return this;
                    })
                    .onMessage(Introduced.class, i -> {
                        introduced.add(i.target());
                        return this;
                    })
                    .onMessage(Done.class, d -> {
                        if (d.failure() == null) {
                            d.done().complete(null);
                        } else {
                            d.done().completeExceptionally(d.failure());
                        }
                        return this;
                    })
                    .build();
        }

        private void started(CompletableFuture<Void> asks, CompletableFuture<Void> done) {
            getContext().pipeToSelf(asks, (ok, failure) -> new Done(done, failure));
        }

        private void adopt() {
            for (NodeReadCache.Versioned v : cache.snapshot()) {
                if (v.state() == null) {
                    continue;
                }
                ReportRouting.Target t = CacheUpdates.target(v.aggregateKey());
                v.state().reports().getOrDefault(node, Map.of()).keySet().forEach(device -> lastTarget.putIfAbsent(device, t));
            }
            publish();
        }

        private void publish() {
            held = new Held(Map.copyOf(lastTarget));
        }

        /** Routes a scan batch and starts its asks; returns their joint completion. */
        private CompletableFuture<Void> plan(List<DeviceScan> scans) {
            List<java.util.function.Supplier<CompletableFuture<Void>>> pending = new ArrayList<>();
            Map<ReportRouting.Target, List<PvReport>> byTarget = new java.util.LinkedHashMap<>();
            Map<PvReport.TextKey, StoredText> texts = new HashMap<>();
            // While this node's journal is known lost, what it held is not durable any more: every report
            // goes to its aggregate, whose refusal reaches whoever waits for an acknowledgement (pvscan --cache).
            boolean skipUnchanged = io.lvmcoord.persistence.JournalGuard.get(system).fault().isEmpty();
            for (DeviceScan scan : scans) {
                PvReports.Extracted e = PvReports.of(node, scan);
                ReportRouting.Target target = ReportRouting.route(e.report(), scan);
                e.texts().forEach((k, v) -> texts.putIfAbsent(k, new StoredText(k, v)));
                ReportRouting.Target previous = lastTarget.put(scan.device(), target);
                if (previous != null && !previous.equals(target)) {
                    pending.add(() -> ask(previous, r -> new VolumeGroupEntity.ForgetDevice(node, scan.device(), r)));
                } else if (skipUnchanged && previous != null && introduced.contains(target) && heldUnchanged(target, e.report())) {
                    continue;
                }
                byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(e.report());
            }
            publish();
            ActorRef<CacheUpdates.Update> to = writer.narrow();
            ActorRef<Command> self = getContext().getSelf();
            byTarget.forEach((target, reports) -> {
                for (Batch b : batches(reports, texts)) {
                    pending.add(() -> ask(target, r -> new VolumeGroupEntity.ReportDevices(b.reports(), b.texts(), r, to))
                            .thenRun(() -> self.tell(new Introduced(target))));
                }
            });
            return inWindow(pending, MAX_ASKS_IN_FLIGHT, system);
        }
    }

    public String node() {
        return node;
    }

    /** The cache's writer, handed to the entities with each report (see {@link VolumeGroupEntity.ReportDevice}). */
    public ActorRef<CacheUpdates.Write> writer() {
        return writer;
    }

    /**
     * Learns from the cache which aggregate holds each of this node's devices, so that after a
     * restart a device whose report moves is still forgotten by its old aggregate. Call after
     * the cache was loaded from the journal, before reporting (reports sent after it are routed
     * after it).
     */
    public void adoptFromCache() {
        actor.tell(new Adopt());
    }

    /** The aggregates this node's devices are held by. */
    public List<ReportRouting.Target> targets() {
        return List.copyOf(new java.util.LinkedHashSet<>(held.byDevice().values()));
    }

    /**
     * Most reports in one batch message; a target's further reports go in further messages.
     * Reports are a few hundred bytes serialized, so a batch stays well within an Artery frame
     * (256 KiB) where the shard lives on another node, plus the texts it carries (each once).
     */
    static final int MAX_BATCH_REPORTS = 256;

    /**
     * Reports a scan batch: one message per aggregate (split by {@link #MAX_BATCH_REPORTS}), carrying
     * each metadata text it needs once, which the aggregate persists as one event. A scan that
     * finds 1000 PVs of one VG is one journal write and one new version of that VG, not a
     * thousand, and ships its text once, not once per PV.
     */
    public CompletionStage<Void> report(List<DeviceScan> scans) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        actor.tell(new Report(List.copyOf(scans), done));
        return done;
    }

    /**
     * Most asks to aggregates one report call has in flight. A start-up scan of 10,000 devices
     * reaches thousands of aggregates, each recovering from the journal before it can answer; asked
     * all at once, the later ones waited past their attempt timeout behind the earlier ones and
     * were asked again, adding load exactly when the journal was busiest.
     */
    static final int MAX_ASKS_IN_FLIGHT = 64;

    /**
     * Runs {@code tasks}, at most {@code window} at a time (a stream's asynchronous stage: each
     * starts when one before it completes); completes when all have, exceptionally with the first
     * failure after the rest ran, so one refusing aggregate does not hold back the others' reports.
     */
    static CompletableFuture<Void> inWindow(List<java.util.function.Supplier<CompletableFuture<Void>>> tasks, int window,
                                            ActorSystem<?> system) {
        return Source.from(tasks)
                .<Optional<Throwable>>mapAsyncUnordered(window, t -> {
                    CompletableFuture<Void> f;
                    try {
                        f = t.get();
                    } catch (RuntimeException e) {
                        f = CompletableFuture.failedFuture(e);
                    }
                    return f.handle((ok, failure) -> Optional.ofNullable(failure));
                })
                .runWith(Sink.fold(Optional.<Throwable>empty(), (first, next) -> first.isPresent() ? first : next), system)
                .toCompletableFuture()
                .thenCompose(first -> first.isPresent()
                        ? CompletableFuture.<Void>failedFuture(first.get() instanceof java.util.concurrent.CompletionException
                                && first.get().getCause() != null ? first.get().getCause() : first.get())
                        : CompletableFuture.<Void>completedFuture(null));
    }

    /**
     * Whether the aggregate's state in this node's cache holds exactly {@code report} for its
     * device, and is not known to be behind a newer version. The aggregate holds what this node
     * last reported for its own devices (no other node writes them), so asking it again would
     * write nothing: a warm rescan of unchanged disks sends nothing at all.
     */
    private boolean heldUnchanged(ReportRouting.Target target, PvReport report) {
        return cache.get(CacheUpdates.key(target))
                .filter(v -> !v.mayBeStale())
                .map(v -> report.equals(v.state().reports().getOrDefault(node, Map.of()).get(report.device())))
                .orElse(false);
    }

    /** Reports of one aggregate and the texts they refer to, each once. */
    record Batch(List<PvReport> reports, List<StoredText> texts) {
    }

    /** {@code reports} in order, {@link #MAX_BATCH_REPORTS} at most per batch, each with the texts its reports refer to. */
    static List<Batch> batches(List<PvReport> reports, Map<PvReport.TextKey, StoredText> texts) {
        List<Batch> out = new ArrayList<>();
        for (int from = 0; from < reports.size(); from += MAX_BATCH_REPORTS) {
            List<PvReport> part = reports.subList(from, Math.min(reports.size(), from + MAX_BATCH_REPORTS));
            Map<PvReport.TextKey, StoredText> carried = new java.util.LinkedHashMap<>();
            for (PvReport r : part) {
                for (var m : r.mdas()) {
                    StoredText t = m.text() == null ? null : texts.get(m.text());
                    if (t != null) {
                        carried.putIfAbsent(t.key(), t);
                    }
                }
            }
            out.add(new Batch(List.copyOf(part), List.copyOf(carried.values())));
        }
        return out;
    }

    /**
     * This node no longer sees {@code device} (removed, detached): its aggregate forgets the
     * report. Completes after the change is persisted; at once when the device was not held.
     */
    public CompletionStage<Void> forget(String device) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        actor.tell(new Forget(device, done));
        return done;
    }

    /** Devices this node has reported and not forgotten. */
    public java.util.Set<String> devices() {
        return held.byDevice().keySet();
    }

    /**
     * Completes when every PV of the VG (name or UUID) is present on this node, or fails after
     * {@code timeout} with a {@link java.util.concurrent.TimeoutException} naming the missing PVs.
     * The node's cache actor keeps the waiter and answers when a change completes the VG.
     */
    public CompletionStage<Completeness> waitComplete(String vg, Duration timeout) {
        return org.apache.pekko.actor.typed.javadsl.AskPattern.<CacheUpdates.Write, Completeness>ask(writer,
                        r -> new CacheUpdates.AwaitComplete(node, vg, timeout, r), timeout.plus(WAIT_SLACK), system.scheduler())
                .thenCompose(c -> c.complete() ? CompletableFuture.completedFuture(c)
                        : CompletableFuture.<Completeness>failedFuture(c.timeout(node, timeout.toMillis())));
    }

    /** Beyond a completeness wait's own timeout, for the cache actor's answer to arrive. */
    private static final Duration WAIT_SLACK = Duration.ofSeconds(5);

    /** Reports and forgets sent to aggregates since this reporter started (batches count once). */
    public long asks() {
        return asks.get();
    }

    /** Reports that changed an aggregate (persisted something) since this reporter started. */
    public long changes() {
        return changes.get();
    }

    private CompletableFuture<Void> ask(ReportRouting.Target target,
                                        org.apache.pekko.japi.function.Function<org.apache.pekko.actor.typed.ActorRef<StatusReply<VolumeGroupEntity.Ack>>, VolumeGroupEntity.Command> msg) {
        asks.incrementAndGet();
        var entity = VgSharding.entity(system, target);
        long deadline = System.nanoTime() + askTimeout.toNanos();
        return retrying(entity, msg, deadline)
                .thenApply(reply -> reply.getValue())
                .thenApply(ack -> {
                    if (ack.changed()) {
                        changes.incrementAndGet();
                    }
                    return ack;
                })
                .thenCompose(ack -> retrying(entity, VolumeGroupEntity.GetState::new, deadline))
                // The entity delivers this version to every cache before acknowledging, but gives up on a
                // slow one after a bound; reading it here as well keeps read-your-writes on this node.
                .thenCompose(state -> CacheUpdates.take(system, writer, CacheUpdates.key(target), state, -1))
                .thenApply(done -> (Void) null);
    }

    /**
     * Asks with attempts of at most {@link #ATTEMPT}, until {@code deadline}. When the node
     * hosting a shard dies, messages routed to it before it is removed are lost, not failed; a
     * fresh attempt after the shard moved reaches the new incarnation. So an attempt also ends
     * when a member is removed (see {@link MemberRemovals}): the shard's next home is being
     * allocated then, and asking again at once, rather than at the end of the attempt, is what
     * makes a write after a shard host's death wait for the failover only. Reports and forgets
     * are idempotent (a repeated report writes nothing), so a retry of one that did land is harmless.
     */
    private <T> CompletableFuture<T> retrying(org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<VolumeGroupEntity.Command> entity,
                                              org.apache.pekko.japi.function.Function<org.apache.pekko.actor.typed.ActorRef<T>, VolumeGroupEntity.Command> msg,
                                              long deadline) {
        long left = deadline - System.nanoTime();
        Duration attempt = Duration.ofNanos(Math.max(1_000_000L, Math.min(left, ATTEMPT.toNanos())));
        CompletableFuture<Optional<T>> outcome = new CompletableFuture<>();
        entity.<T>ask(msg, attempt).whenComplete((reply, failure) -> {
            if (failure == null) {
                outcome.complete(Optional.of(reply));
            } else {
                outcome.completeExceptionally(failure);
            }
        });
        Runnable cancel = removals.onNext(() -> outcome.complete(Optional.empty()));
        outcome.whenComplete((reply, failure) -> cancel.run());
        return outcome.handle((reply, failure) -> {
            if (failure == null && reply.isPresent()) {
                return CompletableFuture.completedFuture(reply.get());
            }
            boolean again = failure == null || isTimeout(failure);
            if (again && System.nanoTime() < deadline) {
                LOG.info("{}: asking {} again ({})", node, entity.getEntityId(), failure == null ? "a member was removed" : "no answer within "
                        + attempt.toMillis() + " ms");
                // After a pause, from the scheduler: an ask that fails at once (the region stopped while
                // this node is being downed) must neither spin nor nest one retry in the other's stack
                // (that overflowed it, and the node's shutdown hung).
                CompletableFuture<T> next = new CompletableFuture<>();
                system.scheduler().scheduleOnce(RETRY_PAUSE, () -> retrying(entity, msg, deadline).whenComplete((r, f) -> {
                    if (f == null) {
                        next.complete(r);
                    } else {
                        next.completeExceptionally(f);
                    }
                }), system.executionContext());
                return next;
            }
            return CompletableFuture.<T>failedFuture(failure != null ? failure
                    : new java.util.concurrent.TimeoutException("no answer from " + entity.getEntityId() + " before the deadline"));
        }).thenCompose(f -> f);
    }

    private static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** This node's view from the cache: lvm2's rules over every aggregate holding its devices. */
    public io.lvmcoord.coordinator.assembly.Assembly view(io.lvmcoord.coordinator.assembly.VgAssembler assembler) {
        List<VgState> states = new ArrayList<>();
        for (NodeReadCache.Versioned v : cache.snapshot()) {
            if (v.state() != null) {
                states.add(v.state());
            }
        }
        return ClusterView.forNode(node, states, assembler, limits);
    }

    /** The caps this node parses stored metadata texts under (its {@code lvmcoord.codec} settings). */
    public io.lvmcoord.scan.codec.DecodeLimits decodeLimits() {
        return limits;
    }
}
