package io.lvmcoord.agent.cli;

import io.lvmcoord.agent.transport.ClusterCa;
import io.lvmcoord.agent.transport.NodeTlsDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lvmcoord tls}: the cluster's certificate authority and the credentials of its nodes, for
 * the default {@code tls-tcp} transport. The files are the ones an agent reads from
 * {@code <state-dir>/tls}; see {@link ClusterCa} for the layout.
 */
@Command(name = "tls", description = {"Certificates for the cluster transport (mutual TLS, the default).",
        "An agent alone makes its own CA and certificate in <state-dir>/tls at first start. For several hosts, every node needs a "
                + "certificate from one CA: issue them from a first node's CA (or from a CA made with init-ca) and copy each "
                + "directory to its host's <state-dir>/tls."},
        subcommands = {TlsCommand.InitCa.class, TlsCommand.Issue.class},
        footer = {"", "Examples:",
                "  lvmcoord tls init-ca --out /root/lvmcoord-ca                    # once per cluster; keep this directory safe",
                "  lvmcoord tls issue --ca /root/lvmcoord-ca --node host-b --host 10.0.0.12 --out /tmp/host-b-tls",
                "  scp -rp /tmp/host-b-tls host-b:/var/lib/lvmcoord/tls             # mode 0700, owned by the agent's user",
                "  lvmcoord tls issue --ca /var/lib/lvmcoord/tls --node host-c --out /tmp/host-c-tls   # from a first node's own CA"})
public final class TlsCommand implements Callable<Integer> {
    PrintStream out = System.out;
    PrintStream err = System.err;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    /** Whether {@code days} can be a validity; says why not on stderr. */
    boolean validDays(String subcommand, int days) {
        if (days < 1) {
            err.println("lvmcoord tls " + subcommand + ": --days must be at least 1, got " + days);
        }
        return days >= 1;
    }

    @Override
    public Integer call() {
        err.println("lvmcoord tls: a subcommand is required: init-ca or issue (see lvmcoord tls --help)");
        return ReportCommand.EXIT_USAGE;
    }

    @Command(name = "init-ca", description = {"Make a new cluster CA in DIR (0700): ca.p12 (its private key: guard it), ca.pem and "
            + "password. Refuses to replace an existing CA."})
    static final class InitCa implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory for the CA (created when missing).")
        Path out;

        @Option(names = "--name", paramLabel = "CN", description = "The CA's common name (default: \"lvmcoord cluster CA\").")
        String name = "lvmcoord cluster CA";

        @Option(names = "--days", paramLabel = "N", description = "Validity in days (default 3650).")
        int days = 3650;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @ParentCommand
        TlsCommand parent;

        @Override
        public Integer call() throws Exception {
            PrintStream err = parent.err;
            if (!parent.validDays("init-ca", days)) {
                return ReportCommand.EXIT_USAGE;
            }
            try {
                ClusterCa ca = ClusterCa.create(out, name, Duration.ofDays(days), new SecureRandom());
                parent.out.println("CA " + ca.certificate().getSubjectX500Principal().getName() + " made in " + out.toAbsolutePath()
                        + ", valid until " + ca.certificate().getNotAfter().toInstant());
                return 0;
            } catch (IllegalStateException | IllegalArgumentException e) {
                err.println("lvmcoord tls init-ca: " + e.getMessage());
                return ReportCommand.EXIT_FAILED;
            }
        }
    }

    @Command(name = "issue", description = {"Issue a node's credentials from a CA into DIR (0700): node.p12 (the node's key and "
            + "certificate chain), trust.p12 (the CA) and password. Copy DIR to the node's <state-dir>/tls."})
    static final class Issue implements Callable<Integer> {
        @Option(names = "--ca", paramLabel = "DIR", required = true,
                description = "The CA's directory: one made by init-ca, or a first node's <state-dir>/tls holding ca.p12.")
        Path ca;

        @Option(names = "--node", paramLabel = "NAME", required = true, description = "The node's name (--node-name of its agent).")
        String node;

        @Option(names = "--host", paramLabel = "HOST",
                description = "An address others dial the node on (its --cluster-host), for hostname verification; repeatable.")
        List<String> hosts = new ArrayList<>();

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory for the node's files (created when missing).")
        Path out;

        @Option(names = "--days", paramLabel = "N", description = "Validity in days (default 3650, never beyond the CA's).")
        int days = 3650;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @ParentCommand
        TlsCommand parent;

        @Override
        public Integer call() throws Exception {
            if (!parent.validDays("issue", days)) {
                return ReportCommand.EXIT_USAGE;
            }
            try {
                ClusterCa authority = ClusterCa.open(ca, new SecureRandom());
                X509Certificate cert = authority.issue(out, node, hosts, Duration.ofDays(days));
                parent.out.println("certificate for " + node + " issued by " + authority.certificate().getSubjectX500Principal().getName()
                        + " into " + out.toAbsolutePath() + ", valid until " + cert.getNotAfter().toInstant()
                        + "; copy that directory to " + NodeTlsDirectory.of(Path.of("<state-dir>")) + " on " + node);
                return 0;
            } catch (IllegalStateException | IllegalArgumentException e) {
                parent.err.println("lvmcoord tls issue: " + e.getMessage());
                return ReportCommand.EXIT_FAILED;
            }
        }
    }
}
