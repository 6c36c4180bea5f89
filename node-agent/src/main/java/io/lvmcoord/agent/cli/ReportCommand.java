package io.lvmcoord.agent.cli;

import io.lvmcoord.agent.client.ReportQuery;
import io.lvmcoord.agent.client.VersionText;
import io.lvmcoord.agent.daemon.FullReport;
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
import io.lvmcoord.scan.dm.DmRecording;
import io.lvmcoord.scan.dm.DmState;
import io.lvmcoord.scan.dm.KernelDm;
import io.lvmcoord.scan.lvmconf.DeviceSelection;
import io.lvmcoord.scan.lvmconf.LvmDefaults;
import io.lvmcoord.scan.lvmconf.LvmEnvironment;
import io.lvmcoord.scan.nativeio.DeviceNodes;
import io.lvmcoord.scan.nativeio.NativeIoException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
            description = "Fields to show, comma-separated; '+f' adds to and '-f' removes from the defaults; 'all' (or lv_all, "
                    + "pv_all, vg_all, seg_all, pvseg_all) for every field; 'help' lists them all, with their meaning. Repeatable.")
    List<String> options = new ArrayList<>();

    @Option(names = {"-O", "--sort"}, paramLabel = "FIELDS", description = "Sort keys; prefix '-' for descending.")
    List<String> sort = new ArrayList<>();

    @Option(names = "--reportformat", paramLabel = "basic|json|json_std",
            description = "Output format (default: basic). json_std is lvm2 2.03.17's: numbers as JSON numbers, lists as arrays.")
    String reportFormat = "basic";

    @Option(names = "--units", paramLabel = "[N]UNIT",
            description = "Size units: r (default: human, '<' marks rounding), h, H, b, s, k, m, g, t, p, e; upper case K..E are "
                    + "powers of 1000. A number before the letter (4k, 3m) divides by that many units and prints the suffix U.")
    String units;

    @Option(names = "--nosuffix", description = "Omit the unit suffix (not for human units, as in lvm2).")
    boolean nosuffix;

    @Option(names = "--noheadings", description = "Omit the heading line (basic format).")
    boolean noHeadings;

    @Option(names = "--headings", paramLabel = "none|abbrev|full|0|1|2",
            description = "Headings: none, lvm2's abbreviations (default), or the field names (full).")
    String headings;

    @Option(names = "--separator", paramLabel = "SEP", description = "Join fields with SEP instead of aligning columns.")
    String separator;

    @Option(names = "--aligned", description = "Align columns even with --separator.")
    boolean aligned;

    @Option(names = "--binary", description = "Print 0/1 instead of words for yes/no fields.")
    boolean binary;

    @Option(names = "--nameprefixes", description = "Print each value as LVM2_FIELD='value' (not aligned).")
    boolean namePrefixes;

    @Option(names = "--unquoted", description = "With --nameprefixes: no quotes around the values.")
    boolean unquoted;

    @Option(names = "--rows", description = "One line per field, one column per object.")
    boolean rows;

    @Option(names = {"-v", "--verbose"}, description = "lvm2's verbose default columns.")
    boolean verbose;

    @Option(names = {"-S", "--select"}, paramLabel = "EXPR",
            description = "Only the rows this lvm2 selection picks, e.g. 'lv_size>1g && lv_tags={db}' or "
                    + "'lv_time since \"1 week ago\"' (lvmreport(7)); -S help lists the fields, operators and reserved values.")
    String select;

    @Option(names = {"-H", "--history"}, description = "lvs: also the historical LVs lvm2 keeps for thin snapshot chains (-name).")
    boolean history;

    @Option(names = {"-q", "--quiet", "-d", "--debug", "--readonly", "--nolocking", "--ignoreskippedcluster", "--ignorelockingfailure",
            "--nohints", "--trustcache"},
            description = "Accepted as lvm2 accepts them; no effect (lvmcoord never locks, writes or caches).")
    boolean noEffect;

    @Option(names = {"--foreign", "--shared"}, description = "Include VGs of another system ID / shared VGs (as lvm2).")
    boolean visibility;

    @Option(names = {"--config"}, paramLabel = "STRING", description = "lvm2 configuration, as lvm2's --config.")
    String config;

    @Option(names = {"--devicesfile"}, paramLabel = "NAME", description = "lvm2's devices file (ignored with --devices, as in lvm2).")
    String devicesFile;

    @Option(names = {"--nodevicesfile"}, description = "Use no devices file.")
    boolean noDevicesFile;

    @Option(names = "--kernel-state", paramLabel = "DIR", description = "Direct mode: take device-mapper state (active LVs, "
            + "their status) from DIR, a recording made by `lvmcoord capture-kernel-state`, instead of this host's kernel.")
    java.nio.file.Path kernelState;

    @Option(names = "--version", description = "Print the lvm2 version whose reports lvmcoord reproduces, and lvmcoord's.")
    boolean version;

    @Option(names = "--socket", paramLabel = "PATH", description = "The agent's socket, when it answers (no --devices).")
    java.nio.file.Path socket;

    @Option(names = "--node", paramLabel = "N", description = "Report as node N sees it (agent mode; default: the agent's node).")
    String node;

    @Option(names = "--all-nodes", description = "Report as every node of the cluster sees it: each node's report under a "
            + "\"Node N:\" line (JSON: {\"nodes\": {N: report}}); warnings name their node (agent mode).")
    boolean allNodes;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    PrintStream out;
    PrintStream err;

    @Override
    public Integer call() {
        // Reached only for --help (LvmcoordCli sends report commands to run() before picocli sees them).
        return run(spec.name(), ownArgs(), out, err);
    }

    /**
     * A report command with lvm2's flags, read by the one parser all paths share
     * ({@link ReportQuery}): answered by the agent without {@code --devices}, else read from the
     * named devices here. lvm2's exit codes: 3 for a command line it refuses, 5 for a report it
     * could not make whole (a field it does not know, a named object that is not there).
     */
    static int run(String command, List<String> args, PrintStream out, PrintStream err) {
        ReportQuery query;
        try {
            query = ReportQuery.fromArgs(command, args);
        } catch (ReportQuery.BadQuery e) {
            err.println(e.getMessage());
            return EXIT_USAGE;
        }
        if (query.more().version()) {
            VersionText.print(out);
            return 0;
        }
        if (query.viaAgent()) {
            // Without --devices the running agent answers; the same client code as the fast entry point. What lvm2
            // refuses before reporting is refused here first (exit 3), whether an agent runs or not.
            try {
                if (command.equals("fullreport")) {
                    FullReport.requests(query);
                } else {
                    ReportQueries.toRequest(query);
                }
            } catch (ReportQuery.BadQuery e) {
                err.println(e.getMessage());
                return EXIT_USAGE;
            }
            List<String> argv = new ArrayList<>();
            argv.add(command);
            argv.addAll(args);
            return io.lvmcoord.agent.client.ClientCli.run(argv.toArray(String[]::new), out, err);
        }
        if (command.equals("pvs")) {
            query = query.withNames(asListed(query.names(), query.devices()));
        }
        List<ReportRequest> requests;
        try {
            requests = command.equals("fullreport") ? FullReport.requests(query) : List.of(ReportQueries.toRequest(query));
        } catch (ReportQuery.BadQuery e) {
            err.println(e.getMessage());
            return EXIT_USAGE;
        }
        // lvm2's configuration as this command would read it (LVM_SYSTEM_DIR, --config,
        // --devicesfile): the host's system ID decides which VGs are shown.
        Optional<String> devicesFile = query.more().noDevicesFile() ? Optional.of("") : Optional.ofNullable(query.more().devicesFile());
        LvmEnvironment.Result lvm = LvmEnvironment.load(LvmDefaults.systemDir(System.getenv(LvmDefaults.SYSTEM_DIR_ENV)),
                query.more().config(), new DeviceSelection.Overrides(devicesFile, query.devices()), LvmEnvironment.osHost());
        if (lvm instanceof LvmEnvironment.Failed f) {
            err.println("  " + f.reason());
            return EXIT_FAILED;
        }
        LvmEnvironment env = ((LvmEnvironment.Ready) lvm).environment();
        env.warnings().forEach(w -> err.println("  " + w));
        CliScanning.Outcome scanned;
        try {
            // A progress bar as `scan --progress` draws it, without a flag: only on a terminal's stderr and only past a
            // second of scanning, erased after, so lvm2-compatible scripts (stderr a pipe or file) never see one.
            scanned = CliScanning.scan(query.devices(), null, err);
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
        for (String w : scanned.unopenable()) {
            err.println("  WARNING: " + w);
        }
        for (String w : assembly.warnings()) {
            err.println("  " + w);
        }
        Fields fields;
        if (query.more().kernelState() != null) {
            // A recorded host stands in for this one: its dm devices, and the device numbers
            // its sysfs snapshot gives the devices named here (by kernel name).
            Path recording = Path.of(query.more().kernelState());
            try {
                fields = new Fields(ZoneId.systemDefault(), device -> DmRecording.deviceNumbers(recording, String.valueOf(Path.of(device).getFileName())),
                        Optional.of(DmRecording.read(recording)));
            } catch (IOException e) {
                err.println("  Cannot read kernel state " + recording + ": " + e.getMessage());
                return EXIT_FAILED;
            }
        } else {
            // pv_major/pv_minor: the device nodes named here (an image file has none).
            Optional<DmState> kernel;
            try {
                kernel = liveKernelState();
            } catch (IOException e) {
                // A user who may read the devices but not ask device-mapper (it needs CAP_SYS_ADMIN)
                // still gets the metadata; the kernel's columns read as on a host without it.
                err.println("  WARNING: Cannot read device-mapper state: " + e.getMessage()
                        + "; kernel fields are shown as without device-mapper.");
                kernel = Optional.empty();
            }
            fields = new Fields(ZoneId.systemDefault(), device -> DeviceNodes.numbersOf(Path.of(device)), kernel);
        }
        fields = fields.withMonitoring(env.config().bool("activation/monitoring", true));
        ReportBuilder builder = new ReportBuilder(fields, env::visibility);
        String text;
        try {
            if (command.equals("fullreport")) {
                FullReport.Result r = FullReport.render(builder, assembly, query, requests);
                r.errors().forEach(w -> err.println("  " + w));
                failed |= r.failed();
                text = r.text();
            } else {
                Report report = builder.build(assembly, requests.get(0));
                // Named objects that are not there, and VGs whose rows could not be computed, in lvm2's words; both fail the command.
                for (String w : report.warnings()) {
                    err.println("  " + w);
                }
                failed |= report.failed();
                text = ReportRenderer.render(report, requests.get(0));
            }
        } catch (ReportBuilder.BadRequest e) {
            // lvm2 runs the command and fails it (exit 5) for a field it does not know or cannot combine.
            err.println("  " + e.getMessage());
            return EXIT_FAILED;
        }
        out.print(text);
        out.flush();
        return failed ? EXIT_FAILED : 0;
    }

    /**
     * PV names as direct mode lists its devices: lvm2 finds a device by any of the names its scan
     * of /dev gave it (/dev/disk/by-id/..., /dev/mapper/...) and reports it under the name it
     * scanned; a name that is such an alias of a listed device stands for that device. Other paths
     * to it (outside /dev, or spelled with "..") lvm2 does not know, and neither do we.
     */
    static List<String> asListed(List<String> names, List<String> devices) {
        List<String> out = new ArrayList<>(names.size());
        for (String n : names) {
            String listed = n;
            boolean devAlias = n.startsWith("/dev/") && Path.of(n).normalize().toString().equals(n);
            if (devAlias && !devices.contains(n) && Files.exists(Path.of(n))) {
                for (String d : devices) {
                    try {
                        if (Files.isSameFile(Path.of(n), Path.of(d))) {
                            listed = d;
                            break;
                        }
                    } catch (IOException gone) {
                        // A listed device that cannot be reached is reported by the scan; it names nothing here.
                    }
                }
            }
            out.add(listed);
        }
        return out;
    }

    /** This host's device-mapper state, or empty where the kernel has no device-mapper (lvm2 then prints 'X' and blanks). */
    private static Optional<DmState> liveKernelState() throws IOException {
        KernelDm.Snapshot s = new KernelDm(Path.of("/sys")).snapshot();
        return s.notAvailable().isPresent() ? Optional.empty() : Optional.of(s.state());
    }

    /** This command's arguments: picocli's original arguments are the whole command line, the command's name included. */
    private List<String> ownArgs() {
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        int at = all.indexOf(spec.name());
        return at < 0 ? all : all.subList(at + 1, all.size());
    }
}
