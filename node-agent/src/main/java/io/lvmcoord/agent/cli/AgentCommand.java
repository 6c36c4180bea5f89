package io.lvmcoord.agent.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.lvmcoord.agent.daemon.Agent;
import io.lvmcoord.persistence.JournalCheck;
import io.lvmcoord.persistence.JournalUnusableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lvmcoord agent}: runs the node agent in the foreground until SIGTERM/SIGINT. */
@Command(name = "agent", description = {"Run the node agent: scan this host's devices, keep the cluster's VG model informed, "
        + "answer pvs/vgs/lvs over a Unix socket.",
        "Every flag can also be set in the config file (HOCON; key in brackets) and most through the environment."},
        footer = {"", "Examples:",
                "  lvmcoord agent                                     # real block devices, single node, H2 journal",
                "  lvmcoord agent --devices-dir /srv/images --socket /tmp/lvmcoord.sock --state-dir /tmp/lvmcoord",
                "  lvmcoord agent --config /etc/lvmcoord/lvmcoord.conf --seed host-a:2552 --cluster-port 2552   # <state-dir>/tls issued by `lvmcoord tls issue`",
                "  lvmcoord agent --tls-key-store node1.p12 --tls-trust-store trust.p12 --seed host-a:2552",
                "", "Exit codes: 0 stopped (SIGTERM); 3 bad command line; 5 cannot start (the message says why); 6 the journal is damaged",
                "or lost (the message names the file; see lvmcoord journal --help)."})
public final class AgentCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON config file; flags override it.")
    Path config;

    @Option(names = "--devices-dir", paramLabel = "DIR",
            description = "Treat each regular file in DIR as a device and follow DIR's changes (demos, tests); repeatable. "
                    + "[lvmcoord.agent.devices-dir]")
    List<Path> devicesDirs = new ArrayList<>();

    @Option(names = "--no-watch-devices", negatable = false,
            description = "Do not follow writes with inotify: only pvscan notifications, the cluster's re-read requests and "
                    + "reconcile rescans cause reads (a shared disk's writes from other hosts are never seen locally anyway). "
                    + "[lvmcoord.agent.watch-devices = off]")
    boolean noWatchDevices;

    @Option(names = "--exit-on-stdin-eof",
            description = "Exit when standard input closes (a supervising process that dies takes the agent with it; used by "
                    + "the multi-JVM tests).")
    boolean exitOnStdinEof;

    @Option(names = "--devices", paramLabel = "D1,D2,...", split = ",",
            description = "Exactly these devices or image files, as lvm2's --devices. [lvmcoord.agent.devices]")
    List<String> devices = new ArrayList<>();

    @Option(names = "--socket", paramLabel = "PATH",
            description = "API socket (default /run/lvmcoord/agent.sock as root, else $XDG_RUNTIME_DIR/lvmcoord.sock). [lvmcoord.api.socket-path]")
    Path socket;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the embedded H2 journal and the TLS credentials (tls/) live, mode 0700 (default /var/lib/lvmcoord; "
                    + "env LVMCOORD_STATE_DIR). [lvmcoord.persistence.state-dir]")
    Path stateDir;

    @Option(names = "--node-name", paramLabel = "N", description = "This node's name (default: host name; env LVMCOORD_NODE_NAME). [lvmcoord.agent.node-name]")
    String nodeName;

    @Option(names = "--cluster-host", paramLabel = "HOST",
            description = "Address other agents reach this one on (default 127.0.0.1: a node alone; env LVMCOORD_CLUSTER_HOST). "
                    + "[lvmcoord.agent.cluster-host]")
    String clusterHost;

    @Option(names = "--cluster-port", paramLabel = "P", description = "Cluster transport port (default 0 = any). [lvmcoord.agent.cluster-port]")
    Integer clusterPort;

    @Option(names = "--seed", paramLabel = "HOST:PORT", description = "A cluster member to join; repeatable. [lvmcoord.agent.seeds]")
    List<String> seeds = new ArrayList<>();

    @Option(names = "--transport", paramLabel = "T",
            description = "Cluster transport: tls-tcp (mutual TLS, the default), or the unauthenticated tcp and aeron-udp (these need "
                    + "--allow-unauthenticated-cluster). Every node of a cluster uses the same. [lvmcoord.agent.transport]")
    String transport;

    @Option(names = "--allow-unauthenticated-cluster",
            description = "Let tcp or aeron-udp start: any process that reaches the cluster port can then join, down nodes and inject "
                    + "reports. Only where nobody else can reach the port. [lvmcoord.agent.allow-unauthenticated-cluster]")
    boolean allowUnauthenticatedCluster;

    @Option(names = "--tls-key-store", paramLabel = "FILE",
            description = "PKCS12 key store with this node's key and certificate, for tls-tcp (default: <state-dir>/tls/node.p12, "
                    + "made at first start for a node without seeds); its password from the config or "
                    + "env LVMCOORD_TLS_KEY_STORE_PASSWORD. [lvmcoord.agent.tls.key-store]")
    Path tlsKeyStore;

    @Option(names = "--tls-trust-store", paramLabel = "FILE",
            description = "PKCS12 trust store of the certificates (or CA) whose holders may join, for tls-tcp; its password from "
                    + "the config or env LVMCOORD_TLS_TRUST_STORE_PASSWORD. [lvmcoord.agent.tls.trust-store]")
    Path tlsTrustStore;

    @Option(names = "--http-port", paramLabel = "P",
            description = "Loopback TCP port for Prometheus /metrics and /health/{alive,ready} (0 = off). [lvmcoord.api.http-port]")
    Integer httpPort;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    PrintStream err = System.err;

    /**
     * Lists every setting (key, default, environment variable) after the help's footer, as the
     * reference.conf files define them (SettingsHelp). Rendered only when the help is: reading
     * the reference.conf files costs most of a second, which no agent start should pay.
     */
    @Spec
    void listSettingsInHelp(CommandSpec spec) {
        spec.usageMessage().sectionMap().put(picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> help.footer() + String.join(System.lineSeparator(), SettingsHelp.lines()) + System.lineSeparator());
    }

    /**
     * The footer with the settings appended, for tools that render the model without picocli's
     * help sections (man pages): {@code spec.usageMessage().footer(AgentCommand.footerWithSettings(spec))}.
     */
    public static String[] footerWithSettings(CommandSpec spec) {
        List<String> footer = new ArrayList<>(List.of(spec.usageMessage().footer()));
        // Footer lines are format strings: a literal % in a comment must not become a conversion.
        SettingsHelp.lines().forEach(l -> footer.add(l.replace("%", "%%")));
        return footer.toArray(String[]::new);
    }

    /** The flags given, as config overrides. */
    Config overrides() {
        Config c = ConfigFactory.empty();
        if (!devicesDirs.isEmpty()) {
            c = c.withValue("lvmcoord.agent.devices-dir", ConfigValueFactory.fromIterable(
                    devicesDirs.stream().map(d -> d.toAbsolutePath().toString()).toList()));
        }
        if (noWatchDevices) {
            c = c.withValue("lvmcoord.agent.watch-devices", ConfigValueFactory.fromAnyRef(false));
        }
        if (!devices.isEmpty()) {
            c = c.withValue("lvmcoord.agent.devices", ConfigValueFactory.fromIterable(devices));
        }
        if (socket != null) {
            c = c.withValue("lvmcoord.api.socket-path", ConfigValueFactory.fromAnyRef(socket.toAbsolutePath().toString()));
        }
        if (stateDir != null) {
            c = c.withValue("lvmcoord.persistence.state-dir", ConfigValueFactory.fromAnyRef(stateDir.toAbsolutePath().toString()));
        }
        if (nodeName != null) {
            c = c.withValue("lvmcoord.agent.node-name", ConfigValueFactory.fromAnyRef(nodeName));
        }
        if (clusterHost != null) {
            c = c.withValue("lvmcoord.agent.cluster-host", ConfigValueFactory.fromAnyRef(clusterHost));
        }
        if (clusterPort != null) {
            c = c.withValue("lvmcoord.agent.cluster-port", ConfigValueFactory.fromAnyRef(clusterPort));
        }
        if (!seeds.isEmpty()) {
            c = c.withValue("lvmcoord.agent.seeds", ConfigValueFactory.fromIterable(seeds));
        }
        if (transport != null) {
            c = c.withValue("lvmcoord.agent.transport", ConfigValueFactory.fromAnyRef(transport));
        }
        if (allowUnauthenticatedCluster) {
            c = c.withValue("lvmcoord.agent.allow-unauthenticated-cluster", ConfigValueFactory.fromAnyRef(true));
        }
        if (tlsKeyStore != null) {
            c = c.withValue("lvmcoord.agent.tls.key-store", ConfigValueFactory.fromAnyRef(tlsKeyStore.toAbsolutePath().toString()));
        }
        if (tlsTrustStore != null) {
            c = c.withValue("lvmcoord.agent.tls.trust-store", ConfigValueFactory.fromAnyRef(tlsTrustStore.toAbsolutePath().toString()));
        }
        if (httpPort != null) {
            c = c.withValue("lvmcoord.api.http-port", ConfigValueFactory.fromAnyRef(httpPort));
        }
        return c;
    }

    @Override
    public Integer call() throws Exception {
        // Under systemd every stderr line carries its journald priority (<3> error ... <7> debug).
        err = io.lvmcoord.agent.systemd.JournalPriorities.installIfUnderSystemd(err, System.getenv());
        if (config != null && !Files.isRegularFile(config)) {
            err.println("lvmcoord agent: config file " + config + " does not exist");
            return ReportCommand.EXIT_USAGE;
        }
        for (Path devicesDir : devicesDirs) {
            if (!Files.isDirectory(devicesDir)) {
                err.println("lvmcoord agent: --devices-dir " + devicesDir + " is not a directory");
                return ReportCommand.EXIT_USAGE;
            }
        }
        Agent agent;
        try {
            agent = Agent.start(Agent.config(overrides(), config));
        } catch (JournalUnusableException e) {
            err.println(JournalCommand.advice(e.problem()));
            return JournalCommand.EXIT_JOURNAL_UNUSABLE;
        } catch (IllegalArgumentException e) {
            // A setting that cannot work: its message names the key or file and what is wrong, nothing to unwrap.
            err.println("lvmcoord agent: cannot start: " + e.getMessage());
            return ReportCommand.EXIT_FAILED;
        } catch (Exception e) {
            // The whole chain: the first message is often a wrapper's (or null), the cause is further in.
            err.println("lvmcoord agent: cannot start: " + JournalCheck.causes(e));
            return ReportCommand.EXIT_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "lvmcoord-shutdown"));
        if (exitOnStdinEof) {
            Thread stdin = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // Input is ignored; only its end matters.
                    }
                } catch (java.io.IOException e) {
                    // A broken pipe is an end too.
                }
                err.println("lvmcoord agent: standard input closed, exiting");
                System.exit(0);
            }, "lvmcoord-stdin-watch");
            stdin.setDaemon(true);
            stdin.start();
        }
        // Normally the actor system ends and this returns; but a node the cluster has downed must
        // come back even if its shutdown hangs (a phase timing out, a stuck thread): it gives
        // that shutdown DOWNED_STOP_LIMIT, then exits anyway, so that the unit restarts it.
        long downedAt = 0;
        while (!agent.awaitTermination(java.time.Duration.ofSeconds(1))) {
            if (downedAt == 0 && agent.removedFromCluster().isPresent()) {
                downedAt = System.nanoTime();
            }
            if (downedAt != 0 && System.nanoTime() - downedAt > DOWNED_STOP_LIMIT.toNanos()) {
                err.println("lvmcoord agent: the actor system did not stop within " + DOWNED_STOP_LIMIT.toSeconds()
                        + " s of this node being " + agent.removedFromCluster().orElse("stopped") + "; exiting anyway");
                break;
            }
        }
        java.util.Optional<String> removed = agent.removedFromCluster();
        if (removed.isPresent()) {
            // Its old incarnation is gone for good (the cluster will not take it back); a new one
            // rejoins with its journal. Non-zero, so that systemd's Restart= brings it back.
            err.println("lvmcoord agent: this node was " + removed.get() + "; exiting with status " + EXIT_REMOVED
                    + " so that it is restarted and rejoins");
            return EXIT_REMOVED;
        }
        return 0;
    }

    /** How long a node the cluster stopped waits for its own actor system to end before it exits regardless. */
    static final java.time.Duration DOWNED_STOP_LIMIT = java.time.Duration.ofSeconds(20);

    /** Exit status of an agent the cluster downed, removed or otherwise stopped (EX_TEMPFAIL: a restart rejoins). */
    public static final int EXIT_REMOVED = 75;
}
