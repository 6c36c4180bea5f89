package io.lvmcoord.agent.daemon;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.coordinator.report.LvRelations;
import io.lvmcoord.coordinator.vg.CacheUpdates;
import io.lvmcoord.coordinator.vg.ClusterView;
import io.lvmcoord.coordinator.vg.Completeness;
import io.lvmcoord.coordinator.vg.NodeReadCache;
import io.lvmcoord.coordinator.vg.NodeRereads;
import io.lvmcoord.coordinator.vg.ReportRouting;
import io.lvmcoord.coordinator.vg.VgSharding;
import io.lvmcoord.scan.LocalScanner;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The agent's {@code /metrics}: one Prometheus registry holding the JVM and process collectors,
 * the scan and query latency histograms, and callbacks that read the node's components when
 * scraped. Nothing here is updated as the node works: every gauge and counter is read at scrape
 * time from state the components keep anyway, so metrics cost the scan and query paths nothing.
 *
 * <p>The per-VG gauges come from this node's view as {@code vgs} answers it (the cache's
 * snapshot assembled by the shared {@link ClusterView}, which hands back its last view while
 * nothing changed), without the query's refresh of entities: a scrape never waits on the
 * cluster. The view's VG rows are remembered per assembly, so a scrape of an unchanged node
 * recomputes only convergence.
 */
final class AgentMetrics {
    /** Entity types whose shards this node may host, by the name their shards are counted under. */
    private static final List<EntityTypeKey<?>> ENTITY_TYPES = List.of(VgSharding.TYPE_KEY, VgSharding.DIRECTORY_KEY,
            VgSharding.NAME_INDEX_KEY);
    private static final List<MemberStatus> MEMBER_STATUSES = List.of(MemberStatus.joining(), MemberStatus.weaklyUp(),
            MemberStatus.up(), MemberStatus.leaving(), MemberStatus.exiting(), MemberStatus.down(), MemberStatus.removed());

    /** What scrapes read: the node's components (read-only). */
    record Sources(ActorSystem<Void> system, String node, ScanLoop loop, LocalScanner scanner, Supplier<Integer> devices,
                   NodeReadCache cache, ClusterView views, NodeRereads rereads, KernelStateWatcher kernel,
                   io.lvmcoord.coordinator.vg.ActivationReporter activation, DoubleActivationMonitor doubles,
                   Duration askTimeout) {
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    AgentMetrics(Sources s, LatencyHistogram scanLatency, LatencyHistogram queryLatency, String version) {
        JvmMetrics.builder().register(registry);
        registry.register(scanLatency.collector());
        registry.register(queryLatency.collector());
        Info.builder().name("lvmcoord_build_info").help("The agent's version; always 1.").labelNames("version").register(registry)
                .addLabelValues(version);
        VgCollector vgs = new VgCollector(s);
        registry.register(vgs);

        gauge("lvmcoord_devices", "Devices this node holds reports of.", x -> s.devices().get());
        gauge("lvmcoord_vgs", "VGs in this node's view.", x -> vgs.current().rows().size());
        gauge("lvmcoord_pvs", "PVs present on this host in its view: PVs of its VGs found here, and PVs outside any VG.",
                x -> vgs.current().presentPvs());
        gauge("lvmcoord_pending_devices", "Devices waiting to be scanned.", x -> s.loop().stats().pendingDevices());
        gauge("lvmcoord_io_in_flight", "I/Os issued and not completed.", x -> s.scanner().scheduler().stats().inFlightIos());
        gauge("lvmcoord_io_queued", "I/Os waiting for the in-flight limits.", x -> s.scanner().scheduler().stats().queued());
        gauge("lvmcoord_kernel_dm_devices", "Device-mapper devices on this host at the last read of its kernel state.",
                x -> s.kernel().stats().devices());
        gauge("lvmcoord_double_activated_lvs", "LVs active on several hosts now that may be active on one only (any VG of the cluster).",
                x -> s.doubles().warnings().size());
        gauge("lvmcoord_view_version", "Version of this node's view (sum of aggregate versions).", 
                x -> s.views().forNode(s.node(), s.cache().snapshot()).versions().values().stream().mapToLong(Long::longValue).sum());

        counter("lvmcoord_device_faults", "Scans that ended in a device fault (I/O error or timeout).", x -> s.loop().stats().faults());
        counter("lvmcoord_scan_devices", "Device scans done.", x -> s.loop().stats().devicesScanned());
        counter("lvmcoord_full_rescans", "Full rescans (start-up, reconcile, lost events).", x -> s.loop().stats().fullRescans());
        counter("lvmcoord_io_timeouts", "I/Os that passed their deadline.", x -> s.scanner().scheduler().stats().timeouts());
        counter("lvmcoord_kernel_state_read_failures", "Reads of this host's device-mapper state that failed (the last good one was kept).",
                x -> s.kernel().stats().failures());
        counter("lvmcoord_double_activations", "Double activations warned of since start (each LV and host set once).",
                x -> s.doubles().loggedTotal());
        counter("lvmcoord_rereads", "Re-reads of this host's devices requested (a host behind a VG's newest seqno).",
                x -> s.rereads().stats().requested());
        counter("lvmcoord_reread_devices", "Devices re-read on request.", x -> s.rereads().stats().devices());

        CounterWithCallback.builder().name("lvmcoord_faults").help("Faults by kind: device_scan (a scan ended in a device fault), "
                        + "io_timeout, io_error, kernel_state_read (device-mapper state), activation_report (to the activation map).")
                .labelNames("kind").callback(cb -> {
                    var io = s.scanner().scheduler().stats();
                    cb.call(s.loop().stats().faults(), "device_scan");
                    cb.call(io.timeouts(), "io_timeout");
                    cb.call(io.errors(), "io_error");
                    cb.call(s.kernel().stats().failures(), "kernel_state_read");
                    cb.call(s.activation().failed(), "activation_report");
                }).register(registry);
        GaugeWithCallback.builder().name("lvmcoord_cluster_members").help("Cluster members by status, as this node sees them.")
                .labelNames("status").callback(cb -> {
                    Map<MemberStatus, Integer> counts = new LinkedHashMap<>();
                    MEMBER_STATUSES.forEach(st -> counts.put(st, 0));
                    for (Member m : Cluster.get(s.system()).state().getMembers()) {
                        counts.merge(m.status(), 1, Integer::sum);
                    }
                    counts.forEach((st, n) -> cb.call(n, statusName(st)));
                }).register(registry);
        gauge("lvmcoord_cluster_unreachable_members", "Members this node's failure detector marks unreachable.",
                x -> Cluster.get(s.system()).state().getUnreachable().size());
        GaugeWithCallback.builder().name("lvmcoord_entity_shards").help("Shards hosted on this node, per entity type.")
                .labelNames("entity_type").callback(cb -> localShards(s).forEach((type, st) -> cb.call(st.getShards().size(), type)))
                .register(registry);
        GaugeWithCallback.builder().name("lvmcoord_entities").help("Entities running on this node, per entity type.")
                .labelNames("entity_type").callback(cb -> localShards(s).forEach((type, st) -> cb.call(
                        st.getShards().stream().mapToInt(sh -> sh.getEntityIds().size()).sum(), type)))
                .register(registry);
    }

    /** The registry in Prometheus' text format (version 0.0.4). */
    String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("writing the metrics text to memory", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    String contentType() {
        return writer.getContentType();
    }

    private void gauge(String name, String help, ToDoubleFunction<Void> read) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(read.applyAsDouble(null))).register(registry);
    }

    private void counter(String name, String help, ToDoubleFunction<Void> read) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(read.applyAsDouble(null))).register(registry);
    }

    private static String statusName(MemberStatus s) {
        // Pekko's names (Up, WeaklyUp, PreparingForShutdown) as Prometheus label values: up, weakly_up, preparing_for_shutdown.
        return s.toString().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * This node's shard regions, asked together and waited for within the node's ask timeout
     * (capped at 2 s, as status caps its cluster questions); a region that does not answer is left out.
     */
    private static Map<String, ShardRegion.CurrentShardRegionState> localShards(Sources s) {
        Duration timeout = s.askTimeout().compareTo(Duration.ofSeconds(2)) < 0 ? s.askTimeout() : Duration.ofSeconds(2);
        Map<String, CompletableFuture<ShardRegion.CurrentShardRegionState>> asks = new LinkedHashMap<>();
        for (EntityTypeKey<?> key : ENTITY_TYPES) {
            asks.put(key.name(), AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                    ClusterSharding.get(s.system()).shardState(), replyTo -> new GetShardRegionState(key, replyTo), timeout,
                    s.system().scheduler()).toCompletableFuture());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, ShardRegion.CurrentShardRegionState> out = new LinkedHashMap<>();
        asks.forEach((type, ask) -> {
            try {
                out.put(type, ask.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (Exception e) {
                // Not hosted here yet, or the region is busy: no sample rather than a scrape held up.
            }
        });
        return out;
    }

    /** One VG of this node's view, as its gauges show it. */
    record VgRow(String name, String uuid, String aggregateKey, long sizeBytes, long freeBytes, long extentSizeBytes,
                 long extentCount, long freeExtents, long pvCount, long missingPvCount, boolean complete, long seqno, long lvCount) {
    }

    /** This node's view reduced to what its gauges need, remembered for the assembly it came from. */
    record ViewRows(Assembly assembly, List<VgRow> rows, long presentPvs) {
        static final ViewRows EMPTY = new ViewRows(null, List.of(), 0);
    }

    /**
     * The per-VG gauges: built at scrape time from this node's view; values as {@code vgs -o all}
     * prints them with {@code --units b}.
     */
    static final class VgCollector implements MultiCollector {
        private final Sources s;
        private volatile ViewRows last = ViewRows.EMPTY;

        VgCollector(Sources s) {
            this.s = s;
        }

        /** This node's view now, from the cache (the view builder returns its last one while nothing changed). */
        ViewRows current() {
            List<NodeReadCache.Versioned> snapshot = s.cache().snapshot();
            Assembly a = s.views().forNode(s.node(), snapshot).assembly();
            ViewRows before = last;
            if (before.assembly() == a) {
                return before;
            }
            Map<String, String> keyByUuid = new HashMap<>();
            for (NodeReadCache.Versioned v : snapshot) {
                var target = CacheUpdates.target(v.aggregateKey());
                if (target.kind() == ReportRouting.Target.Kind.VOLUME_GROUP) {
                    keyByUuid.put(target.id(), v.aggregateKey());
                }
            }
            // One series per VG UUID: a second VG with a UUID already seen (lvm2 shows one) would repeat its labels.
            Map<String, VgView> byUuid = new LinkedHashMap<>();
            a.vgs().forEach(vg -> byUuid.putIfAbsent(vg.metadata().id(), vg));
            ViewRows made = new ViewRows(a, byUuid.values().stream().map(vg -> row(vg, keyByUuid.get(vg.metadata().id()))).toList(),
                    a.vgs().stream().mapToLong(vg -> vg.pvs().size() - vg.missingPvCount()).sum() + a.loosePvs().size());
            last = made;
            return made;
        }

        static VgRow row(VgView vg, String aggregateKey) {
            LvRelations relations = new LvRelations(vg);
            LvRelations.VgTotals totals = relations.totals();
            long extentBytes = Math.multiplyExact(vg.metadata().extentSize(), 512L);
            return new VgRow(vg.name(), vg.metadata().id(), aggregateKey, Math.multiplyExact(totals.extentCount(), extentBytes),
                    Math.multiplyExact(totals.freeCount(), extentBytes), extentBytes, totals.extentCount(), totals.freeCount(),
                    vg.pvs().size(), totals.missingPvCount(), Completeness.of(vg, vg.metadata().id()).complete(),
                    vg.metadata().seqno(), relations.visibleLvCount());
        }

        @Override
        public MetricSnapshots collect() {
            List<VgRow> rows = current().rows();
            // Convergence follows every host's reports, not only this view's assembly: read now (remembered per version).
            java.util.Set<String> keys = new java.util.HashSet<>();
            rows.forEach(r -> keys.add(r.aggregateKey()));
            Map<String, Boolean> converged = new HashMap<>();
            for (NodeReadCache.Versioned v : s.cache().snapshot()) {
                if (v.state() != null && keys.contains(v.aggregateKey())) {
                    converged.put(v.aggregateKey(), !s.rereads().convergence(v.aggregateKey(), v.state()).behind().containsKey(s.node()));
                }
            }
            List<MetricSnapshot> out = new ArrayList<>();
            out.add(vgGauge("lvmcoord_vg_size_bytes", "VG size (vgs vg_size).", rows, VgRow::sizeBytes));
            out.add(vgGauge("lvmcoord_vg_free_bytes", "VG free space (vgs vg_free).", rows, VgRow::freeBytes));
            out.add(vgGauge("lvmcoord_vg_extent_size_bytes", "Physical extent size (vgs vg_extent_size).", rows, VgRow::extentSizeBytes));
            out.add(vgGauge("lvmcoord_vg_extents", "Physical extents (vgs vg_extent_count).", rows, VgRow::extentCount));
            out.add(vgGauge("lvmcoord_vg_free_extents", "Free physical extents (vgs vg_free_count).", rows, VgRow::freeExtents));
            out.add(vgGauge("lvmcoord_vg_pvs", "PVs the VG's metadata lists (vgs pv_count).", rows, VgRow::pvCount));
            out.add(vgGauge("lvmcoord_vg_missing_pvs", "PVs of the VG not found on this host (vgs vg_missing_pv_count).", rows,
                    VgRow::missingPvCount));
            out.add(vgGauge("lvmcoord_vg_complete", "1 when every PV of the VG is present on this host.", rows,
                    r -> r.complete() ? 1 : 0));
            out.add(vgGauge("lvmcoord_vg_seqno", "Metadata sequence number of the copy this host uses (vgs vg_seqno).", rows,
                    VgRow::seqno));
            out.add(vgGauge("lvmcoord_vg_converged", "1 when this host's devices show the VG's newest metadata any host reported.",
                    rows, r -> r.aggregateKey() == null || converged.getOrDefault(r.aggregateKey(), true) ? 1 : 0));
            out.add(vgGauge("lvmcoord_vg_lvs", "Visible LVs of the VG (vgs lv_count).", rows, VgRow::lvCount));
            return new MetricSnapshots(out);
        }

        @Override
        public List<String> getPrometheusNames() {
            return List.of("lvmcoord_vg_size_bytes", "lvmcoord_vg_free_bytes", "lvmcoord_vg_extent_size_bytes", "lvmcoord_vg_extents",
                    "lvmcoord_vg_free_extents", "lvmcoord_vg_pvs", "lvmcoord_vg_missing_pvs", "lvmcoord_vg_complete", "lvmcoord_vg_seqno",
                    "lvmcoord_vg_converged", "lvmcoord_vg_lvs");
        }

        private static GaugeSnapshot vgGauge(String name, String help, List<VgRow> rows, ToDoubleFunction<VgRow> value) {
            GaugeSnapshot.Builder g = GaugeSnapshot.builder().name(name).help(help);
            for (VgRow r : rows) {
                g.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("vg", r.name(), "vg_uuid", r.uuid()))
                        .value(value.applyAsDouble(r)).build());
            }
            return g.build();
        }
    }
}
