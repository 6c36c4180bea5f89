package io.lvmcoord.agent.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.lvmcoord.agent.autoact.AutoactivationHook;
import io.lvmcoord.agent.autoact.OnVgCompleteSettings;
import io.lvmcoord.agent.client.JsonText;
import io.lvmcoord.agent.discovery.CompositeSource;
import io.lvmcoord.agent.discovery.DeviceListSource;
import io.lvmcoord.agent.discovery.DeviceSource;
import io.lvmcoord.agent.discovery.DirectorySource;
import io.lvmcoord.agent.discovery.PvNodeWatcher;
import io.lvmcoord.agent.discovery.SysfsSource;
import io.lvmcoord.agent.http.ApiSettings;
import io.lvmcoord.agent.http.HttpResponse;
import io.lvmcoord.agent.http.LoopbackHttpServer;
import io.lvmcoord.agent.http.PeerPolicy;
import io.lvmcoord.agent.http.Routes;
import io.lvmcoord.agent.http.UnixHttpServer;
import io.lvmcoord.agent.client.SocketLocation;
import io.lvmcoord.coordinator.assembly.AssemblySettings;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.coordinator.query.CacheLoader;
import io.lvmcoord.coordinator.query.QueryService;
import io.lvmcoord.coordinator.report.Fields;
import io.lvmcoord.coordinator.vg.ActivationJanitor;
import io.lvmcoord.coordinator.vg.ActivationReporter;
import io.lvmcoord.coordinator.vg.CacheUpdates;
import io.lvmcoord.coordinator.vg.ClusterView;
import io.lvmcoord.coordinator.vg.NodeReadCache;
import io.lvmcoord.coordinator.vg.NodeReporter;
import io.lvmcoord.coordinator.vg.NodeRereads;
import io.lvmcoord.coordinator.vg.VgSharding;
import io.lvmcoord.coordinator.vg.Retirement;
import io.lvmcoord.persistence.JournalCheck;
import io.lvmcoord.persistence.JournalSchema;
import io.lvmcoord.persistence.JournalSettings;
import io.lvmcoord.persistence.PrivateFiles;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.scan.DiscoverySettings;
import io.lvmcoord.scan.dm.DmRecording;
import io.lvmcoord.scan.dm.DmSource;
import io.lvmcoord.scan.dm.DmState;
import io.lvmcoord.scan.lvmconf.DeviceSelection;
import io.lvmcoord.scan.lvmconf.LvmDefaults;
import io.lvmcoord.scan.lvmconf.LvmEnvironment;
import io.lvmcoord.scan.lvmconf.VgVisibility;
import io.lvmcoord.scan.nativeio.DeviceNodes;
import io.lvmcoord.scan.metadata.VgMetadata;
import io.lvmcoord.scan.codec.CodecSettings;
import io.lvmcoord.scan.LocalScanner;
import io.lvmcoord.scan.ScanSettings;
import io.lvmcoord.scan.nativeio.LinuxNativeIo;
import io.lvmcoord.agent.systemd.Liveness;
import io.lvmcoord.agent.systemd.ServiceNotifier;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The resident node agent: one cluster member that scans this host's devices, keeps the VG
 * aggregates informed, and answers the API.
 *
 * <p>Start-up order matters for operators. The journal is read first and every aggregate's
 * state is put in the node's cache, then the API starts: from that moment queries are answered
 * from durable state (with its version) while the start-up scan runs. Only then are device
 * events and the scan loop started; the first full scan brings the view up to date.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    public static final String SYSTEM_NAME = "lvmcoord";
    /** Cluster role carrying a member's node name. */
    public static final String NODE_ROLE_PREFIX = "node:";
    /**
     * Aggregates woken at once to fill the cache at start (each recovers from the journal). More
     * than the journal's connections, so that one recovery's queries overlap another's
     * deserialization and sharding hops.
     */
    static final int CACHE_LOAD_PARALLELISM = 64;

    private final ActorSystem<Void> system;
    private final DeviceSource source;
    private final LocalScanner scanner;
    private final PvNodeWatcher watcher;
    private final ScanLoop loop;
    private final UnixHttpServer api;
    private final LoopbackHttpServer metrics;
    private final AgentStatus status;
    private final AutoactivationHook autoactivation;
    private final KernelStateWatcher kernel;
    private final ServiceNotifier notifier;

    private Agent(ActorSystem<Void> system, DeviceSource source, LocalScanner scanner, PvNodeWatcher watcher, ScanLoop loop,
                  UnixHttpServer api, LoopbackHttpServer metrics, AgentStatus status, AutoactivationHook autoactivation,
                  KernelStateWatcher kernel, ServiceNotifier notifier) {
        this.kernel = kernel;
        this.notifier = notifier;
        this.system = system;
        this.source = source;
        this.scanner = scanner;
        this.watcher = watcher;
        this.loop = loop;
        this.api = api;
        this.metrics = metrics;
        this.status = status;
        this.autoactivation = autoactivation;
    }

    /** The scan loop's view of the node's reporter. */
    private static ScanBatch.Reports reportsOf(NodeReporter reporter) {
        return new ScanBatch.Reports() {
            @Override
            public java.util.concurrent.CompletionStage<Void> report(List<io.lvmcoord.scan.codec.DeviceScan> outcomes) {
                return reporter.report(outcomes);
            }

            @Override
            public java.util.concurrent.CompletionStage<Void> forget(String device) {
                return reporter.forget(device);
            }

            @Override
            public java.util.Set<String> devices() {
                return reporter.devices();
            }

            @Override
            public long changes() {
                return reporter.changes();
            }
        };
    }

    /**
     * The agent's full configuration: {@code overrides} (command-line flags) over the operator's
     * file over the agent's Pekko defaults over every module's reference.conf, with the journal
     * wiring its profile implies and the Artery settings of {@code lvmcoord.agent.transport}.
     */
    public static Config config(Config overrides, Path configFile) {
        Config file = configFile == null ? ConfigFactory.empty() : ConfigFactory.parseFile(configFile.toFile());
        Config merged = overrides.withFallback(file).withFallback(ConfigFactory.parseResources("lvmcoord-agent.conf"))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        AgentSettings s = AgentSettings.from(merged);
        Config cluster = ConfigFactory.empty();
        if (!s.clusterHost().isBlank()) {
            cluster = cluster.withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(s.clusterHost()));
        }
        cluster = cluster.withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(s.clusterPort()));
        // The node's name travels with its membership, so any member can say which host is where.
        List<String> roles = new ArrayList<>(merged.getStringList("pekko.cluster.roles"));
        roles.add(NODE_ROLE_PREFIX + s.nodeName());
        cluster = cluster.withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles));
        cluster = cluster.withFallback(s.transport().artery().atPath("pekko.remote.artery"));
        return JournalSettings.apply(cluster.withFallback(merged));
    }

    public static Agent start(Config config) throws Exception {
        AgentSettings settings = AgentSettings.from(config);
        OnVgCompleteSettings onVgComplete = OnVgCompleteSettings.from(config);
        JournalSettings journal = JournalSettings.from(config);
        // Type=notify: systemd hears of each phase, READY=1 once the start-up scan is persisted (see the unit).
        ServiceNotifier notifier = ServiceNotifier.fromEnvironment(System.getenv());
        // The journal holds every VG's metadata and tls/ the cluster's keys: the agent's user alone reads them.
        if (PrivateFiles.ensureDirectory(journal.stateDir())) {
            LOG.warn("state directory {} was open to other users: narrowed to 0700", journal.stateDir());
        }
        // Before Pekko opens it: a damaged or lost journal is said plainly, in seconds (see JournalCheck).
        long checkStarted = System.nanoTime();
        JournalCheck.requireUsable(journal);
        long checkMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - checkStarted);
        notifier.status("journal opened (" + journal.profile() + "), joining the cluster");
        ActorSystem<Void> system = ClusterMember.start(config);
        try {
            notifier.startWatchdog(Liveness.of(system));
            // Joining takes a round trip or two with the seeds (a restarted node also waits for its old
            // incarnation's removal): it runs while the journal's schema is checked. Nothing is hosted
            // here before the shard regions start below, after the check.
            ClusterMember.join(system, settings.seeds());
            PeerLeases leases = PeerLeases.start(system, config.getDuration("lvmcoord.agent.peer-ping-interval"),
                    config.getDuration("lvmcoord.agent.peer-lease"));
            JournalSchema.ensureNow(system, journal, settings.askTimeout());
            // H2 makes its files with the umask's mode; the directory already keeps others out, this keeps a copy of it private too.
            PrivateFiles.narrowFiles(journal.stateDir());
            VgSharding.init(system);
            NodeReadCache cache = new NodeReadCache();
            ScanSettings scan = ScanSettings.from(config);
            LatencyHistogram batchLatency = new LatencyHistogram("lvmcoord_scan_batch_seconds",
                    "Time from taking a batch of dirty devices to its reports being persisted.");
            LatencyHistogram queryLatency = new LatencyHistogram("lvmcoord_query_seconds",
                    "Time the query service took to answer one host's report (pvs, vgs, lvs, ...) over the API.");
            // Re-reads go through the scan loop like pvscan notifications; the loop exists before what it
            // drives, and requests arriving before it starts wait for the start-up scan.
            ScanLoop loop = ScanLoop.spawn(system, settings, scan.limits().deadline(), batchLatency);
            NodeRereads rereads = new NodeRereads(settings.nodeName(), devices -> loop.notify(devices, false), CodecSettings.limits(config));
            // One view builder for queries and completeness checks: what one parsed, the other reuses.
            ClusterView views = new ClusterView(new VgAssembler(AssemblySettings.from(config)), CodecSettings.limits(config));
            // The node's cache actor, the cache's one writer: entities deliver to it, the reporter, queries and the
            // start-up load hand it what they read; it starts the re-reads updates call for and answers `wait`.
            var writer = CacheUpdates.subscribe(system, cache, "agent", rereads, views);
            NodeReporter reporter = new NodeReporter(system, settings.nodeName(), cache, writer, settings.askTimeout(),
                    CodecSettings.limits(config));
            DeviceSource source = sourceFor(settings, config);
            // The VGs lvm2 would show on this host (its system ID, shared VGs without lvmlockd).
            // pv_major/pv_minor of this node's own view: the device nodes on this host.
            // seg_monitor follows lvm.conf's activation/monitoring as the agent starts with it (lvm2's default: on).
            boolean monitoring = lvmConfig(source).get().map(c -> c.bool("activation/monitoring", true)).orElse(true);
            Fields fields = new Fields(ZoneId.systemDefault(), device -> DeviceNodes.numbersOf(Path.of(device))).withMonitoring(monitoring);
            ReportBuilder.VgAccess access = vgAccess(source);
            QueryService query = new QueryService(system, cache, writer, views, fields, settings.pendingWait(), access);
            query.waitForRereads(settings.nodeName(), rereads);
            // The activation map: this host's dm devices per VG go to the aggregates; every cached aggregate is
            // watched for double activations (made before the cache load, so loaded states are seen too).
            KernelStateSettings kernelSettings = KernelStateSettings.from(config);
            ActivationReporter activation = new ActivationReporter(system, settings.nodeName(), cache, writer, settings.askTimeout());
            DoubleActivationMonitor doubles = new DoubleActivationMonitor(cache, CodecSettings.limits(config));
            KernelStateWatcher kernel = new KernelStateWatcher(dmSource(kernelSettings), describe(kernelSettings),
                    kernelSettings.debounce(), kernelSettings.reconcile(), activation::kernelRead);
            // Reports of this node's view take its kernel state from here (QueryService.kernelState).
            query.kernelStateFrom(kernel::current);

            long loadStarted = System.nanoTime();
            int loaded = CacheLoader.loadAll(system, writer, settings.askTimeout(), CACHE_LOAD_PARALLELISM).toCompletableFuture()
                    .get(settings.askTimeout().toMillis() * 4, TimeUnit.MILLISECONDS);
            long loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStarted);
            reporter.adoptFromCache();
            Retirement.start(system, cache);
            ActivationJanitor.start(system, cache, kernelSettings.reconcile());
            LOG.info("node {}: {} aggregates loaded from the {} journal", settings.nodeName(), loaded, journal.profile());
            notifier.status("answering from the journal (" + loaded + " aggregates), scanning the devices: " + source.describe());

            LocalScanner scanner = LocalScanner.within(system, scan, new LinuxNativeIo());
            PvNodeWatcher watcher = settings.watchDevices() ? new PvNodeWatcher(loop::offer) : null;
            // Armed by the start-up scan below: until then the view is the journal's, not this host's now.
            AutoactivationHook autoactivation = AutoactivationHook.start(system, onVgComplete, settings.nodeName(),
                    () -> query.view(settings.nodeName()).thenApply(QueryService.View::assembly), access, lvmConfig(source), cache,
                    loop.firstFullRescan());
            AgentStatus status = new AgentStatus(system, settings, source, scanner, loop, cache, reporter, query, views, rereads,
                    batchLatency, autoactivation, kernel, activation, doubles, queryLatency);

            ApiSettings apiSettings = ApiSettings.from(config);
            ApiRoutes routes = new ApiRoutes(settings.nodeName(), query, reporter, loop, status::statusJson, settings.pendingWait(),
                    status::nodeNames, rereads, settings.maxRequestWait(), autoactivation::subscribe, status::warnings,
                    queryLatency);
            UnixHttpServer api = UnixHttpServer.start(apiSettings, routes.routes(),
                    PeerPolicy.forSystem(apiSettings, SocketLocation.currentUid()));
            LoopbackHttpServer metrics = null;
            if (apiSettings.httpPort() > 0) {
                metrics = LoopbackHttpServer.start(ApiSettings.httpBind(config), apiSettings.httpPort(), apiSettings, Routes.builder()
                        .get("/metrics", r -> status.metricsResponse())
                        .get("/health/alive", r -> HttpResponse.json(200, "{\"alive\": true}"))
                        .get("/health/ready", r -> status.healthy()
                                ? HttpResponse.json(200, "{\"ready\": true}")
                                : HttpResponse.json(503, "{\"ready\": false" + status.journalFault().map(f -> ", \"journal\": "
                                        + JsonText.quote(f)).orElse("") + "}"))
                        .build());
            }
            Agent agent = new Agent(system, source, scanner, watcher, loop, api, metrics, status, autoactivation, kernel, notifier);
            System.err.println("lvmcoord agent ready on " + api.socketPath() + " (node " + settings.nodeName() + ", "
                    + loaded + " aggregates from the journal in " + loadMillis + " ms (check " + checkMillis + " ms), devices: "
                    + source.describe() + ")");
            System.err.flush();

            // Answers from the journal are what was true when this agent last ran: flagged until its own scan is reported.
            query.staleUntil(loop.firstFullRescan());
            // Partitioned, being downed or not yet Up: nothing this node serves is known current.
            query.staleUnless(() -> ClusterMember.whole(system, leases));
            loop.start(source, scanner::scanAsync, reportsOf(reporter), watcher);
            if (source instanceof SysfsSource sysfs) {
                // dm-* uevents arrive on the block-device uevent socket the source already listens to.
                sysfs.onDeviceMapperEvent(kernel::changed);
            }
            source.start(loop::offer);
            kernel.start();
            loop.firstFullRescan().whenComplete((ok, failure) -> {
                if (failure == null) {
                    status.markReady();
                    ScanLoop.Stats st = loop.stats();
                    System.err.println("lvmcoord agent: start-up scan persisted (" + st.devicesScanned() + " devices, "
                            + st.lastBatchMillis() + " ms: " + st.lastBatchPhases() + ")");
                    // READY=1 whatever the view's counts: a view that cannot be read now must not leave systemd waiting.
                    query.view(settings.nodeName()).whenComplete((v, viewFailure) -> notifier.ready(v == null
                            ? "serving (" + st.devicesScanned() + " devices scanned; view not read: " + viewFailure + ")"
                            : "serving: " + v.assembly().vgs().size() + " VGs / "
                            + (v.assembly().vgs().stream().mapToLong(vg -> vg.pvs().size()).sum() + v.assembly().loosePvs().size())
                            + " PVs (" + st.devicesScanned() + " devices scanned)"));
                } else {
                    // It serves all the same (from the journal, marked may-be-stale) and rescans on the next event.
                    notifier.ready("serving from the journal: start-up scan failed: " + failure);
                }
            });
            return agent;
        } catch (Exception | Error e) {
            system.terminate();
            notifier.close();
            throw e;
        }
    }

    /**
     * Which VGs reports show, by lvm2's configuration on this host: with kernel discovery the
     * configuration the device source reads and rereads on change; with a device list or
     * directory, LVM_SYSTEM_DIR (default /etc/lvm) read once at start. A configuration lvm2
     * would refuse shows every VG (the device listing says what is wrong).
     */
    static ReportBuilder.VgAccess vgAccess(DeviceSource source) {
        if (source instanceof SysfsSource sysfs) {
            return new ReportBuilder.VgAccess() {
                @Override
                public VgVisibility.Decision decide(VgMetadata vg, VgVisibility.Options options) {
                    return sysfs.lvmEnvironment() instanceof LvmEnvironment.Ready r
                            ? r.environment().visibility(vg, options) : ReportBuilder.VgAccess.ALL.decide(vg, options);
                }

                /** The configuration last read: replaced whole when the watcher rereads it. */
                @Override
                public Object version() {
                    return sysfs.lvmEnvironment();
                }
            };
        }
        LvmEnvironment.Result loaded = LvmEnvironment.load(LvmDefaults.systemDir(System.getenv(LvmDefaults.SYSTEM_DIR_ENV)), null,
                DeviceSelection.Overrides.NONE, LvmEnvironment.osHost());
        if (loaded instanceof LvmEnvironment.Ready r) {
            r.environment().warnings().forEach(w -> LOG.warn("lvm2 configuration: {}", w));
            return r.environment()::visibility;
        }
        LOG.error("lvm2 configuration is invalid, every VG is shown: {}", ((LvmEnvironment.Failed) loaded).reason());
        return ReportBuilder.VgAccess.ALL;
    }

    /**
     * lvm2's configuration on this host for the autoactivation hook (its volume list, whether its
     * own event activation is on): as {@link #vgAccess}, the device source's (reread on change) or
     * LVM_SYSTEM_DIR's read once; empty while lvm2 would refuse it.
     */
    static java.util.function.Supplier<java.util.Optional<io.lvmcoord.scan.lvmconf.LvmConfig>> lvmConfig(DeviceSource source) {
        if (source instanceof SysfsSource sysfs) {
            return () -> sysfs.lvmEnvironment() instanceof LvmEnvironment.Ready r ? java.util.Optional.of(r.environment().config())
                    : java.util.Optional.empty();
        }
        LvmEnvironment.Result loaded = LvmEnvironment.load(LvmDefaults.systemDir(System.getenv(LvmDefaults.SYSTEM_DIR_ENV)), null,
                DeviceSelection.Overrides.NONE, LvmEnvironment.osHost());
        java.util.Optional<io.lvmcoord.scan.lvmconf.LvmConfig> config = loaded instanceof LvmEnvironment.Ready r
                ? java.util.Optional.of(r.environment().config()) : java.util.Optional.empty();
        return () -> config;
    }

    /** Where this host's device-mapper state is read: the live kernel, or a recording (support, tests). */
    static DmSource dmSource(KernelStateSettings k) {
        if (k.source() == KernelStateSettings.Source.RECORDING) {
            return DmRecording.source(k.recording());
        }
        return new io.lvmcoord.scan.dm.KernelDm(k.sysfsRoot());
    }

    private static String describe(KernelStateSettings k) {
        return k.source() == KernelStateSettings.Source.RECORDING ? "recording " + k.recording()
                : "kernel (device-mapper ioctls, sysfs under " + k.sysfsRoot() + ")";
    }

    private static DeviceSource sourceFor(AgentSettings settings, Config config) {
        if (!settings.devicesDirs().isEmpty()) {
            List<DeviceSource> dirs = new ArrayList<>();
            settings.devicesDirs().forEach(d -> dirs.add(new DirectorySource(d, settings.watchDevices())));
            return dirs.size() == 1 ? dirs.get(0) : new CompositeSource(dirs);
        }
        return !settings.devices().isEmpty() ? new DeviceListSource(settings.devices()) : new SysfsSource(DiscoverySettings.from(config));
    }

    public Path socketPath() {
        return api.socketPath();
    }

    public ScanLoop loop() {
        return loop;
    }

    /** Blocks until the actor system terminates (SIGTERM runs the shutdown hook, which closes the agent). */
    public void awaitTermination() throws Exception {
        system.getWhenTerminated().toCompletableFuture().get();
    }

    /** Waits up to {@code limit} for the actor system to terminate; true once it has. */
    public boolean awaitTermination(java.time.Duration limit) throws InterruptedException {
        try {
            system.getWhenTerminated().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    /**
     * Why the node's actor system ended, when it was not this process's own stop (SIGTERM, stdin
     * closed, close()): the cluster downed this node (split brain resolver, a pause longer than
     * the failure detector, an operator's down), it was asked to leave, or Pekko gave up on it
     * (a join that never succeeded, ...). Empty after a stop of its own.
     */
    public java.util.Optional<String> removedFromCluster() {
        return CoordinatedShutdown.get(system).getShutdownReason()
                // Our own stops: SIGTERM (the JVM's exit) and close() (which terminates the actor system).
                .filter(r -> !(r instanceof CoordinatedShutdown.JvmExitReason$) && !(r instanceof CoordinatedShutdown.ActorSystemTerminateReason$))
                .map(r -> r instanceof CoordinatedShutdown.ClusterDowningReason$ ? "downed by the cluster"
                        : r instanceof CoordinatedShutdown.ClusterLeavingReason$ ? "removed from the cluster"
                        : "stopped by the cluster (" + r.getClass().getSimpleName().replace("$", "") + ")");
    }

    @Override
    public void close() {
        notifier.stopping("leaving the cluster");
        closeQuietly(autoactivation);
        closeQuietly(api);
        closeQuietly(metrics);
        loop.close();
        kernel.close();
        closeQuietly(source);
        if (watcher != null) {
            watcher.close();
        }
        scanner.close();
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("actor system did not terminate within 20 s: {}", e.toString());
        }
        notifier.close();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // Shutting down: report and go on closing the rest.
            LOG.warn("closing {}: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
