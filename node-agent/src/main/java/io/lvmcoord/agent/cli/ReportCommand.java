package io.lvmcoord.agent.cli;

import io.lvmcoord.agent.client.ReportQuery;
import io.lvmcoord.agent.daemon.ReportQueries;
import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.AssemblySettings;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.coordinator.report.Fields;
import io.lvmcoord.coordinator.report.Report;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.coordinator.report.ReportRenderer;
import io.lvmcoord.coordinator.report.ReportRequest;
import com.typesafe.config.Config;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.nativeio.NativeIoException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pvs}, {@code vgs} and {@code lvs} with lvm2's flags. In direct mode
 * ({@code --devices}) the listed devices are decoded here, assembled with lvm2's rules and
 * printed; stdout carries only the report, warnings go to stderr in lvm2's words.
 */
abstract class ReportCommand implements Callable<Integer> {
    /** lvm2's exit code for a failed command (ECMD_FAILED). */
    static final int EXIT_FAILED = ReportQuery.EXIT_FAILED;
    /** lvm2's exit code for a bad command line (EINVALID_CMD_LINE). */
    static final int EXIT_USAGE = ReportQuery.EXIT_USAGE;

    @Spec
    CommandSpec spec;

    @Option(names = "--devices", paramLabel = "D1,D2,...", split = ",",
            description = "Read exactly these devices or image files (direct mode, no agent). Repeatable. "
                    + "Gzipped images (*.gz) are inflated to a temporary file. Without it, the running agent answers.")
    List<String> devices = new ArrayList<>();

    @Option(names = {"-o", "--options"}, paramLabel = "FIELDS",
            description = "Fields to show, comma-separated; '+f' adds to and '-f' removes from the defaults. Repeatable.")
    List<String> options = new ArrayList<>();

    @Option(names = {"-O", "--sort"}, paramLabel = "FIELDS", description = "Sort keys; prefix '-' for descending.")
    List<String> sort = new ArrayList<>();

    @Option(names = "--reportformat", paramLabel = "basic|json", description = "Output format (default: basic).")
    String reportFormat = "basic";

    @Option(names = "--units", paramLabel = "UNIT",
            description = "Size units: r (default: human, '<' marks rounding), h, H, b, s, k, m, g, t, p, e; upper case K..E are powers of 1000.")
    String units;

    @Option(names = "--nosuffix", description = "Omit the unit suffix (not for human units, as in lvm2).")
    boolean nosuffix;

    @Option(names = "--noheadings", description = "Omit the heading line (basic format).")
    boolean noHeadings;

    @Option(names = "--separator", paramLabel = "SEP", description = "Join fields with SEP instead of aligning columns.")
    String separator;

    @Option(names = "--aligned", description = "Align columns even with --separator.")
    boolean aligned;

    @Option(names = "--binary", description = "Print 0/1 instead of words for yes/no fields.")
    boolean binary;

    @Option(names = "--socket", paramLabel = "PATH", description = "The agent's socket, when it answers (no --devices).")
    java.nio.file.Path socket;

    @Option(names = "--node", paramLabel = "N", description = "Report as node N sees it (agent mode; default: the agent's node).")
    String node;

    @Option(names = "--all-nodes", description = "Report as every node of the cluster sees it: each node's report under a "
            + "\"Node N:\" line (JSON: {\"nodes\": {N: report}}); warnings name their node (agent mode).")
    boolean allNodes;

    @picocli.CommandLine.Parameters(paramLabel = "VG", arity = "0..*", description = "Only these VGs (agent mode).")
    List<String> vgNames = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    PrintStream out;
    PrintStream err;

    @Override
    public Integer call() {
        if (devices.isEmpty()) {
            // Without --devices the running agent answers; the same client code as the fast entry point.
            List<String> argv = new ArrayList<>();
            argv.add(spec.name());
            argv.addAll(ownArgs());
            return io.lvmcoord.agent.client.ClientCli.run(argv.toArray(String[]::new), out, err);
        }
        // picocli checked the flags and serves --help; the request itself is read by the one parser all paths share.
        ReportQuery query;
        ReportRequest req;
        try {
            query = ReportQuery.fromArgs(spec.name(), ownArgs());
            req = ReportQueries.toRequest(query);
        } catch (ReportQuery.BadQuery e) {
            err.println("  " + spec.name() + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        ReportRequest.Format format = req.format();

        CliScanning.Outcome scanned;
        try {
            scanned = CliScanning.scan(query.devices(), null, null);
        } catch (IOException | NativeIoException e) {
            err.println("  Cannot scan: " + e.getMessage());
            return EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        }
        Config config = CliScanning.config();
        List<DeviceScan> scans = scanned.scans();
        boolean failed = !scanned.unopenable().isEmpty() || scans.stream().anyMatch(s -> s instanceof DeviceScan.DeviceFault);
        Assembly assembly = new VgAssembler(AssemblySettings.from(config)).assemble(scans);
        Report report;
        try {
            report = new ReportBuilder(new Fields(ZoneId.systemDefault())).build(assembly, req);
        } catch (ReportBuilder.BadRequest e) {
            err.println("  " + e.getMessage());
            return EXIT_USAGE;
        }
        for (String w : scanned.unopenable()) {
            err.println("  WARNING: " + w);
        }
        for (String w : assembly.warnings()) {
            err.println("  " + w);
        }
        // A VG whose rows could not be computed is left out in lvm2's words, and fails the command as in lvm2.
        for (String w : report.warnings()) {
            err.println("  " + w);
        }
        failed |= report.failed();
        out.print(format == ReportRequest.Format.JSON ? ReportRenderer.json(report)
                : ReportRenderer.basic(report, req.headings(), req.separator(), req.aligned()));
        out.flush();
        return failed ? EXIT_FAILED : 0;
    }

    /** This command's arguments: picocli's original arguments are the whole command line, the command's name included. */
    private List<String> ownArgs() {
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        int at = all.indexOf(spec.name());
        return at < 0 ? all : all.subList(at + 1, all.size());
    }
}
