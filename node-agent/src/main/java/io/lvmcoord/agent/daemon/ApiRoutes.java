package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.client.ClientCli;
import io.lvmcoord.agent.client.JsonText;
import io.lvmcoord.agent.client.ReportQuery;
import io.lvmcoord.agent.http.HttpRequest;
import io.lvmcoord.agent.http.HttpResponse;
import io.lvmcoord.agent.http.Routes;
import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.query.BoundedWarnings;
import io.lvmcoord.coordinator.query.QueryService;
import io.lvmcoord.coordinator.report.Fields;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.coordinator.report.ReportRequest;
import io.lvmcoord.coordinator.report.ReportType;
import io.lvmcoord.coordinator.vg.NodeReadCache;
import io.lvmcoord.coordinator.vg.NodeReporter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The agent's HTTP API (over the Unix socket): reports in lvm2's JSON (or basic text) shape, with
 * the view's version, staleness and lvm2's warnings in headers so the body stays exactly what
 * lvm2 prints; {@code pvscan} notifications acknowledged after persisting; {@code wait},
 * {@code watch} and {@code status}.
 */
public final class ApiRoutes {
    /** Header carrying the version of the view a report was made from. */
    public static final String VERSION = "X-Lvmcoord-Version";
    public static final String MAY_BE_STALE = "X-Lvmcoord-May-Be-Stale";
    /**
     * lvm2's warnings for the report, as a JSON array of strings (the CLI prints them on stderr):
     * the first {@code lvmcoord.query.max-warnings} of them, then a line saying how many more
     * there were, so the header stays small whatever the node's devices look like.
     */
    public static final String WARNINGS = "X-Lvmcoord-Warnings";
    /** How many warnings the report had in all (the warnings header may carry only the first ones). */
    public static final String WARNING_COUNT = "X-Lvmcoord-Warning-Count";
    /** "true" when lvm2 would exit non-zero (a named VG not found). */
    public static final String FAILED = "X-Lvmcoord-Failed";

    private final String node;
    /** Time from asking the query service for a report to its answer (lvmcoord_query_seconds). */
    private final LatencyHistogram queryLatency;
    private final QueryService query;
    private final NodeReporter reporter;
    private final ScanLoop loop;
    private final Supplier<String> status;
    private final Duration maxWait;
    /** Longest {@code timeout} a client may ask of {@code wait} (lvmcoord.agent.max-request-wait). */
    private final Duration maxRequestWait;
    private final Supplier<List<String>> nodes;
    /** Its per-version convergence memo serves watch lines too (the cache listener already computed it). */
    private final io.lvmcoord.coordinator.vg.NodeRereads rereads;
    /** Subscribes a watch to further lines (the autoactivation hook's outcomes); gives the unsubscribe. */
    private final java.util.function.Function<Consumer<String>, Runnable> moreLines;
    /** What status warns of (LVs active on several hosts that may not be), for its warnings header. */
    private final Supplier<List<String>> statusWarnings;

    /**
     * {@code nodes}: every host of the cluster by name (members and hosts with reports), for --all-nodes;
     * {@code statusWarnings}: lvm2-style lines status sends in its warnings header (the CLI prints them on stderr).
     */
    public ApiRoutes(String node, QueryService query, NodeReporter reporter, ScanLoop loop, Supplier<String> status, Duration maxWait,
                     Supplier<List<String>> nodes, io.lvmcoord.coordinator.vg.NodeRereads rereads, Duration maxRequestWait,
                     java.util.function.Function<Consumer<String>, Runnable> moreLines, Supplier<List<String>> statusWarnings,
                     LatencyHistogram queryLatency) {
        this.queryLatency = queryLatency;
        this.statusWarnings = statusWarnings;
        this.maxRequestWait = maxRequestWait;
        this.moreLines = moreLines;
        this.nodes = nodes;
        this.rereads = rereads;
        this.node = node;
        this.query = query;
        this.reporter = reporter;
        this.loop = loop;
        this.status = status;
        this.maxWait = maxWait;
    }

    public Routes routes() {
        return Routes.builder()
                .getAsync("/v1/pvs", r -> report(r, "pvs"))
                .getAsync("/v1/vgs", r -> report(r, "vgs"))
                .getAsync("/v1/lvs", r -> report(r, "lvs"))
                .getAsync("/v1/fullreport", this::fullReport)
                .postAsync("/v1/pvscan", this::pvscan)
                .getAsync("/v1/wait", this::await)
                .get("/v1/watch", this::watch)
                .get("/v1/status", r -> {
                    BoundedWarnings w = query.transportWarnings(statusWarnings.get());
                    return HttpResponse.json(200, status.get()).withHeader(WARNINGS, jsonArray(w.lines()))
                            .withHeader(WARNING_COUNT, Integer.toString(w.total()));
                })
                .build();
    }

    /**
     * A query answers within its budget (QueryService: pending-wait, one budget for all its steps,
     * may-be-stale past it); this is only the backstop for a bug there, with room for rendering.
     */
    private long answerWithinMillis() {
        return query.budget().toMillis() + RENDER_MARGIN_MILLIS;
    }

    private static final long RENDER_MARGIN_MILLIS = 5000;

    /** The API's one reading of a flag parameter (the reports' too). */
    private static boolean flag(HttpRequest r, String name) {
        return ReportQuery.flag(r.query(), name);
    }

    private static List<String> all(HttpRequest r, String name) {
        return r.query().getOrDefault(name, List.of());
    }

    /** Records how long the query service took for one host's report, answered or failed. */
    private <T> CompletionStage<T> timed(Supplier<CompletionStage<T>> ask) {
        long started = System.nanoTime();
        return ask.get().whenComplete((a, failure) -> queryLatency.record(System.nanoTime() - started));
    }

    private CompletionStage<HttpResponse> report(HttpRequest r, String command) {
        ReportQuery q;
        ReportRequest req;
        try {
            q = ReportQuery.fromUrl(command, r.query());
            req = ReportQueries.toRequest(q);
        } catch (ReportQuery.BadQuery e) {
            return now(HttpResponse.error(400, e.getMessage()));
        }
        // The positional names travel in the request: the report builder scopes them (ReportScope), with lvm2's errors.
        if (q.allNodes()) {
            return allNodes(req, List.of());
        }
        String who = q.node() != null ? q.node() : node;
        ReportType type = req.type();
        return answered(within(timed(() -> query.report(req, who, List.of())), answerWithinMillis(), "the " + type + " report"), a -> {
            HttpResponse.Complete resp = req.json() ? HttpResponse.json(200, a.text()) : HttpResponse.text(200, a.text());
            BoundedWarnings warnings = query.transportWarnings(a.warnings());
            return resp.withHeader(VERSION, Long.toString(a.view().version()))
                    .withHeader(MAY_BE_STALE, Boolean.toString(a.view().mayBeStale()))
                    .withHeader(FAILED, Boolean.toString(a.failed()))
                    .withHeader(WARNINGS, jsonArray(warnings.lines()))
                    .withHeader(WARNING_COUNT, Integer.toString(warnings.total()))
                    .withHeader("X-Lvmcoord-Node", who);
        });
    }

    /** lvm2's fullreport over this node's view (or --node's): every VG's subreports in one answer. */
    private CompletionStage<HttpResponse> fullReport(HttpRequest r) {
        ReportQuery q;
        List<ReportRequest> reqs;
        try {
            q = ReportQuery.fromUrl("fullreport", r.query());
            if (q.allNodes()) {
                throw new ReportQuery.BadQuery("fullreport answers for one node; use node=NAME");
            }
            reqs = FullReport.requests(q);
        } catch (ReportQuery.BadQuery e) {
            return now(HttpResponse.error(400, e.getMessage()));
        }
        String who = q.node() != null ? q.node() : node;
        return answered(within(query.view(who), answerWithinMillis(), "the fullreport"), view -> {
            FullReport.Result res;
            try {
                res = FullReport.render(query.reportBuilder(), view.assembly(), q, reqs);
            } catch (ReportBuilder.BadRequest e) {
                return HttpResponse.error(ClientCli.UNPROCESSABLE, e.getMessage());
            }
            List<String> warnings = new ArrayList<>(view.assembly().warnings());
            warnings.addAll(res.errors());
            HttpResponse.Complete resp = reqs.get(0).json() ? HttpResponse.json(200, res.text()) : HttpResponse.text(200, res.text());
            BoundedWarnings bounded = query.transportWarnings(warnings);
            return resp.withHeader(VERSION, Long.toString(view.version()))
                    .withHeader(MAY_BE_STALE, Boolean.toString(view.mayBeStale()))
                    .withHeader(FAILED, Boolean.toString(res.failed()))
                    .withHeader(WARNINGS, jsonArray(bounded.lines()))
                    .withHeader(WARNING_COUNT, Integer.toString(bounded.total()))
                    .withHeader("X-Lvmcoord-Node", who);
        });
    }

    /** The fields fullreport renders with (the zone is the agent's, as the one-shot reports' is). */

    private static CompletionStage<HttpResponse> now(HttpResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    /** {@code stage} within {@code millis}: the backstop for a bug below, so a request never waits forever. */
    private static <T> CompletableFuture<T> within(CompletionStage<T> stage, long millis, String what) {
        return Stages.within(stage, Duration.ofMillis(millis), what + " had no answer within " + millis + " ms");
    }

    /**
     * The answer rendered, or the error it earns: a query the request got wrong is 400, a
     * backstop timeout 503, anything else fails the stage (500, logged once by the server).
     */
    private static <T> CompletionStage<HttpResponse> answered(CompletionStage<T> stage, java.util.function.Function<T, HttpResponse> render) {
        return stage.handle((v, e) -> {
            Throwable cause = Stages.cause(e);
            if (cause == null) {
                return CompletableFuture.completedFuture(render.apply(v));
            }
            if (cause instanceof QueryService.BadQuery bq) {
                // The builder refused the request (a field lvm2 does not know): lvm2 runs and fails such a command, exit 5.
                return CompletableFuture.completedFuture((HttpResponse) HttpResponse.error(ClientCli.UNPROCESSABLE, bq.getMessage()));
            }
            if (cause instanceof TimeoutException) {
                return CompletableFuture.completedFuture((HttpResponse) HttpResponse.error(503, cause.getMessage()));
            }
            return CompletableFuture.<HttpResponse>failedFuture(cause);
        }).thenCompose(x -> x);
    }

    /**
     * The report as every host sees it: basic format prints each host's report under a
     * "Node NAME:" line; JSON gives {"nodes": {NAME: lvm2's report object}}. Warnings are prefixed
     * with the host they concern; the answer failed if any host's did. Hosts are asked together.
     */
    private CompletionStage<HttpResponse> allNodes(ReportRequest req, List<String> vgNames) {
        List<String> hosts = nodes.get();
        List<CompletableFuture<QueryService.Answer>> answers = new ArrayList<>();
        for (String host : hosts) {
            answers.add(within(timed(() -> query.report(req, host, vgNames)), answerWithinMillis(), "node " + host + "'s report"));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
        return answered(all, ignored -> {
            StringBuilder body = new StringBuilder(req.json() ? "{\"nodes\": {" : "");
            List<String> warnings = new ArrayList<>();
            boolean failed = false;
            boolean stale = false;
            long version = 0;
            for (int i = 0; i < hosts.size(); i++) {
                String host = hosts.get(i);
                QueryService.Answer a = answers.get(i).join();
                a.warnings().forEach(w -> warnings.add("node " + host + ": " + w));
                failed |= a.failed();
                stale |= a.view().mayBeStale();
                version = Math.max(version, a.view().version());
                if (req.json()) {
                    body.append(i == 0 ? "\n" : ",\n").append("  ").append(JsonText.quote(host)).append(": ").append(a.text().strip());
                } else {
                    body.append(i == 0 ? "" : "\n").append("Node ").append(host).append(":\n").append(a.text());
                }
            }
            if (req.json()) {
                body.append("\n}}\n");
            }
            HttpResponse.Complete resp = req.json() ? HttpResponse.json(200, body.toString())
                    : HttpResponse.text(200, body.toString());
            BoundedWarnings bounded = query.transportWarnings(warnings);
            return resp.withHeader(VERSION, Long.toString(version))
                    .withHeader(MAY_BE_STALE, Boolean.toString(stale))
                    .withHeader(FAILED, Boolean.toString(failed))
                    .withHeader(WARNINGS, jsonArray(bounded.lines()))
                    .withHeader(WARNING_COUNT, Integer.toString(bounded.total()));
        });
    }

    static String jsonArray(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            sb.append(i > 0 ? "," : "").append(JsonText.quote(items.get(i)));
        }
        return sb.append(']').toString();
    }

    /** {@code POST /v1/pvscan?device=D[&device=D2][&remove=1]}: answers once the outcome is persisted. */
    private CompletionStage<HttpResponse> pvscan(HttpRequest r) {
        List<String> devices = new ArrayList<>(all(r, "device"));
        boolean remove = flag(r, "remove");
        if (devices.isEmpty() && !remove && !flag(r, "all")) {
            return now(HttpResponse.error(400, "pvscan needs device=DEV (repeatable), or all=1 for a full rescan"));
        }
        for (String d : devices) {
            // lvm2 refuses a name that is no device it may use; an acknowledgement would claim a scan that read nothing.
            if (!loop.knows(d)) {
                return now(HttpResponse.error(404, "pvscan: " + JsonText.quote(d).replaceAll("\\p{Cntrl}", "?")
                        + " is not a device this agent scans (" + loop.describeSource() + ")"));
            }
        }
        long patience = maxWait.toMillis() * 10;
        CompletionStage<Void> persisted = devices.isEmpty() ? loop.rescanAll() : loop.notify(devices, remove);
        return within(persisted, patience, "pvscan of " + devices).handle((ok, e) -> {
            Throwable cause = Stages.cause(e);
            if (cause instanceof TimeoutException) {
                return now(HttpResponse.error(503, "pvscan of " + devices + " not persisted within " + patience / 1000 + " s"));
            }
            if (cause != null) {
                return now(HttpResponse.error(500, "pvscan of " + devices + " failed: " + cause.getMessage()));
            }
            return answered(within(query.view(node), answerWithinMillis(), "this node's view"), v -> HttpResponse.json(200,
                    "{\"node\": " + JsonText.quote(node) + ", \"devices\": " + jsonArray(devices) + ", \"removed\": " + remove
                            + ", \"version\": " + v.version() + "}"));
        }).thenCompose(x -> x);
    }

    /** {@code GET /v1/wait?vg=NAME&timeout=30s}: 200 when every PV of the VG is present on this node, 504 naming the missing. */
    private CompletionStage<HttpResponse> await(HttpRequest r) {
        String vg = r.queryParam("vg").orElse("");
        if (vg.isEmpty()) {
            return now(HttpResponse.error(400, "wait needs vg=NAME (or a VG UUID)"));
        }
        Duration timeout;
        try {
            timeout = io.lvmcoord.agent.client.Durations.parse(r.queryParam("timeout").orElse("30s"));
        } catch (IllegalArgumentException e) {
            return now(HttpResponse.error(400, e.getMessage()));
        }
        if (timeout.compareTo(maxRequestWait) > 0) {
            return now(HttpResponse.error(400, "wait timeout " + timeout.toSeconds() + " s is longer than this agent allows ("
                    + maxRequestWait.toSeconds() + " s, lvmcoord.agent.max-request-wait)"));
        }
        return within(reporter.waitComplete(vg, timeout), timeout.toMillis() + 5000, "wait for " + vg).handle((c, e) -> e == null
                ? HttpResponse.json(200, "{\"vg\": " + JsonText.quote(vg) + ", \"node\": " + JsonText.quote(node)
                        + ", \"complete\": " + c.complete() + "}")
                : HttpResponse.error(504, Stages.cause(e).getMessage()));
    }

    /**
     * {@code GET /v1/watch}: one JSON line per aggregate version this node's cache takes, with
     * the VGs and this node's devices it covers, and one per run of the autoactivation hook
     * ({@code {"autoactivation": {...}, "node": ...}}). A client too slow to keep up gets an
     * {@code overflow} line (and should re-query) instead of holding the agent's memory; one that
     * left is noticed at the next line or heartbeat, and its listener is dropped.
     */
    private HttpResponse watch(HttpRequest r) {
        return HttpResponse.jsonLines(sink -> {
            // Each stream's own memory of the active hosts per LV, so it says what changed since it began.
            java.util.Map<String, java.util.Map<String, List<String>>> active = new java.util.concurrent.ConcurrentHashMap<>();
            Consumer<NodeReadCache.Versioned> listener = v -> {
                sink.write(line(v));
                activationLines(v, active).forEach(sink::write);
            };
            sink.onClose(() -> query.cache().removeListener(listener));
            sink.write("{\"watching\": " + JsonText.quote(node) + "}");
            query.cache().addListener(listener);
            Runnable unsubscribe = moreLines.apply(sink::write);
            sink.onClose(unsubscribe);
            for (NodeReadCache.Versioned v : query.cache().snapshot()) {
                active.putIfAbsent(v.aggregateKey(), activeByLv(v));
            }
        });
    }

    /** The hosts each LV of a VG aggregate's state is active on (LVs active nowhere left out), by LV name. */
    private java.util.Map<String, List<String>> activeByLv(NodeReadCache.Versioned v) {
        java.util.Map<String, List<String>> out = new java.util.TreeMap<>();
        if (v.state() == null || !v.aggregateKey().startsWith("VOLUME_GROUP:") || v.state().activation().isEmpty()) {
            return out;
        }
        io.lvmcoord.coordinator.vg.DoubleActivation.newestMetadata(v.state(),
                new io.lvmcoord.scan.report.PvReports.TextParser(v.state()::text, reporter.decodeLimits())).ifPresent(vg -> {
            java.util.Set<String> named = io.lvmcoord.coordinator.vg.DoubleActivation.namedLvs(vg);
            for (io.lvmcoord.scan.metadata.LvMetadata lv : vg.lvs()) {
                List<String> hosts = io.lvmcoord.coordinator.vg.Activation.activeHosts(v.state(), lv.id());
                if (named.contains(lv.name()) && !hosts.isEmpty()) {
                    out.put(lv.name(), hosts);
                }
            }
        });
        return out;
    }

    /**
     * One line per LV whose active hosts changed with this version (activated, deactivated, on
     * another host): {@code {"activation": {...}}} with its hosts now, and whether that is a
     * double activation (see DoubleActivation).
     */
    private List<String> activationLines(NodeReadCache.Versioned v, java.util.Map<String, java.util.Map<String, List<String>>> seen) {
        if (!v.aggregateKey().startsWith("VOLUME_GROUP:") || v.state() == null) {
            return List.of();
        }
        java.util.Map<String, List<String>> now = activeByLv(v);
        java.util.Map<String, List<String>> before = seen.put(v.aggregateKey(), now);
        java.util.Set<String> lvs = new java.util.TreeSet<>(now.keySet());
        if (before != null) {
            lvs.addAll(before.keySet());
        }
        List<String> out = new ArrayList<>();
        if (lvs.isEmpty()) {
            return out;
        }
        var vg = io.lvmcoord.coordinator.vg.DoubleActivation.newestMetadata(v.state(),
                new io.lvmcoord.scan.report.PvReports.TextParser(v.state()::text, reporter.decodeLimits())).orElse(null);
        for (String lv : lvs) {
            List<String> hosts = now.getOrDefault(lv, List.of());
            if (before != null && hosts.equals(before.getOrDefault(lv, List.of()))) {
                continue;
            }
            boolean twice = vg != null && hosts.size() >= 2 && vg.lv(lv)
                    .map(m -> !io.lvmcoord.coordinator.vg.DoubleActivation.mayBeActiveOnSeveralHosts(vg, m)).orElse(false);
            out.add("{\"activation\": {\"aggregate\": " + JsonText.quote(v.aggregateKey()) + ", \"version\": " + v.version()
                    + ", \"vg\": " + JsonText.quote(vg == null ? "" : vg.name()) + ", \"lv\": " + JsonText.quote(lv)
                    + ", \"active_hosts\": " + jsonArray(hosts) + ", \"double_activation\": " + twice + "}}");
        }
        return out;
    }

    private String line(NodeReadCache.Versioned v) {
        Assembly a = io.lvmcoord.coordinator.vg.ClusterView.forNode(node, List.of(v.state()), new io.lvmcoord.coordinator.assembly.VgAssembler(),
                reporter.decodeLimits());
        StringBuilder vgs = new StringBuilder("[");
        a.vgs().forEach(g -> vgs.append(vgs.length() > 1 ? ", " : "").append("{\"name\": ").append(JsonText.quote(g.name()))
                .append(", \"uuid\": ").append(JsonText.quote(g.metadata().id())).append(", \"seqno\": ").append(g.metadata().seqno())
                .append(", \"missing_pvs\": ").append(g.missingPvCount()).append('}'));
        vgs.append(']');
        List<String> devices = new ArrayList<>(v.state().reports().getOrDefault(node, java.util.Map.of()).keySet());
        // Per-host convergence: the newest seqno each host's reports show, and whether all agree.
        io.lvmcoord.coordinator.vg.Convergence c = rereads.convergence(v.aggregateKey(), v.state());
        StringBuilder hosts = new StringBuilder("{");
        c.seqnoByHost().forEach((h, seq) -> hosts.append(hosts.length() > 1 ? ", " : "").append(JsonText.quote(h)).append(": ").append(seq));
        hosts.append('}');
        return "{\"aggregate\": " + JsonText.quote(v.aggregateKey()) + ", \"version\": " + v.version() + ", \"vgs\": " + vgs
                + ", \"devices\": " + jsonArray(devices) + ", \"nodes\": " + jsonArray(new ArrayList<>(v.state().reports().keySet()))
                + ", \"seqno_by_host\": " + hosts + ", \"converged\": " + c.converged() + "}";
    }
}
