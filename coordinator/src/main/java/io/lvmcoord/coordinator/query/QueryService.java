package io.lvmcoord.coordinator.query;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.coordinator.report.Fields;
import io.lvmcoord.coordinator.report.Report;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.coordinator.report.ReportRenderer;
import io.lvmcoord.coordinator.report.ReportRequest;
import io.lvmcoord.coordinator.vg.Activation;
import io.lvmcoord.coordinator.vg.CacheUpdates;
import io.lvmcoord.coordinator.vg.ClusterView;
import io.lvmcoord.coordinator.vg.NodeReadCache;
import io.lvmcoord.coordinator.vg.NodeRereads;
import io.lvmcoord.coordinator.vg.ReportRouting;
import io.lvmcoord.coordinator.vg.VgNameIndex;
import io.lvmcoord.coordinator.vg.VgSharding;
import io.lvmcoord.coordinator.vg.VgState;
import io.lvmcoord.coordinator.vg.VolumeGroupEntity;
import io.lvmcoord.scan.dm.DmState;
import org.apache.pekko.actor.typed.ActorSystem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * pvs, vgs and lvs from the cluster model, as one node sees it.
 *
 * <p>Answers come from the node's {@link NodeReadCache}, which every entity keeps current by
 * push. Where the cache knows a newer version was announced than the one it holds (a report of
 * that aggregate is being persisted), the query asks the entity itself: the entity stashes the
 * ask until the persist is done, so the answer includes it (rule 7). If the entity cannot be
 * reached in time, the cached version is served and the answer says it may be stale rather
 * than failing.
 *
 * <p>Views are built by a {@link ClusterView}, which remembers scans per aggregate version and
 * the last view per set of versions, so an unchanged cluster answers repeated queries without
 * re-parsing or re-assembling anything.
 */
public final class QueryService {

    /** One node's view and the versions it was assembled from. */
    public record View(String node, Assembly assembly, Map<String, Long> versions, boolean mayBeStale) {
        /** Sum of the aggregates' versions: grows with every change the view includes, never goes back. */
        public long version() {
            return versions.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * A rendered report with the view it came from; {@code warnings} are lvm2-worded, for stderr,
     * all of them (bound them with {@link #transportWarnings} before sending them anywhere).
     */
    public record Answer(String text, Report report, List<String> warnings, View view, boolean failed) {
    }

    private final ActorSystem<?> system;
    private final NodeReadCache cache;
    /** The cache's one writer: states this service reads from entities go through it. */
    private final org.apache.pekko.actor.typed.ActorRef<CacheUpdates.Write> writer;
    private final ClusterView views;
    private final Fields fields;
    /** The fields for another node's view: its device numbers are that host's, not known here. */
    private final Fields remoteFields;
    private final ReportBuilder.VgAccess access;
    private final Duration pendingWait;
    private final int maxWarnings;
    private volatile String localNode;
    /** This host's device-mapper state as the agent last read it; see {@link #kernelStateFrom}. */
    private volatile java.util.function.Supplier<DmState> localKernel = () -> DmState.NONE;
    private volatile NodeRereads rereads;
    /** Until this completes (normally), every view is marked may-be-stale: see {@link #staleUntil}. */
    private volatile CompletableFuture<?> current = CompletableFuture.completedFuture(null);
    /** While this says no, every view is marked may-be-stale: see {@link #staleUnless}. */
    private volatile java.util.function.BooleanSupplier whole = () -> true;

    public QueryService(ActorSystem<?> system, NodeReadCache cache, org.apache.pekko.actor.typed.ActorRef<CacheUpdates.Write> writer,
                        VgAssembler assembler, Fields fields, Duration pendingWait) {
        this(system, cache, writer, new ClusterView(assembler), fields, pendingWait);
    }

    /**
     * A query service sharing {@code views} (and what it remembers) with other users of the
     * node's cache; {@code writer} is the cache's writer.
     */
    public QueryService(ActorSystem<?> system, NodeReadCache cache, org.apache.pekko.actor.typed.ActorRef<CacheUpdates.Write> writer,
                        ClusterView views, Fields fields, Duration pendingWait) {
        this(system, cache, writer, views, fields, pendingWait, ReportBuilder.VgAccess.ALL);
    }

    /** @param access which VGs this host's lvm2 would show, and its words for the others */
    public QueryService(ActorSystem<?> system, NodeReadCache cache, org.apache.pekko.actor.typed.ActorRef<CacheUpdates.Write> writer,
                        ClusterView views, Fields fields, Duration pendingWait, ReportBuilder.VgAccess access) {
        this.access = access;
        this.system = system;
        this.cache = cache;
        this.writer = writer;
        this.views = views;
        // lv_active_hosts reads the activation map from this node's cache: the same for every view.
        this.fields = fields.withActiveHosts(this::activeHosts);
        this.remoteFields = this.fields.withDeviceNumbers(Fields.DeviceNumbers.NONE);
        this.pendingWait = pendingWait;
        this.maxWarnings = maxWarnings(system.settings().config().getInt("lvmcoord.query.max-warnings"));
    }

    /** A report builder with this node's fields, kernel state and VG access (lvm fullreport builds its subreports with it). */
    public ReportBuilder reportBuilder() {
        return new ReportBuilder(fields.withKernel(ownKernel()), access);
    }

    private static int maxWarnings(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("lvmcoord.query.max-warnings must be >= 0, got " + n);
        }
        return n;
    }

    /** {@code warnings} bounded by {@code lvmcoord.query.max-warnings}, for an answer leaving the node. */
    public BoundedWarnings transportWarnings(List<String> warnings) {
        return BoundedWarnings.of(warnings, maxWarnings);
    }

    public NodeReadCache cache() {
        return cache;
    }

    /**
     * Makes queries of {@code node} (this node) wait, up to the pending wait, for its re-reads in
     * flight: metadata another host has replaced is not served as current. Past the wait the
     * answer is served marked may-be-stale.
     */
    public void waitForRereads(String node, NodeRereads rereads) {
        this.localNode = node;
        this.rereads = rereads;
    }

    /**
     * Where {@link #kernelState} finds this node's own device-mapper state (the agent's last
     * read of its kernel); until called, this node's is {@link DmState#NONE}.
     */
    public void kernelStateFrom(java.util.function.Supplier<DmState> local) {
        this.localKernel = local;
    }

    /**
     * {@code node}'s device-mapper state, for the kernel fields of its view: this node's own as
     * its agent last read it (every dm device; empty where the host has no device-mapper), another
     * host's as the activation map holds it (its LVM devices, as it last reported them to each VG's
     * aggregate; statuses at most one kernel-state reconcile interval old). A host that reported
     * nothing to any VG here is unknown (empty): it may have no device-mapper, or nothing active.
     */
    public Optional<DmState> kernelState(String node) {
        if (node.equals(localNode)) {
            return ownKernel();
        }
        List<VgState> states = new ArrayList<>();
        boolean reported = false;
        for (NodeReadCache.Versioned v : cache.snapshot()) {
            if (v.state() != null) {
                states.add(v.state());
                reported |= v.state().activation().containsKey(node);
            }
        }
        return reported ? Optional.of(Activation.stateOf(node, states)) : Optional.empty();
    }

    private Optional<DmState> ownKernel() {
        DmState own = localKernel.get();
        return own.deviceMapper() ? Optional.of(own) : Optional.empty();
    }

    /** The hosts where an LV is active, from its VG's activation map in this node's cache (lv_active_hosts). */
    private List<String> activeHosts(String vgUuid, String lvUuid) {
        return cache.get(CacheUpdates.key(new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP, vgUuid)))
                .map(v -> Activation.activeHosts(v.state(), lvUuid)).orElse(List.of());
    }

    /**
     * Marks every view may-be-stale until {@code upToDate} completes normally. A restarted agent
     * answers from its journal at once, but what the journal holds is what was true before it
     * stopped: devices may have changed meanwhile, and nothing says so until its start-up scan is
     * reported. So until then, no answer claims to be current.
     */
    public void staleUntil(CompletionStage<?> upToDate) {
        this.current = upToDate.toCompletableFuture();
    }

    /**
     * Marks every view may-be-stale while {@code whole} says no. The agent passes "this node is an
     * Up member and reaches every other": an announcement from an entity on a member this node
     * cannot reach does not arrive, so a partitioned node, or one being downed, stops answering
     * unflagged at once rather than when the cluster has removed someone (seconds later). The
     * other side flags too while it sees the member unreachable, which is as honest: the
     * aggregates that member hosted cannot be asked either.
     */
    public void staleUnless(java.util.function.BooleanSupplier whole) {
        this.whole = whole;
    }

    /** True once the future given to {@link #staleUntil} completed normally. */
    public boolean upToDate() {
        CompletableFuture<?> c = current;
        return c.isDone() && !c.isCompletedExceptionally();
    }

    /**
     * How {@code node} sees the cluster now. Aggregates with a persist in flight are read from
     * their entity (waiting for it); the rest come from the cache.
     */
    public CompletionStage<View> view(String node) {
        // One budget for the whole query, not one per step: whatever the entities and re-reads
        // have not delivered by then, the answer is assembled from the cache, marked may-be-stale.
        long deadline = System.nanoTime() + pendingWait.toNanos();
        List<CompletableFuture<Void>> refreshes = new ArrayList<>();
        for (NodeReadCache.Versioned v : cache.snapshot()) {
            if (v.mayBeStale()) {
                refreshes.add(refresh(v.aggregateKey(), v.announced()));
            }
        }
        return CompletableFuture.allOf(refreshes.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, remainingMillis(deadline), TimeUnit.MILLISECONDS)
                .thenCompose(x -> rereadsSettled(node, deadline))
                .thenApply(settled -> assemble(node, !settled));
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    /** True when this node has no re-read in flight, or they all finished before the query's deadline. */
    private CompletableFuture<Boolean> rereadsSettled(String node, long deadline) {
        NodeRereads r = rereads;
        if (r == null || !node.equals(localNode)) {
            return CompletableFuture.completedFuture(true);
        }
        List<CompletableFuture<Void>> open = r.inFlight();
        if (open.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        return CompletableFuture.allOf(open.toArray(CompletableFuture[]::new))
                .thenApply(x -> true)
                .completeOnTimeout(false, remainingMillis(deadline), TimeUnit.MILLISECONDS);
    }

    /** The time a query may take: within it, it answers (may-be-stale if it must). */
    public Duration budget() {
        return pendingWait;
    }

    /**
     * Asks the entity for its state (after any persist in flight) and hands it to the cache's
     * writer, completing once the cache holds it; failures leave the cache as it was.
     */
    private CompletableFuture<Void> refresh(String aggregateKey, long announcedSeen) {
        return VgSharding.entity(system, CacheUpdates.target(aggregateKey))
                .<VgState>ask(VolumeGroupEntity.GetState::new, pendingWait)
                .thenCompose(state -> CacheUpdates.take(system, writer, aggregateKey, state, announcedSeen))
                .toCompletableFuture()
                .handle((done, failure) -> null);
    }

    private View assemble(String node, boolean rereadsPending) {
        List<NodeReadCache.Versioned> snapshot = cache.snapshot();
        boolean stale = rereadsPending || !upToDate() || !whole.getAsBoolean()
                || snapshot.stream().anyMatch(NodeReadCache.Versioned::mayBeStale);
        ClusterView.Assembled a = views.forNode(node, snapshot);
        return new View(node, a.assembly(), a.versions(), stale);
    }

    /** The UUIDs of every VG named {@code name}, from the cluster's name index. */
    public CompletionStage<List<String>> vgUuidsNamed(String name) {
        return VgSharding.vgsNamed(system, name, pendingWait).thenApply(VgNameIndex.Listing::vgUuids);
    }

    /**
     * A report as lvm2 prints it for {@code node}; {@code vgNames} restricts it to those VGs
     * (lvm2's positional VG names), each of which must exist.
     */
    public CompletionStage<Answer> report(ReportRequest req, String node, List<String> vgNames) {
        return view(node).thenApply(view -> answer(req, view, vgNames));
    }

    /**
     * A rendered answer, the request it answered and what it was rendered from: the very assembly
     * and the VG access's configuration (identity).
     */
    private record Rendered(List<Object> request, Assembly assembly, Object accessVersion, Optional<DmState> kernel, Answer answer) {
    }

    /**
     * Most distinct requests whose last answer is kept: the few a host's tools repeat (a pvs -a
     * in JSON at 10,000 devices is megabytes, and a kept answer also keeps its assembly).
     */
    private static final int RENDERED_KEPT = 4;

    /**
     * The last answer to each of the latest requests, most recent first (an immutable list,
     * replaced whole). The shared ClusterView hands out the same assembly object while no
     * aggregate's version changed, and rendering is a pure function of request, assembly and the
     * lvm2 configuration deciding VG access, so a repeated query over an unchanged view is answered
     * with the text already made: rendering 1600 VGs took ~40 ms, most of a `vgs` at 10,000
     * devices. A selection is never kept: lvm2's times in it ("1 hour ago") move with the clock.
     */
    private final java.util.concurrent.atomic.AtomicReference<List<Rendered>> rendered = new java.util.concurrent.atomic.AtomicReference<>(List.of());

    /** Renders {@code req} over an already assembled view (pure; exposed for callers holding a view). */
    public Answer answer(ReportRequest req, View view, List<String> vgNames) {
        List<Object> key = List.of(req, List.copyOf(vgNames));
        Object accessVersion = access.version();
        // The kernel columns come from the view's host: its own read, or what it reported to the activation map.
        Optional<DmState> kernel = kernelState(view.node());
        for (Rendered kept : rendered.get()) {
            if (kept.request().equals(key) && kept.assembly() == view.assembly() && kept.accessVersion() == accessVersion
                    && kept.kernel().equals(kernel)) {
                Answer a = kept.answer();
                return new Answer(a.text(), a.report(), a.warnings(), view, a.failed());
            }
        }
        Answer fresh = render(req, view, vgNames, kernel);
        if (req.select() != null) {
            return fresh;
        }
        Rendered made = new Rendered(key, view.assembly(), accessVersion, kernel, fresh);
        rendered.updateAndGet(before -> {
            List<Rendered> after = new ArrayList<>(RENDERED_KEPT);
            after.add(made);
            for (Rendered r : before) {
                if (after.size() < RENDERED_KEPT && !r.request().equals(key)) {
                    after.add(r);
                }
            }
            return List.copyOf(after);
        });
        return fresh;
    }

    private Answer render(ReportRequest req, View view, List<String> vgNames, Optional<DmState> kernel) {
        Assembly a = view.assembly();
        List<String> warnings = new ArrayList<>(a.warnings());
        boolean failed = false;
        if (!vgNames.isEmpty()) {
            Set<String> wanted = new HashSet<>(vgNames);
            Set<String> found = new HashSet<>();
            a.vgs().forEach(v -> found.add(v.name()));
            for (String n : vgNames) {
                if (!found.contains(n)) {
                    warnings.add("Volume group \"" + n + "\" not found");
                    warnings.add("Cannot process volume group " + n);
                    failed = true;
                }
            }
            List<VgView> vgs = a.vgs().stream().filter(v -> wanted.contains(v.name())).toList();
            a = new Assembly(vgs, List.of(), List.of(), List.of(), a.warnings());
        }
        Report report;
        try {
            Fields f = view.node().equals(localNode) ? fields : remoteFields;
            report = new ReportBuilder(f.withKernel(kernel), access).build(a, req);
        } catch (ReportBuilder.BadRequest e) {
            throw new BadQuery(e.getMessage());
        }
        // A VG whose rows could not be computed is left out with lvm2's words; the rest answer.
        warnings.addAll(report.warnings());
        failed |= report.failed();
        String text = ReportRenderer.render(report, req);
        return new Answer(text, report, warnings, view, failed);
    }

    /** A request the report builder refused (unknown field, field of the wrong report type). */
    public static final class BadQuery extends RuntimeException {
        public BadQuery(String message) {
            super(message);
        }
    }
}
