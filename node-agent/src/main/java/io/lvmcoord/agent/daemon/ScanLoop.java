package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.discovery.DeviceEvent;
import io.lvmcoord.agent.discovery.DeviceSource;
import io.lvmcoord.agent.discovery.PvNodeWatcher;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's one path from "something may have changed" to persisted reports, as an actor.
 *
 * <p>Events (uevents, close-writes, directory changes, {@code pvscan --cache} notifications,
 * re-read requests) only mark devices dirty; after a short coalescing window the dirty set is
 * taken as one batch ({@link ScanBatch}): read through the scan actors, reported to the
 * aggregates, persisted. So a storm of events for one device costs one read, and a storm across
 * many devices becomes one batch. One batch runs at a time; what arrives meanwhile waits for the
 * next. The dirty set is bounded: past its limit the individual devices are dropped for one full
 * rescan, which covers them all. Callers that need read-your-writes ({@code pvscan --cache}) get a
 * stage completed after their batch is durable.
 *
 * <p>Full rescans (reconcile) find what no event announced. Their pace follows what they find:
 * after a rescan that changed nothing the interval doubles, after one that found changes it
 * halves, within configured bounds, so a quiet host is rarely rescanned and a busy one often.
 *
 * <p>The loop exists before what it drives: re-read requests and node watches need its address
 * while the reporter and the source are still being made. Until {@link #start} it only collects.
 */
public final class ScanLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScanLoop.class);
    /** A failed batch is tried again after this pause (its devices are kept). */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** How long a notification may wait for its batch before the ask gives up (callers have their own, shorter, patience). */
    private static final Duration NOTIFY_PATIENCE = Duration.ofHours(1);
    /** Notifications kept while the agent starts; more are refused rather than held without bound. */
    private static final int STASH = 10_000;

    /** Figures for status and metrics. */
    public record Stats(long batches, long devicesScanned, long fullRescans, long events, long coalesced, int pendingDevices,
                        long lastBatchMillis, long reconcileIntervalMillis, long watchedPvNodes, long faults, Phases lastBatchPhases) {
    }

    /**
     * Where a batch's time went: listing the devices (a full rescan's enumeration), reading and
     * decoding them (reports of devices already read are sent meanwhile, see
     * {@link ScanBatch#PIPELINE_CHUNK}), and what reporting took after the last device was read,
     * until persisted (forgets included). Said in the start-up line and in {@code status}, so a
     * slow batch names its slow part.
     */
    public record Phases(long listMillis, long scanMillis, long reportMillis) {
        static final Phases NONE = new Phases(0, 0, 0);

        @Override
        public String toString() {
            return "list " + listMillis + " ms, read+decode " + scanMillis + " ms, report " + reportMillis + " ms";
        }
    }

    /** The loop's protocol. */
    sealed interface Command {
    }

    /** What it drives, given once everything exists. */
    record Start(ScanBatch batch, PvNodeWatcher watcher) implements Command {
    }

    /** A source event (device changed, removed, or events lost). */
    record Offer(DeviceEvent event) implements Command {
    }

    /** {@code pvscan --cache} of devices (or their removal); answered once the batch that covered them is persisted. */
    record Notify(Set<String> devices, boolean remove, ActorRef<StatusReply<Done>> replyTo) implements Command {
    }

    /** A full rescan now; answered once it is persisted. */
    record RescanAll(ActorRef<StatusReply<Done>> replyTo) implements Command {
    }

    /** The coalescing window after events has passed. */
    private enum CoalesceElapsed implements Command { INSTANCE }

    /** A reconcile rescan is due (or the start-up scan's delay has passed). */
    private enum ReconcileDue implements Command { INSTANCE }

    /** The pause after a failed batch has passed. */
    private enum Retry implements Command { INSTANCE }

    private enum Stop implements Command { INSTANCE }

    private record BatchDone(Phases phases, boolean full, long changesBefore, long startedNanos,
                             List<ActorRef<StatusReply<Done>>> waiters) implements Command {
    }

    private record BatchFailed(Throwable cause, Set<String> changed, Set<String> removed, boolean full, long startedNanos,
                               List<ActorRef<StatusReply<Done>>> waiters) implements Command {
    }

    private final ActorSystem<?> system;
    private final ActorRef<Command> actor;
    private final CompletableFuture<Void> firstFullRescan = new CompletableFuture<>();
    private final ScanBatch.Counters counters = new ScanBatch.Counters();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong coalesced = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final LatencyHistogram batchLatency;
    private final Duration ioDeadline;
    private final Duration reportPatience;
    private final AgentSettings settings;
    /** Set by the actor; read by status. */
    private volatile long lastBatchMillis;
    private volatile Phases lastBatchPhases = Phases.NONE;
    private volatile long reconcileIntervalMillis;
    private volatile int pendingDevices;
    /** Set once by {@link #start}: what {@link #knows}, {@link #describeSource} and {@link #stats} consult. */
    private volatile ScanBatch batch;
    private volatile PvNodeWatcher watcher;

    private ScanLoop(ActorSystem<?> system, AgentSettings settings, Duration ioDeadline, LatencyHistogram batchLatency) {
        this.system = system;
        this.settings = settings;
        this.ioDeadline = ioDeadline;
        this.reportPatience = settings.askTimeout().multipliedBy(2);
        this.batchLatency = batchLatency;
        this.reconcileIntervalMillis = settings.reconcileMin().toMillis();
        this.actor = system.systemActorOf(Behaviors.<Command>withStash(STASH, stash -> Behaviors.setup(ctx ->
                Behaviors.withTimers(timers -> waitingForStart(ctx, timers, stash)))), "scan-loop", Props.empty());
    }

    /** The loop, collecting events until {@link #start}. */
    public static ScanLoop spawn(ActorSystem<?> system, AgentSettings settings, Duration ioDeadline, LatencyHistogram batchLatency) {
        return new ScanLoop(system, settings, ioDeadline, batchLatency);
    }

    /** Starts the loop on what it drives; its first batch is the start-up full scan (after lvmcoord.agent.start-scan-delay). */
    public void start(DeviceSource source, ScanBatch.Scans scans, ScanBatch.Reports reports, PvNodeWatcher watcher) {
        Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
        ScanBatch b = new ScanBatch(source, scans, reports, watcher, blocking, ioDeadline, reportPatience, counters);
        this.batch = b;
        this.watcher = watcher;
        actor.tell(new Start(b, watcher));
    }

    /** Completes when the start-up full scan has been persisted. */
    public CompletableFuture<Void> firstFullRescan() {
        return firstFullRescan;
    }

    /** A source event; never blocks (the source threads must keep reading their kernel queues). */
    public void offer(DeviceEvent event) {
        events.incrementAndGet();
        actor.tell(new Offer(event));
    }

    /**
     * {@code pvscan --cache}: re-reads (or, with {@code remove}, forgets) the devices; completes
     * after the resulting reports are persisted.
     */
    public CompletableFuture<Void> notify(Collection<String> devices, boolean remove) {
        Set<String> names = new LinkedHashSet<>(devices);
        return AskPattern.<Command, Done>askWithStatus(actor, reply -> new Notify(names, remove, reply), NOTIFY_PATIENCE,
                system.scheduler()).toCompletableFuture().thenApply(done -> null);
    }

    /** Asks for a full rescan now; completes when it is persisted. */
    public CompletableFuture<Void> rescanAll() {
        return AskPattern.<Command, Done>askWithStatus(actor, RescanAll::new, NOTIFY_PATIENCE, system.scheduler())
                .toCompletableFuture().thenApply(done -> null);
    }

    /**
     * Whether {@code device} is one this node scans now, or one it holds reports of (a device that
     * went away may still be named, to forget it). False before the loop started.
     */
    public boolean knows(String device) {
        ScanBatch b = batch;
        if (b == null) {
            return false;
        }
        if (b.reports().devices().contains(device)) {
            return true;
        }
        try {
            return b.source().target(device).isPresent();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The device source in words, for messages. */
    public String describeSource() {
        ScanBatch b = batch;
        return b == null ? "not started" : b.source().describe();
    }

    public Stats stats() {
        PvNodeWatcher w = watcher;
        return new Stats(batches.get(), counters.scanned.get(), counters.fullRescans.get(), events.get(), coalesced.get(), pendingDevices,
                lastBatchMillis, reconcileIntervalMillis, w == null ? 0 : w.watched(), counters.faults.get(), lastBatchPhases);
    }

    @Override
    public void close() {
        actor.tell(Stop.INSTANCE);
    }

    private Behavior<Command> waitingForStart(ActorContext<Command> ctx, TimerScheduler<Command> timers, StashBuffer<Command> stash) {
        return Behaviors.receive(Command.class)
                .onMessage(Start.class, s -> {
                    Running running = new Running(ctx, timers, s.batch());
                    if (!settings.startScanDelay().isZero()) {
                        LOG.info("start-up scan in {} (lvmcoord.agent.start-scan-delay); answering from the journal meanwhile",
                                settings.startScanDelay());
                        running.holdUntil(settings.startScanDelay());
                    }
                    return stash.unstashAll(running);
                })
                .onMessage(Stop.class, s -> Behaviors.stopped())
                // Events before the start need no keeping: the first batch is a full scan of every device.
                .onMessage(Offer.class, o -> Behaviors.same())
                .onAnyMessage(m -> {
                    // Notifications wait for the start-up scan (or a batch after it), in order.
                    if (stash.isFull()) {
                        reject(m, "the agent is starting and has " + stash.size() + " requests waiting already");
                    } else {
                        stash.stash(m);
                    }
                    return Behaviors.same();
                })
                .build();
    }

    private static void reject(Command m, String why) {
        if (m instanceof Notify n) {
            n.replyTo().tell(StatusReply.error(why));
        } else if (m instanceof RescanAll r) {
            r.replyTo().tell(StatusReply.error(why));
        }
    }

    /** The loop once started: the pending work, at most one batch in flight, the timers. */
    private final class Running extends AbstractBehavior<Command> {
        private final TimerScheduler<Command> timers;
        private final ScanBatch batch;
        private final Set<String> dirty = new LinkedHashSet<>();
        private final Set<String> gone = new LinkedHashSet<>();
        /** The first batch is the start-up scan. */
        private boolean full = true;
        /** Kernel or directory events arrived since the last batch (only those are worth a coalescing pause). */
        private boolean eventsPending;
        private List<ActorRef<StatusReply<Done>>> waiters = new ArrayList<>();
        private boolean inFlight;
        /** No batch before this (start-scan-delay, or the pause after a failure). */
        private boolean holding;
        private Duration reconcileInterval = settings.reconcileMin();

        Running(ActorContext<Command> ctx, TimerScheduler<Command> timers, ScanBatch batch) {
            super(ctx);
            this.timers = timers;
            this.batch = batch;
            getContext().getSelf().tell(ReconcileDue.INSTANCE);
        }

        void holdUntil(Duration delay) {
            holding = true;
            timers.startSingleTimer(Retry.INSTANCE, Retry.INSTANCE, delay);
        }

        @Override
        public Receive<Command> createReceive() {
            return newReceiveBuilder()
                    .onMessage(Offer.class, o -> {
                        DeviceEvent event = o.event();
                        eventsPending = true;
                        if (event instanceof DeviceEvent.Changed c) {
                            markDirty(c.device());
                        } else if (event instanceof DeviceEvent.Removed r) {
                            dirty.remove(r.device());
                            gone.add(r.device());
                        } else {
                            LOG.warn("{}: rescanning every device", ((DeviceEvent.Lost) event).cause());
                            full = true;
                        }
                        return next();
                    })
                    .onMessage(Notify.class, n -> {
                        for (String d : n.devices()) {
                            if (n.remove()) {
                                dirty.remove(d);
                                gone.add(d);
                            } else {
                                markDirty(d);
                            }
                        }
                        waiters.add(n.replyTo());
                        return next();
                    })
                    .onMessage(RescanAll.class, r -> {
                        full = true;
                        waiters.add(r.replyTo());
                        return next();
                    })
                    .onMessageEquals(ReconcileDue.INSTANCE, () -> {
                        full = true;
                        return next();
                    })
                    .onMessageEquals(CoalesceElapsed.INSTANCE, () -> {
                        eventsPending = false;
                        return next();
                    })
                    .onMessageEquals(Retry.INSTANCE, () -> {
                        holding = false;
                        return next();
                    })
                    .onMessage(BatchDone.class, this::done)
                    .onMessage(BatchFailed.class, this::failed)
                    .onMessageEquals(Stop.INSTANCE, () -> {
                        waiters.forEach(w -> w.tell(StatusReply.error("the agent is stopping")));
                        return Behaviors.stopped();
                    })
                    .onMessage(Start.class, s -> this)
                    .build();
        }

        private void markDirty(String device) {
            if (full) {
                coalesced.incrementAndGet();
                return;
            }
            if (!dirty.add(device)) {
                coalesced.incrementAndGet();
            } else if (dirty.size() > settings.maxPendingDevices()) {
                // A storm: one full rescan reads every device once, however many events came.
                coalesced.addAndGet(dirty.size());
                dirty.clear();
                full = true;
            }
            gone.remove(device);
        }

        /** Starts a batch when one may run and there is work; waits for the coalescing window after events. */
        private Behavior<Command> next() {
            pendingDevices = dirty.size() + gone.size();
            if (inFlight || holding || (!full && dirty.isEmpty() && gone.isEmpty() && waiters.isEmpty())) {
                return this;
            }
            // Let the rest of a storm arrive before taking the batch. Notifications and re-read
            // requests come batched by their senders and someone waits for them: no pause.
            if (eventsPending && waiters.isEmpty()) {
                if (!timers.isTimerActive(CoalesceElapsed.INSTANCE)) {
                    timers.startSingleTimer(CoalesceElapsed.INSTANCE, CoalesceElapsed.INSTANCE, settings.coalesceWindow());
                }
                return this;
            }
            timers.cancel(CoalesceElapsed.INSTANCE);
            eventsPending = false;
            Set<String> changed = new LinkedHashSet<>(dirty);
            Set<String> removed = new LinkedHashSet<>(gone);
            boolean doFull = full;
            List<ActorRef<StatusReply<Done>>> batchWaiters = waiters;
            dirty.clear();
            gone.clear();
            full = false;
            waiters = new ArrayList<>();
            pendingDevices = 0;
            inFlight = true;
            if (doFull) {
                timers.cancel(ReconcileDue.INSTANCE);
            }
            long changesBefore = batch.reports().changes();
            long started = System.nanoTime();
            getContext().pipeToSelf(batch.run(changed, removed, doFull), (phases, failure) -> failure == null
                    ? new BatchDone(phases, doFull, changesBefore, started, batchWaiters)
                    : new BatchFailed(failure, changed, removed, doFull, started, batchWaiters));
            return this;
        }

        private Behavior<Command> done(BatchDone d) {
            inFlight = false;
            finished(d.startedNanos());
            lastBatchPhases = d.phases();
            if (d.full()) {
                pace(batch.reports().changes() > d.changesBefore());
                firstFullRescan.complete(null);
            }
            d.waiters().forEach(w -> w.tell(StatusReply.ack()));
            return next();
        }

        private Behavior<Command> failed(BatchFailed f) {
            inFlight = false;
            finished(f.startedNanos());
            Throwable cause = Stages.cause(f.cause());
            LOG.error("scan batch failed ({} changed, {} removed, full={}): {}", f.changed().size(), f.removed().size(), f.full(),
                    cause.toString());
            f.waiters().forEach(w -> w.tell(StatusReply.error(cause)));
            // Nothing is lost: the devices are tried again with the next batch.
            dirty.addAll(f.changed());
            gone.addAll(f.removed());
            full |= f.full();
            holdUntil(RETRY_AFTER);
            return next();
        }

        private void finished(long startedNanos) {
            long nanos = System.nanoTime() - startedNanos;
            lastBatchMillis = TimeUnit.NANOSECONDS.toMillis(nanos);
            batchLatency.record(nanos);
            batches.incrementAndGet();
        }

        private void pace(boolean foundChanges) {
            Duration next = foundChanges ? reconcileInterval.dividedBy(2) : reconcileInterval.multipliedBy(2);
            if (next.compareTo(settings.reconcileMin()) < 0) {
                next = settings.reconcileMin();
            }
            if (next.compareTo(settings.reconcileMax()) > 0) {
                next = settings.reconcileMax();
            }
            reconcileInterval = next;
            reconcileIntervalMillis = next.toMillis();
            timers.startSingleTimer(ReconcileDue.INSTANCE, ReconcileDue.INSTANCE, next);
        }
    }
}
