package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.client.JsonText;
import io.lvmcoord.agent.discovery.DeviceSource;
import io.lvmcoord.coordinator.query.QueryService;
import io.lvmcoord.coordinator.vg.ClusterView;
import io.lvmcoord.coordinator.vg.NodeReadCache;
import io.lvmcoord.coordinator.vg.NodeReporter;
import io.lvmcoord.coordinator.vg.NodeRereads;
import io.lvmcoord.persistence.JournalGuard;
import io.lvmcoord.scan.LocalScanner;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the agent says about itself: {@code GET /v1/status} (JSON), {@code /metrics} (Prometheus
 * text, {@link AgentMetrics}), the host names for {@code --all-nodes} and readiness. Read-only views over the node's
 * components, made before the API that serves them.
 */
final class AgentStatus {
    private final ActorSystem<Void> system;
    private final AgentSettings settings;
    private final DeviceSource source;
    private final LocalScanner scanner;
    private final ScanLoop loop;
    private final NodeReadCache cache;
    private final NodeReporter reporter;
    private final QueryService query;
    private final ClusterView views;
    private final NodeRereads rereads;
    private final AgentMetrics metrics;
    private final io.lvmcoord.agent.autoact.AutoactivationHook autoactivation;
    private final KernelStateWatcher kernel;
    private final io.lvmcoord.coordinator.vg.ActivationReporter activation;
    private final DoubleActivationMonitor doubles;
    private final long startedNanos = System.nanoTime();
    /** The start-up scan is persisted: what /health/ready and status call ready. */
    private volatile boolean ready;

    AgentStatus(ActorSystem<Void> system, AgentSettings settings, DeviceSource source, LocalScanner scanner, ScanLoop loop,
                NodeReadCache cache, NodeReporter reporter, QueryService query, ClusterView views, NodeRereads rereads,
                LatencyHistogram batchLatency, io.lvmcoord.agent.autoact.AutoactivationHook autoactivation, KernelStateWatcher kernel,
                io.lvmcoord.coordinator.vg.ActivationReporter activation, DoubleActivationMonitor doubles, LatencyHistogram queryLatency) {
        this.kernel = kernel;
        this.activation = activation;
        this.doubles = doubles;
        this.system = system;
        this.settings = settings;
        this.source = source;
        this.scanner = scanner;
        this.loop = loop;
        this.cache = cache;
        this.reporter = reporter;
        this.query = query;
        this.views = views;
        this.rereads = rereads;
        this.metrics = new AgentMetrics(new AgentMetrics.Sources(system, settings.nodeName(), loop, scanner, () -> reporter.devices().size(),
                cache, views, rereads, kernel, activation, doubles, settings.askTimeout()), batchLatency, queryLatency,
                BuildVersion.current());
        this.autoactivation = autoactivation;
    }

    void markReady() {
        ready = true;
    }

    /** Ready and durable: the start-up scan is persisted and the journal still takes writes. */
    boolean healthy() {
        return ready && journalFault().isEmpty();
    }

    String statusJson() {
        Cluster cluster = Cluster.get(system);
        ClusterStatus cs = ClusterStatus.of(system, settings.askTimeout().compareTo(java.time.Duration.ofSeconds(2)) < 0
                ? settings.askTimeout() : java.time.Duration.ofSeconds(2));
        NodeRereads.Stats rr = rereads.stats();
        ScanLoop.Stats s = loop.stats();
        var io = scanner.scheduler().stats();
        QueryService.View view = query.view(settings.nodeName()).toCompletableFuture().getNow(null);
        long pvs = view == null ? -1 : view.assembly().vgs().stream().mapToLong(v -> v.pvs().size()).sum() + view.assembly().loosePvs().size();
        return "{\"node\": " + JsonText.quote(settings.nodeName())
                + ", \"self\": " + JsonText.quote(cluster.selfMember().address().toString())
                + ", \"up\": " + (cluster.selfMember().status() == MemberStatus.up())
                + ", \"ready\": " + ready
                + ", \"journal\": {\"durable\": " + journalFault().isEmpty()
                + journalFault().map(f -> ", \"fault\": " + JsonText.quote(f)).orElse("") + "}"
                + ", \"uptime_seconds\": " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos)
                + ", \"members\": " + cs.membersJson()
                + ", \"shards\": " + cs.shardsJson()
                + ", \"vgs\": " + cs.vgsJson(cache.snapshot(), rereads, views)
                + ", \"autoactivation\": " + autoactivation.statusJson()
                + ", \"rereads\": {\"requested\": " + rr.requested() + ", \"batches\": " + rr.batches() + ", \"devices\": "
                + rr.devices() + "}"
                + ", \"engine\": " + JsonText.quote(scanner.scheduler().engineName())
                + ", \"devices\": {\"source\": " + JsonText.quote(source.describe()) + ", \"held\": " + reporter.devices().size()
                + ", \"pv_nodes_watched\": " + s.watchedPvNodes() + ", \"faults\": " + s.faults() + "}"
                + ", \"view\": {\"version\": " + (view == null ? -1 : view.version()) + ", \"may_be_stale\": "
                + (view != null && view.mayBeStale()) + ", \"vgs\": " + (view == null ? -1 : view.assembly().vgs().size())
                + ", \"pvs\": " + pvs + ", \"aggregates_cached\": " + cache.size() + "}"
                + ", \"scan\": {\"batches\": " + s.batches() + ", \"devices_scanned\": " + s.devicesScanned() + ", \"full_rescans\": "
                + s.fullRescans() + ", \"last_batch_ms\": " + s.lastBatchMillis() + ", \"last_batch_phases_ms\": {\"list\": "
                + s.lastBatchPhases().listMillis() + ", \"read_decode\": " + s.lastBatchPhases().scanMillis() + ", \"report\": "
                + s.lastBatchPhases().reportMillis() + "}, \"reconcile_interval_ms\": "
                + s.reconcileIntervalMillis() + ", \"reads\": " + io.reads() + ", \"bytes_read\": " + io.bytesRead() + ", \"timeouts\": "
                + io.timeouts() + ", \"io_errors\": " + io.errors() + "}"
                + ", \"kernel_state\": " + kernelStateJson()
                + ", \"double_activations\": " + doubleActivationsJson()
                + ", \"queues\": {\"pending_devices\": " + s.pendingDevices() + ", \"events\": " + s.events() + ", \"coalesced\": "
                + s.coalesced() + ", \"io_in_flight\": " + io.inFlightIos() + ", \"io_queued\": " + io.queued() + "}}";
    }

    /** This host's device-mapper state as last read, and this node's reports of it to the activation map. */
    private String kernelStateJson() {
        KernelStateWatcher.Stats k = kernel.stats();
        return "{\"source\": " + JsonText.quote(kernel.describe()) + ", \"driver_version\": " + JsonText.quote(k.driverVersion())
                + ", \"devices\": " + k.devices() + ", \"reads\": " + k.reads() + ", \"read_failures\": " + k.failures()
                + (k.lastFailure() == null ? "" : ", \"last_failure\": " + JsonText.quote(k.lastFailure()))
                + ", \"incarnation\": " + activation.incarnation() + ", \"activation_reports\": " + activation.sent()
                + ", \"activation_reports_failed\": " + activation.failed() + "}";
    }

    /** LVs active on several hosts that may not be, with the words status prints on stderr. */
    private String doubleActivationsJson() {
        StringBuilder out = new StringBuilder("[");
        for (var w : doubles.warnings()) {
            out.append(out.length() > 1 ? ", " : "").append("{\"vg\": ").append(JsonText.quote(w.vg())).append(", \"lv\": ")
                    .append(JsonText.quote(w.lv())).append(", \"hosts\": ").append(ApiRoutes.jsonArray(w.hosts())).append(", \"text\": ")
                    .append(JsonText.quote(w.text())).append('}');
        }
        return out.append(']').toString();
    }

    /** The status warnings header's lines, lvm2-worded: one per double activation. */
    List<String> warnings() {
        return doubles.warnings().stream().map(w -> "WARNING: " + w.text() + ".").toList();
    }

    /** Why this node's journal no longer makes writes durable, if it does not (see JournalGuard). */
    java.util.Optional<String> journalFault() {
        return JournalGuard.get(system).fault();
    }

    /** Every host by name: cluster members (their node role) and hosts the cached aggregates hold reports of. */
    List<String> nodeNames() {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        names.add(settings.nodeName());
        Cluster.get(system).state().getMembers().forEach(m -> {
            String n = ClusterStatus.nodeOf(m);
            if (!n.isEmpty()) {
                names.add(n);
            }
        });
        for (NodeReadCache.Versioned v : cache.snapshot()) {
            if (v.state() != null) {
                names.addAll(v.state().reports().keySet());
            }
        }
        return List.copyOf(names);
    }

    /** {@code /metrics}: the Prometheus text of the agent's registry (see {@link AgentMetrics}). */
    String metricsText() {
        return metrics.scrape();
    }

    /** {@code GET /metrics}: {@link #metricsText()} with the text format's content type (version 0.0.4). */
    io.lvmcoord.agent.http.HttpResponse metricsResponse() {
        return new io.lvmcoord.agent.http.HttpResponse.Complete(200, metrics.contentType(), java.util.Map.of(),
                metricsText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

}
