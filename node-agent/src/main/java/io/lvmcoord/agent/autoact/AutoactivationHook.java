package io.lvmcoord.agent.autoact;

import io.lvmcoord.agent.client.JsonText;
import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.coordinator.vg.NodeReadCache;
import io.lvmcoord.scan.lvmconf.LvmConfig;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The autoactivation hook ({@code lvmcoord.agent.on-vg-complete}): lvm2's event autoactivation
 * done by the agent. When a VG becomes complete in this node's own view, the configured command
 * runs once for it, latched per VG in a runtime directory ({@link VgLatches}); what happened is
 * logged and shown in {@code status} and {@code watch}. See {@link AutoactivationActor} for when
 * it looks, {@link Evaluation} for what it decides and {@link AutoactivationPolicy} for which VGs
 * lvm2 would leave alone.
 */
public final class AutoactivationHook implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AutoactivationHook.class);
    static final String EVENT_ACTIVATION = "global/event_activation";

    private final OnVgCompleteSettings settings;
    private final String node;
    private final Supplier<Optional<LvmConfig>> lvmConfig;
    private final ActorRef<AutoactivationActor.Command> actor;
    private final ExecutorService runs;
    private final ExecutorService readers;
    private final NodeReadCache cache;
    private final Consumer<NodeReadCache.Versioned> onChange;
    private volatile Map<String, HookRecord> records = Map.of();
    private final List<Consumer<String>> watchers = new CopyOnWriteArrayList<>();

    private AutoactivationHook(OnVgCompleteSettings settings, String node, Supplier<Optional<LvmConfig>> lvmConfig,
                               ActorSystem<?> system, Supplier<CompletionStage<Assembly>> view, ReportBuilder.VgAccess access,
                               NodeReadCache cache) {
        this.settings = settings;
        this.node = node;
        this.lvmConfig = lvmConfig;
        this.cache = cache;
        if (!settings.enabled()) {
            actor = null;
            runs = null;
            readers = null;
            onChange = null;
            return;
        }
        runs = Executors.newFixedThreadPool(settings.maxParallel(), daemonThreads("lvmcoord-on-vg-complete"));
        readers = Executors.newCachedThreadPool(daemonThreads("lvmcoord-on-vg-complete-output"));
        var deps = new AutoactivationActor.Deps(settings, node, view, access, lvmConfig, new VgLatches(settings.latchDir()),
                system.dispatchers().lookup(DispatcherSelector.blocking()), runs, readers, r -> records = r, this::announce);
        // A bug met by one message must not end the hook for the rest of the boot (a restart would
        // also forget it was armed): the failure is logged by Pekko and the actor goes on.
        actor = system.systemActorOf(Behaviors.supervise(AutoactivationActor.create(deps)).onFailure(SupervisorStrategy.resume()),
                "on-vg-complete", Props.empty());
        onChange = v -> actor.tell(AutoactivationActor.Evaluate.INSTANCE);
        cache.addListener(onChange);
    }

    /**
     * Starts the hook (or, with no command configured, a hook that only says it is off).
     *
     * @param view      this node's own view, as queries see it
     * @param access    lvm2's visibility of VGs on this host (foreign, shared, clustered)
     * @param lvmConfig lvm2's configuration on this host as last read, when it could be
     * @param cache     the node's cache: every state it takes may complete a VG
     * @param armed     completes when the agent's start-up scan is persisted: nothing runs before
     */
    public static AutoactivationHook start(ActorSystem<?> system, OnVgCompleteSettings settings, String node,
                                           Supplier<CompletionStage<Assembly>> view, ReportBuilder.VgAccess access,
                                           Supplier<Optional<LvmConfig>> lvmConfig, NodeReadCache cache, CompletionStage<?> armed) {
        AutoactivationHook hook = new AutoactivationHook(settings, node, lvmConfig, system, view, access, cache);
        if (settings.enabled()) {
            boolean lvm2Too = lvmConfig.get().map(c -> c.bool(EVENT_ACTIVATION, true)).orElse(true);
            LOG.info("autoactivation hook on: {} once per VG complete on this host, latched in {}, timeout {} s{}", settings.command(),
                    settings.latchDir(), settings.timeout().toSeconds(), lvm2Too
                            ? "; lvm2's own event activation is on too (global/event_activation = 1): its udev rule also"
                            + " activates complete VGs (README, \"Autoactivation hook\")" : "");
            armed.whenComplete((ok, failure) -> {
                if (failure == null) {
                    hook.actor.tell(AutoactivationActor.Arm.INSTANCE);
                } else {
                    LOG.warn("autoactivation hook idle: the start-up scan failed ({}), so no VG is known complete", failure.toString());
                }
            });
        }
        return hook;
    }

    /** Calls {@code lines} with one JSON line per run outcome; the returned action stops it. */
    public Runnable subscribe(Consumer<String> lines) {
        watchers.add(lines);
        return () -> watchers.remove(lines);
    }

    private void announce(HookRecord outcome) {
        String line = "{\"autoactivation\": " + outcome.json() + ", \"node\": " + JsonText.quote(node) + "}";
        watchers.forEach(w -> w.accept(line));
    }

    /** The {@code autoactivation} member of {@code status}: settings, lvm2's own event activation, per VG what was done. */
    public String statusJson() {
        StringBuilder out = new StringBuilder("{\"enabled\": ").append(settings.enabled());
        Optional<LvmConfig> config = lvmConfig.get();
        out.append(", \"lvm2_event_activation\": ").append(config.map(c -> Boolean.toString(c.bool(EVENT_ACTIVATION, true))).orElse("null"));
        if (settings.enabled()) {
            out.append(", \"command\": [");
            for (int i = 0; i < settings.command().size(); i++) {
                out.append(i > 0 ? ", " : "").append(JsonText.quote(settings.command().get(i)));
            }
            out.append("], \"timeout_ms\": ").append(settings.timeout().toMillis())
                    .append(", \"latch_dir\": ").append(JsonText.quote(settings.latchDir().toString()));
            List<HookRecord> vgs = new ArrayList<>(records.values());
            vgs.sort(Comparator.comparing(HookRecord::vgName).thenComparing(HookRecord::vgUuid));
            out.append(", \"vgs\": [");
            for (int i = 0; i < vgs.size(); i++) {
                out.append(i > 0 ? ", " : "").append(vgs.get(i).json());
            }
            out.append(']');
        }
        return out.append('}').toString();
    }

    /**
     * Stops looking; runs started or queued go on to their end or timeout (their threads are
     * daemons; the output readers' pool is left to idle out, since a queued run still needs it).
     */
    @Override
    public void close() {
        if (actor == null) {
            return;
        }
        cache.removeListener(onChange);
        runs.shutdown();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
