package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.dm.DmState;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's side of the activation map: tells each VG's aggregate which dm devices of that VG
 * this host has, when that differs from what the aggregate holds for this host (as this node's
 * cache shows it). Comparing with the aggregate's state rather than with what was sent last is
 * what makes it heal: a restarted agent (a new incarnation) re-reports, an entry dropped by
 * mistake is reported again as soon as the cache shows the drop, and a VG the cluster learns
 * of after the kernel was read is reported when its first state reaches the cache.
 *
 * <p>One actor holds the last kernel state and the reports in flight; kernel reads and cache
 * changes are messages to it. Only VGs some node has reported PVs of are reported to: an
 * aggregate made of activation alone would show nothing anywhere and retire at once.
 */
public final class ActivationReporter {
    private static final Logger LOG = LoggerFactory.getLogger(ActivationReporter.class);
    private static final String VG_KEY_PREFIX = ReportRouting.Target.Kind.VOLUME_GROUP + ":";
    private static final AtomicLong ACTOR_NAMES = new AtomicLong();

    private final ActorSystem<?> system;
    private final String node;
    private final long incarnation;
    private final NodeReadCache cache;
    private final ActorRef<CacheUpdates.Write> writer;
    private final Duration askTimeout;
    private final ActorRef<Command> actor;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private sealed interface Command permits KernelRead, CacheTook, Ended {
    }

    private record KernelRead(DmState state, boolean reconcile) implements Command {
    }

    private record CacheTook(String aggregateKey) implements Command {
    }

    private record Ended(String vgUuid, HostActivation activation, Throwable failure) implements Command {
    }

    /**
     * Reports as {@code node}, this actor system's incarnation, to the aggregates; {@code writer}
     * is the cache's writer (the entity delivers to it, and the acknowledged state goes through it).
     */
    public ActivationReporter(ActorSystem<?> system, String node, NodeReadCache cache, ActorRef<CacheUpdates.Write> writer,
                              Duration askTimeout) {
        this.system = system;
        this.node = node;
        this.incarnation = Cluster.get(system).selfMember().uniqueAddress().longUid();
        this.cache = cache;
        this.writer = writer;
        this.askTimeout = askTimeout;
        this.actor = system.systemActorOf(Behaviors.setup(Reporting::new), "activation-reporter-" + ACTOR_NAMES.incrementAndGet() + "-"
                + node.replaceAll("[^A-Za-z0-9_-]", "_"), Props.empty());
        cache.addListener(v -> {
            if (v.aggregateKey().startsWith(VG_KEY_PREFIX)) {
                actor.tell(new CacheTook(v.aggregateKey()));
            }
        });
    }

    /**
     * This host's dm state was read: every VG whose entry differs is reported ({@code reconcile}:
     * status-only differences too; see {@link Activation#worthReporting}).
     */
    public void kernelRead(DmState state, boolean reconcile) {
        actor.tell(new KernelRead(state, reconcile));
    }

    /** The incarnation this node's entries carry. */
    public long incarnation() {
        return incarnation;
    }

    /** Activation reports sent since start (one per VG and change). */
    public long sent() {
        return sent.get();
    }

    /** Activation reports that were not acknowledged (retried at the next read or cache change). */
    public long failed() {
        return failed.get();
    }

    private final class Reporting extends AbstractBehavior<Command> {
        /** The last kernel state read; null until the first read. */
        private DmState kernel;
        /** What is being sent to each VG's aggregate. */
        private final Map<String, HostActivation> inFlight = new HashMap<>();

        Reporting(ActorContext<Command> ctx) {
            super(ctx);
        }

        @Override
        public Receive<Command> createReceive() {
            return newReceiveBuilder()
                    .onMessage(KernelRead.class, r -> {
                        kernel = r.state();
                        Set<String> vgs = new TreeSet<>(Activation.byVg(kernel).keySet());
                        // VGs whose aggregate still holds an entry of this host: deactivated since, or an older incarnation's.
                        for (NodeReadCache.Versioned v : cache.snapshot()) {
                            if (v.state() != null && v.aggregateKey().startsWith(VG_KEY_PREFIX) && v.state().activation().containsKey(node)) {
                                vgs.add(v.aggregateKey().substring(VG_KEY_PREFIX.length()));
                            }
                        }
                        vgs.forEach(vg -> consider(vg, r.reconcile()));
                        return this;
                    })
                    .onMessage(CacheTook.class, t -> {
                        if (kernel != null) {
                            consider(t.aggregateKey().substring(VG_KEY_PREFIX.length()), false);
                        }
                        return this;
                    })
                    .onMessage(Ended.class, e -> {
                        inFlight.remove(e.vgUuid(), e.activation());
                        if (e.failure() != null) {
                            failed.incrementAndGet();
                            LOG.info("{}: activation of VG {} not reported ({}); sent again at the next kernel read", node, e.vgUuid(),
                                    e.failure().toString());
                        } else if (kernel != null) {
                            // Changed while this one was on its way: the cache now shows what was sent.
                            consider(e.vgUuid(), false);
                        }
                        return this;
                    })
                    .build();
        }

        private void consider(String vgUuid, boolean reconcile) {
            NodeReadCache.Versioned cached = cache.get(VG_KEY_PREFIX + vgUuid).orElse(null);
            if (cached == null || cached.state() == null || cached.state().retired() || inFlight.containsKey(vgUuid)) {
                return;
            }
            HostActivation next = Activation.of(incarnation, kernel, vgUuid);
            if (!Activation.worthReporting(cached.state().activation().get(node), next, reconcile)) {
                return;
            }
            inFlight.put(vgUuid, next);
            sent.incrementAndGet();
            getContext().pipeToSelf(send(vgUuid, next), (ok, failure) -> new Ended(vgUuid, next, failure));
        }
    }

    /** Asks the aggregate, then reads its state into this node's cache (read your writes), like the PV reports. */
    private CompletableFuture<Void> send(String vgUuid, HostActivation activation) {
        var entity = VgSharding.entity(system, vgUuid);
        ActorRef<CacheUpdates.Update> to = writer.narrow();
        return entity.<StatusReply<VolumeGroupEntity.Ack>>ask(r -> new VolumeGroupEntity.ReportActivation(node, activation, r, to), askTimeout)
                .thenApply(StatusReply::getValue)
                .thenCompose(ack -> entity.<VgState>ask(VolumeGroupEntity.GetState::new, askTimeout))
                .thenCompose(state -> CacheUpdates.take(system, writer, VG_KEY_PREFIX + vgUuid, state, -1))
                .thenApply(done -> (Void) null)
                .toCompletableFuture();
    }
}
