package io.lvmcoord.agent.client;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The CLI commands answered by the running agent: {@code pvs|vgs|lvs} without {@code --devices},
 * {@code pvscan --cache}, {@code wait}, {@code watch} and {@code status}. Plain JDK only: no
 * Pekko, picocli or Jackson is loaded on this path, so a query costs a JVM start and one round
 * trip over the Unix socket. Flags are lvm2's; output and exit codes are direct mode's.
 */
public final class ClientCli {
    static final int EXIT_USAGE = ReportQuery.EXIT_USAGE;
    static final int EXIT_FAILED = ReportQuery.EXIT_FAILED;
    /** The API's status for a report it could not make as asked (unknown field): lvm2 fails such a command with 5. */
    public static final int UNPROCESSABLE = 422;
    private static final Set<String> REPORTS = Set.of("pvs", "vgs", "lvs", "fullreport");
    private static final Set<String> OTHERS = Set.of("pvscan", "wait", "watch", "status");

    private ClientCli() {
    }

    /** Whether these arguments are a client command (help and direct mode go to the full CLI). */
    public static boolean handles(String[] args) {
        if (args.length == 0 || !(REPORTS.contains(args[0]) || OTHERS.contains(args[0]))) {
            return false;
        }
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("--devices") || a.startsWith("--devices=")) {
                return false;
            }
        }
        return true;
    }

    /** Entry point of the thin client jar (bin/lvmcoord sends only client commands here). */
    public static void main(String[] args) {
        if (!handles(args)) {
            System.err.println("lvmcoord: this is the agent client (pvs, vgs, lvs, pvscan, wait, watch, status); "
                    + "run the full lvmcoord.jar for anything else");
            System.exit(EXIT_USAGE);
        }
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String cmd = args[0];
        try {
            return switch (cmd) {
                case "pvs", "vgs", "lvs", "fullreport" -> report(cmd, args, out, err);
                case "pvscan" -> pvscan(args, out, err);
                case "wait" -> await(args, out, err);
                case "watch" -> watch(args, out, err);
                default -> status(args, out, err);
            };
        } catch (ReportQuery.BadQuery e) {
            // A report's refusals are lvm2's lines already; the other commands are ours.
            err.println(REPORTS.contains(cmd) ? e.getMessage() : "lvmcoord " + cmd + ": " + e.getMessage() + " (see lvmcoord " + cmd + " --help)");
            return EXIT_USAGE;
        } catch (AgentUnavailableException e) {
            err.println("  " + e.getMessage());
            return EXIT_FAILED;
        } catch (IOException e) {
            err.println("  lvmcoord " + cmd + ": " + e.getMessage());
            return EXIT_FAILED;
        }
    }

    /** A client command's arguments, with the agent's socket when one was named. */
    private static final class Args extends Argv {
        Path socket;

        Args(String[] argv) {
            super(Arrays.asList(argv).subList(1, argv.length));
        }

        AgentClient client(Duration timeout) {
            return ClientCli.client(socket, timeout);
        }
    }

    private static AgentClient client(Path socket, Duration timeout) {
        return new AgentClient(socket != null ? socket : SocketLocation.defaultPath(), timeout);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int report(String cmd, String[] argv, PrintStream out, PrintStream err) throws ReportQuery.BadQuery, IOException {
        ReportQuery query = ReportQuery.fromArgs(cmd, Arrays.asList(argv).subList(1, argv.length));
        if (query.more().version()) {
            VersionText.print(out);
            return 0;
        }
        if (!query.viaAgent()) {
            // An abbreviated --devices (--dev) the launcher did not recognise: direct mode lives in the full jar.
            throw new ReportQuery.BadQuery("  direct mode (--devices) runs in the full lvmcoord.jar: spell the option --devices");
        }
        AgentClient.Response r = client(query.socket(), Duration.ofSeconds(60)).get(query.toUrl());
        if (r.status() == 400) {
            // The agent refused the command line: its message is lvm2's lines, as direct mode prints them.
            err.println(r.errorMessage());
            return EXIT_USAGE;
        }
        if (r.status() == UNPROCESSABLE) {
            // A report lvm2 would start and fail (a field it does not know): lvm2's exit code 5.
            err.println("  " + r.errorMessage());
            return EXIT_FAILED;
        }
        if (r.status() != 200) {
            err.println("  lvmcoord agent answered " + r.status() + ": " + r.errorMessage());
            return EXIT_FAILED;
        }
        for (String w : warnings(r.header("x-lvmcoord-warnings"))) {
            err.println("  " + w);
        }
        if (r.headerCut("x-lvmcoord-warnings")) {
            // An agent that does not bound its warnings: show what fitted, say how many there were.
            String count = r.header("x-lvmcoord-warning-count");
            err.println("  ... further warnings cut: the agent's warnings header was longer than " + AgentClient.MAX_HEAD_LINE + " bytes"
                    + (count == null ? "" : " (" + count + " warnings in all)"));
        }
        if ("true".equals(r.header("x-lvmcoord-may-be-stale"))) {
            err.println("  WARNING: this view (version " + r.header("x-lvmcoord-version")
                    + ") may be stale: a newer version was announced but could not be read in time.");
        }
        // The agent's bytes as they came (lvm2's output is bytes too): decoding 5 MB into a String and
        // encoding it back cost a short-lived JVM, still interpreting, tens of milliseconds.
        out.write(r.body(), 0, r.body().length);
        out.flush();
        return "true".equals(r.header("x-lvmcoord-failed")) ? EXIT_FAILED : 0;
    }

    /** The warnings header: a JSON array of strings; of a cut header, the strings that arrived whole. */
    static List<String> warnings(String json) {
        List<String> out = new ArrayList<>();
        if (json == null) {
            return out;
        }
        int i = json.indexOf('"');
        try {
            while (i >= 0) {
                String s = JsonText.unquote(json, i);
                out.add(s);
                i = JsonText.skipString(json, i);
                i = json.indexOf('"', i);
            }
        } catch (IllegalArgumentException cutInsideAString) {
            // The header was cut (see AgentClient.MAX_HEAD_LINE): the last string is incomplete.
        }
        return out;
    }

    private static int pvscan(String[] argv, PrintStream out, PrintStream err) throws ReportQuery.BadQuery, IOException {
        Args args = new Args(argv);
        boolean cache = false;
        boolean remove = false;
        while (args.more()) {
            String t = args.next();
            if (!t.startsWith("-")) {
                args.positional.add(t);
                continue;
            }
            String n = Argv.name(t);
            switch (n) {
                case "--cache" -> cache = true;
                case "--remove" -> remove = true;
                case "--socket" -> args.socket = Path.of(args.value(n, t));
                default -> throw new ReportQuery.BadQuery("unknown option " + t);
            }
        }
        if (!cache) {
            throw new ReportQuery.BadQuery("only pvscan --cache is supported: it tells the agent a device changed");
        }
        if (remove && args.positional.isEmpty()) {
            throw new ReportQuery.BadQuery("--remove needs the device(s) to forget");
        }
        StringBuilder q = new StringBuilder("/v1/pvscan?");
        if (args.positional.isEmpty()) {
            q.append("all=1");
        }
        for (String d : args.positional) {
            q.append(q.charAt(q.length() - 1) == '?' ? "" : "&").append("device=").append(enc(d));
        }
        if (remove) {
            q.append("&remove=1");
        }
        AgentClient.Response r = args.client(Duration.ofMinutes(10)).post(q.toString(), "application/json", new byte[0]);
        if (r.status() != 200) {
            err.println("  " + r.errorMessage());
            return r.status() == 400 ? EXIT_USAGE : EXIT_FAILED;
        }
        return 0;
    }

    private static int await(String[] argv, PrintStream out, PrintStream err) throws ReportQuery.BadQuery, IOException {
        Args args = new Args(argv);
        String timeout = "30s";
        while (args.more()) {
            String t = args.next();
            if (!t.startsWith("-")) {
                args.positional.add(t);
                continue;
            }
            String n = Argv.name(t);
            switch (n) {
                case "--timeout" -> timeout = args.value(n, t);
                case "--socket" -> args.socket = Path.of(args.value(n, t));
                default -> throw new ReportQuery.BadQuery("unknown option " + t);
            }
        }
        if (args.positional.size() != 1) {
            throw new ReportQuery.BadQuery("wait takes exactly one VG (name or UUID)");
        }
        String vg = args.positional.get(0);
        long seconds = Math.max(1, parseSeconds(timeout));
        AgentClient.Response r = args.client(Duration.ofSeconds(seconds + 30))
                .get("/v1/wait?vg=" + enc(vg) + "&timeout=" + enc(timeout));
        if (r.status() == 200) {
            out.println("  VG " + vg + " is complete on " + JsonText.stringMember(r.bodyText(), "node") + ".");
            return 0;
        }
        err.println("  " + r.errorMessage());
        return r.status() == 400 ? EXIT_USAGE : EXIT_FAILED;
    }

    private static long parseSeconds(String s) throws ReportQuery.BadQuery {
        try {
            return (Durations.parse(s).toMillis() + 999) / 1000;
        } catch (IllegalArgumentException e) {
            throw new ReportQuery.BadQuery(e.getMessage());
        }
    }

    private static int watch(String[] argv, PrintStream out, PrintStream err) throws ReportQuery.BadQuery, IOException {
        Args args = simple(argv);
        args.client(Duration.ofSeconds(30)).stream("/v1/watch", line -> {
            out.println(line);
            out.flush();
            return !out.checkError();
        });
        return 0;
    }

    private static int status(String[] argv, PrintStream out, PrintStream err) throws ReportQuery.BadQuery, IOException {
        Args args = simple(argv);
        AgentClient.Response r = args.client(Duration.ofSeconds(30)).get("/v1/status");
        if (r.status() != 200) {
            err.println("  " + r.errorMessage());
            return EXIT_FAILED;
        }
        // What the agent warns of (LVs active on several hosts that may not be): on stderr, as lvm2 warns.
        for (String w : warnings(r.header("x-lvmcoord-warnings"))) {
            err.println("  " + w);
        }
        out.println(r.bodyText());
        return 0;
    }

    private static Args simple(String[] argv) throws ReportQuery.BadQuery {
        Args args = new Args(argv);
        while (args.more()) {
            String t = args.next();
            String n = Argv.name(t);
            if (n.equals("--socket")) {
                args.socket = Path.of(args.value(n, t));
            } else {
                throw new ReportQuery.BadQuery("unknown argument " + t);
            }
        }
        return args;
    }
}
