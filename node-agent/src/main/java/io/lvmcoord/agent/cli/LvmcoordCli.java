package io.lvmcoord.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.lvmcoord.agent.client.VersionText;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The {@code lvmcoord} command line. Reports mirror lvm2's {@code pvs}, {@code vgs} and
 * {@code lvs}, flag for flag, so that scripts can switch between them.
 */
@Command(name = "lvmcoord", mixinStandardHelpOptions = false,
        description = "Cluster-wide LVM2 metadata coordinator. Reports are identical to lvm2's.",
        subcommands = {LvmcoordCli.Pvs.class, LvmcoordCli.Vgs.class, LvmcoordCli.Lvs.class, LvmcoordCli.FullReportCommand.class,
                ClientCommands.Pvscan.class,
                ClientCommands.Wait.class, ClientCommands.Watch.class, ClientCommands.Status.class, AgentCommand.class, ScanCommand.class,
                TlsCommand.class, JournalCommand.class, CaptureKernelStateCommand.class},
        footer = {"", "Examples:",
                "  lvmcoord agent --devices-dir testdata/lvm2/s12-lv-types   # start an agent on image files",
                "  lvmcoord vgs                                            # ask the running agent",
                "  lvmcoord wait vg01 --timeout 60s",
                "  lvmcoord pvs -a --devices /dev/sdb,/dev/sdc             # direct mode: read these devices, no agent",
                "  lvmcoord lvs -a --segments -o +devices --devices disk1.img,disk2.img",
                "  lvmcoord vgs --reportformat json --units b --nosuffix --devices /dev/sdb",
                "  lvmcoord scan --devices-file devices.txt --stats",
                "  lvmcoord tls issue --ca /var/lib/lvmcoord/tls --node host-b --out /tmp/host-b-tls",
                "  lvmcoord journal reset --state-dir /var/lib/lvmcoord       # agent stopped: rebuild its journal from a rescan",
                "  lvmcoord capture-kernel-state /tmp/dm-now                 # this host's dm devices as dmsetup prints them"})
public final class LvmcoordCli implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Option(names = "--version", description = "Print lvmcoord's version and the lvm2 version whose reports it reproduces.")
    boolean version;

    private static final Set<String> REPORTS = Set.of("pvs", "vgs", "lvs", "fullreport");

    private final PrintStream err;

    private final PrintStream out;

    private LvmcoordCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * On the process's own streams. picocli's tools build the command from the class alone
     * (AutoComplete's and the man page generator's default factory call this), and the
     * packaging module generates the bash completion and man pages from that model.
     */
    public LvmcoordCli() {
        this(System.out, System.err);
    }

    @Override
    public Integer call() {
        if (version) {
            out.print(VersionText.programText());
            out.flush();
            return 0;
        }
        err.println("lvmcoord: a command is required: pvs, vgs, lvs, pvscan, wait, watch, status, agent, scan, tls, journal or capture-kernel-state (see lvmcoord --help)");
        return ReportCommand.EXIT_USAGE;
    }

    // The options declared here and in ReportCommand are picocli's: they check the flags and make
    // --help; the request itself is read from the same argv by ReportQuery.

    @Command(name = "pvs", description = "Report physical volumes, as lvm2's pvs.")
    static final class Pvs extends ReportCommand {
        @Option(names = {"-a", "--all"}, description = "Also list devices that are not PVs.")
        boolean all;

        @Option(names = "--segments", description = "lvm2's PV segment report (pvseg fields).")
        boolean segments;

        @picocli.CommandLine.Parameters(paramLabel = "PV|@tag", arity = "0..*",
                description = "Only these PVs (device names) or PVs with these tags.")
        List<String> names = new ArrayList<>();
    }

    @Command(name = "vgs", description = "Report volume groups, as lvm2's vgs.")
    static final class Vgs extends ReportCommand {
        @picocli.CommandLine.Parameters(paramLabel = "VG|@tag", arity = "0..*", description = "Only these VGs, or VGs with these tags.")
        List<String> names = new ArrayList<>();
    }

    @Command(name = "lvs", description = "Report logical volumes, as lvm2's lvs.")
    static final class Lvs extends ReportCommand {
        @Option(names = {"-a", "--all"}, description = "Also list internal (hidden) LVs, shown in [brackets].")
        boolean all;

        @Option(names = "--segments", description = "One line per segment, with segment fields.")
        boolean segments;

        @picocli.CommandLine.Parameters(paramLabel = "VG|VG/LV|@tag", arity = "0..*",
                description = "Only the LVs of these VGs, these LVs, or LVs (or VGs) with these tags.")
        List<String> names = new ArrayList<>();
    }

    @Command(name = "fullreport", description = "lvm2's fullreport: per VG its vg, pv, lv, pvseg and seg subreports.")
    static final class FullReportCommand extends ReportCommand {
        @Option(names = "--configreport", paramLabel = "vg|pv|lv|pvseg|seg",
                description = "The following -o/-O apply to this subreport. Repeatable.")
        List<String> configReport = new ArrayList<>();

        @picocli.CommandLine.Parameters(paramLabel = "VG|@tag", arity = "0..*", description = "Only these VGs, or VGs with these tags.")
        List<String> names = new ArrayList<>();
    }

    /** Runs the CLI with the given streams and returns the exit code (lvm2's codes). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && REPORTS.contains(args[0]) && Arrays.stream(args).noneMatch(a -> a.equals("-h") || a.equals("--help"))) {
            // Report commands are read by the parser every path shares (lvm2's getopt rules), not by picocli, which makes --help.
            return ReportCommand.run(args[0], Arrays.asList(args).subList(1, args.length), out, err);
        }
        CommandLine cl = new CommandLine(new LvmcoordCli(out, err));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionStrategy(parseResult -> {
            for (CommandLine sub : parseResult.asCommandLineList()) {
                if (sub.getCommand() instanceof ReportCommand rc) {
                    rc.out = out;
                    rc.err = err;
                } else if (sub.getCommand() instanceof ScanCommand sc) {
                    sc.out = out;
                    sc.err = err;
                } else if (sub.getCommand() instanceof ClientCommands.Delegating d) {
                    d.out = out;
                    d.err = err;
                } else if (sub.getCommand() instanceof AgentCommand a) {
                    a.err = err;
                } else if (sub.getCommand() instanceof TlsCommand t) {
                    t.out = out;
                    t.err = err;
                } else if (sub.getCommand() instanceof JournalCommand j) {
                    j.err = err;
                } else if (sub.getCommand() instanceof JournalCommand.OnStateDir j) {
                    j.out = out;
                    j.err = err;
                } else if (sub.getCommand() instanceof CaptureKernelStateCommand c) {
                    c.out = out;
                    c.err = err;
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("lvmcoord: " + ex.getMessage());
            ex.getCommandLine().usage(err);
            return ReportCommand.EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // Bad input is reported as values; reaching here is a bug, which we still report without a trace.
            err.println("lvmcoord: internal error: " + ex);
            return ReportCommand.EXIT_FAILED;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }
}
