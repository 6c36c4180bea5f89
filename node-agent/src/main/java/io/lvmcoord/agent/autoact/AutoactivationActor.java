package io.lvmcoord.agent.autoact;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.scan.lvmconf.LvmConfig;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The hook's one writer: it decides when to look at this node's view, starts the runs the looks
 * call for and records their outcomes. Nothing slow happens on its thread: the view is assembled
 * and the latches are touched on the blocking dispatcher ({@link Evaluation}), commands run on
 * their own threads ({@link HookRun}), and both report back by message.
 *
 * <p>Looks are coalesced: while one is in flight, any number of changes make one more look after
 * it, never a queue of them, so a start-up of thousands of aggregate updates costs a few looks.
 * Nothing is looked at before {@link Arm}: until the agent's own start-up scan is persisted, the
 * view is the journal's (what was true before the agent stopped, or before a reboot), and a VG
 * that was complete then must not be taken for complete now.
 */
final class AutoactivationActor extends AbstractBehavior<AutoactivationActor.Command> {
    private static final Logger LOG = LoggerFactory.getLogger(AutoactivationHook.class);

    sealed interface Command permits Arm, Evaluate, Planned, Finished {
    }

    /** The start-up scan is persisted: the view is this host's now. */
    enum Arm implements Command {
        INSTANCE
    }

    /** Something in the node's cache changed: look again. */
    enum Evaluate implements Command {
        INSTANCE
    }

    private record Planned(List<Evaluation.Step> steps, Throwable failure) implements Command {
    }

    private record Finished(String vgName, String vgUuid, Instant latchedAt, HookRun.Outcome outcome) implements Command {
    }

    /** What the actor works with, made by {@link AutoactivationHook}. */
    record Deps(OnVgCompleteSettings settings, String node, Supplier<CompletionStage<Assembly>> view, ReportBuilder.VgAccess access,
                Supplier<Optional<LvmConfig>> lvmConfig, VgLatches latches, Executor looks, Executor runs, Executor readers,
                Consumer<Map<String, HookRecord>> publish, Consumer<HookRecord> outcomes) {
    }

    private final Deps deps;
    private final Map<String, HookRecord> records = new HashMap<>();
    private boolean armed;
    private boolean looking;
    private boolean lookAgain;

    private AutoactivationActor(ActorContext<Command> ctx, Deps deps) {
        super(ctx);
        this.deps = deps;
    }

    static Behavior<Command> create(Deps deps) {
        return Behaviors.setup(ctx -> new AutoactivationActor(ctx, deps));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessageEquals(Arm.INSTANCE, this::onArm)
                .onMessageEquals(Evaluate.INSTANCE, this::onEvaluate)
                .onMessage(Planned.class, this::onPlanned)
                .onMessage(Finished.class, this::onFinished)
                .build();
    }

    private Behavior<Command> onArm() {
        armed = true;
        look();
        return this;
    }

    private Behavior<Command> onEvaluate() {
        if (armed) {
            look();
        }
        return this;
    }

    private void look() {
        if (looking) {
            lookAgain = true;
            return;
        }
        looking = true;
        lookAgain = false;
        Set<String> known = new HashSet<>();
        records.values().stream().filter(HookRecord::latched).forEach(r -> known.add(r.vgUuid()));
        CompletableFuture<List<Evaluation.Step>> steps = CompletableFuture.supplyAsync(deps.view(), deps.looks())
                .thenCompose(view -> view)
                .thenApplyAsync(view -> Evaluation.of(view, deps.access(), deps.lvmConfig().get(), deps.latches(), known, Instant.now()),
                        deps.looks());
        getContext().pipeToSelf(steps, Planned::new);
    }

    private Behavior<Command> onPlanned(Planned p) {
        looking = false;
        if (p.failure() != null) {
            // The next change looks again; a view that cannot be read now says nothing about the VGs.
            LOG.warn("autoactivation: this node's view could not be read: {}", p.failure().toString());
        } else {
            Set<String> stillSkipped = new HashSet<>();
            for (Evaluation.Step step : p.steps()) {
                if (step instanceof Evaluation.Run run) {
                    start(run);
                } else if (step instanceof Evaluation.Latched l) {
                    HookRecord had = records.get(l.vgUuid());
                    if (had == null || !had.latched()) {
                        LOG.info("autoactivation: VG {} ({}) is complete on this host and was latched at {} (before this agent"
                                + " started): not run again; delete {} to re-arm it", l.vgName(), l.vgUuid(), l.latchedAt(),
                                deps.latches().fileOf(l.vgUuid()));
                        put(new HookRecord(l.vgName(), l.vgUuid(), new HookRecord.LatchedEarlier(l.latchedAt())));
                    }
                } else if (step instanceof Evaluation.Skipped s) {
                    stillSkipped.add(s.vgUuid());
                    HookRecord next = new HookRecord(s.vgName(), s.vgUuid(), new HookRecord.Skipped(s.reason()));
                    if (!next.equals(records.get(s.vgUuid()))) {
                        LOG.info("autoactivation: VG {} ({}) is complete on this host and is not autoactivated: {}", s.vgName(),
                                s.vgUuid(), s.reason());
                        put(next);
                    }
                } else if (step instanceof Evaluation.LatchFailed f) {
                    stillSkipped.add(f.vgUuid());
                    HookRecord next = new HookRecord(f.vgName(), f.vgUuid(), new HookRecord.LatchFailed(f.reason()));
                    if (!next.equals(records.get(f.vgUuid()))) {
                        LOG.warn("autoactivation: VG {} ({}) is complete on this host but is not run: {}", f.vgName(), f.vgUuid(),
                                f.reason());
                        put(next);
                    }
                }
            }
            // A skip is about a complete VG as it is now: one no longer complete, or now eligible, says nothing more.
            if (records.values().removeIf(r -> !r.latched() && !stillSkipped.contains(r.vgUuid()))) {
                deps.publish().accept(Map.copyOf(records));
            }
        }
        if (lookAgain) {
            look();
        }
        return this;
    }

    private void start(Evaluation.Run run) {
        List<String> argv = deps.settings().argv(run.vgName(), run.vgUuid());
        Instant started = Instant.now();
        LOG.info("autoactivation: VG {} ({}) is complete on this host: running {} (latch {})", run.vgName(), run.vgUuid(), argv,
                deps.latches().fileOf(run.vgUuid()));
        put(new HookRecord(run.vgName(), run.vgUuid(), new HookRecord.Running(run.latchedAt(), started)));
        Map<String, String> env = Map.of("LVMCOORD_VG_NAME", run.vgName(), "LVMCOORD_VG_UUID", run.vgUuid(), "LVMCOORD_NODE", deps.node());
        OnVgCompleteSettings s = deps.settings();
        CompletableFuture<HookRun.Outcome> outcome = CompletableFuture.supplyAsync(
                () -> HookRun.run(argv, env, s.timeout(), s.maxOutput(), deps.readers(), System::nanoTime), deps.runs());
        getContext().pipeToSelf(outcome, (o, failure) -> new Finished(run.vgName(), run.vgUuid(), run.latchedAt(), o != null ? o
                : new HookRun.Outcome(argv, started, 0, new HookRun.NotStarted("not run: " + failure), "", false, "", false)));
    }

    private Behavior<Command> onFinished(Finished f) {
        HookRecord done = new HookRecord(f.vgName(), f.vgUuid(), new HookRecord.Ran(f.latchedAt(), f.outcome()));
        if (f.outcome().succeeded()) {
            LOG.info("autoactivation: {}", done.summary());
        } else {
            List<String> stderr = f.outcome().stderrLines(HookRecord.STDERR_LINES);
            LOG.warn("autoactivation: {} {}{}", done.summary(), f.outcome().argv(),
                    stderr.isEmpty() ? "" : "; stderr: " + String.join(" | ", stderr));
        }
        put(done);
        deps.outcomes().accept(done);
        return this;
    }

    private void put(HookRecord r) {
        records.put(r.vgUuid(), r);
        deps.publish().accept(Map.copyOf(records));
    }
}
