package io.lvmcoord.agent.cli;

import io.lvmcoord.agent.client.ClientCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The agent-client commands as picocli sees them: their options are declared here for
 * {@code --help} and validation; running them hands the original arguments to the plain-JDK
 * {@link ClientCli}, the same code the fast entry point runs.
 */
final class ClientCommands {
    private ClientCommands() {
    }

    abstract static class Delegating implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--socket", paramLabel = "PATH", description = "The agent's socket (default /run/lvmcoord/agent.sock as root, "
                + "else $XDG_RUNTIME_DIR/lvmcoord.sock).")
        Path socket;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
        PrintStream out = System.out;
        PrintStream err = System.err;

        @Override
        public Integer call() {
            List<String> argv = new ArrayList<>();
            argv.add(spec.name());
            argv.addAll(spec.commandLine().getParseResult().originalArgs());
            return ClientCli.run(argv.toArray(String[]::new), out, err);
        }
    }

    @Command(name = "pvscan", description = "Tell the agent devices changed (as udev's pvscan --cache). Returns after the agent persisted the "
            + "new state, so a query right after sees it.", footer = {"", "Examples:", "  lvmcoord pvscan --cache /dev/sdb",
            "  lvmcoord pvscan --cache --remove /dev/sdb", "  lvmcoord pvscan --cache          # rescan every device"})
    static final class Pvscan extends Delegating {
        @Option(names = "--cache", required = true, description = "Update the agent's view of the devices (required).")
        boolean cache;
        @Option(names = "--remove", description = "The devices are gone: forget them.")
        boolean remove;
        @Parameters(paramLabel = "DEV", arity = "0..*", description = "Devices; none = every device.")
        List<String> devices = new ArrayList<>();
    }

    @Command(name = "wait", description = "Wait until every PV of a VG is present on this node. Exit 0 when complete; 5 on timeout, "
            + "naming the missing PVs.", footer = {"", "Example:", "  lvmcoord wait vg01 --timeout 60s && vgchange -ay vg01"})
    static final class Wait extends Delegating {
        @Option(names = "--timeout", paramLabel = "DURATION", description = "How long to wait (default 30s; ms, s, m, h).")
        String timeout;
        @Parameters(paramLabel = "VG", arity = "1", description = "VG name or UUID.")
        String vg;
    }

    @Command(name = "watch", description = "Print one JSON line per VG/PV change this node's view takes, with versions, until interrupted.")
    static final class Watch extends Delegating {
    }

    @Command(name = "status", description = "The agent's status as JSON: node, cluster members, I/O engine, devices, scan statistics, "
            + "queue depths.")
    static final class Status extends Delegating {
    }
}
