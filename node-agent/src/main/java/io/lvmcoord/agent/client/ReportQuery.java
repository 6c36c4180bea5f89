package io.lvmcoord.agent.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One {@code pvs}/{@code vgs}/{@code lvs}/{@code fullreport} request, whichever way it arrives:
 * parsed from lvm2's flags on the command line ({@link #fromArgs}) or from the API's URL
 * ({@link #fromUrl}), and rendered back to the URL ({@link #toUrl}) by the client. Direct mode,
 * the client and the agent all take their request from here, so a flag means the same thing, and
 * is refused with the same words, on every path. Plain JDK: the client jar carries it.
 *
 * <p>Options are read as lvm2 2.03.16's getopt_long reads them: {@code --opt=value} or
 * {@code --opt value}, a unique prefix of a long option ({@code --nosuf}), short flags bundled
 * ({@code -av}) or with an attached value ({@code -ovg_name}). Refusals carry lvm2's lines
 * (getopt's "unrecognized option", "Invalid argument for --reportformat") and exit 3.
 *
 * @param command    pvs, vgs, lvs or fullreport
 * @param format     basic, json or json_std
 * @param units      lvm2's --units as given (checked where sizes are rendered), or null
 * @param separator  null = aligned columns
 * @param node       report as this node sees it, or null for the agent's own node
 * @param names      the positional arguments: VG names, vg/lv, @tag, PV device names
 * @param devices    direct mode: read these devices (empty = ask the agent)
 * @param socket     the agent's socket (client only; null = the default)
 * @param more       lvm2's other report options
 */
public record ReportQuery(String command, List<String> options, List<String> sort, boolean all, boolean segments, String format,
                          String units, boolean nosuffix, boolean noheadings, String separator, boolean aligned, boolean binary,
                          String node, boolean allNodes, List<String> names, List<String> devices, Path socket, More more) {

    /** Exit status of a request refused before anything ran (lvm2's EINVALID_CMD_LINE). */
    public static final int EXIT_USAGE = 3;
    /** Exit status of a command that ran and failed (lvm2's ECMD_FAILED). */
    public static final int EXIT_FAILED = 5;

    /** A node's name: what `lvmcoord.agent.node-name` accepts, and all `--node`/`node=` may carry (it goes back in a header). */
    public static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    private static final Set<String> COMMANDS = Set.of("pvs", "vgs", "lvs", "fullreport");

    /**
     * lvm2's report options that change what is printed, and those it accepts for commands that
     * might write or lock (we do neither, so they change nothing here).
     *
     * @param namePrefixes  --nameprefixes
     * @param unquoted      --unquoted
     * @param rows          --rows
     * @param headings      --headings as given (none|abbrev|full|0|1|2), or null
     * @param verbose       -v: lvm2's verbose default columns (stderr chatter aside)
     * @param foreign       --foreign
     * @param shared        --shared
     * @param config        --config STRING, or null
     * @param devicesFile   --devicesfile NAME, or null
     * @param noDevicesFile --nodevicesfile
     * @param select        -S/--select as given, or null
     * @param version       --version: print the version and stop
     * @param history       -H/--history (lvs): historical LVs too
     * @param kernelState   --kernel-state DIR (direct mode): a recorded host's device-mapper state instead of this kernel's, or null
     */
    public record More(boolean namePrefixes, boolean unquoted, boolean rows, String headings, boolean verbose, boolean foreign,
                       boolean shared, String config, String devicesFile, boolean noDevicesFile, String select, boolean version,
                       boolean history, String kernelState) {
        public static final More NONE = new More(false, false, false, null, false, false, false, null, null, false, null, false,
                false, null);
    }

    /** The long options and whether they take a value; the short ones map to these. */
    private static final Map<String, Boolean> LONG = Map.ofEntries(
            Map.entry("--options", true), Map.entry("--sort", true), Map.entry("--select", true), Map.entry("--reportformat", true),
            Map.entry("--units", true), Map.entry("--separator", true), Map.entry("--node", true), Map.entry("--socket", true),
            Map.entry("--devices", true), Map.entry("--config", true), Map.entry("--devicesfile", true), Map.entry("--headings", true),
            Map.entry("--kernel-state", true),
            Map.entry("--driverloaded", true), Map.entry("--configreport", true), Map.entry("--all", false), Map.entry("--segments", false),
            Map.entry("--nosuffix", false), Map.entry("--noheadings", false), Map.entry("--aligned", false),
            Map.entry("--binary", false), Map.entry("--nameprefixes", false), Map.entry("--unquoted", false),
            Map.entry("--rows", false), Map.entry("--verbose", false), Map.entry("--quiet", false), Map.entry("--debug", false),
            Map.entry("--readonly", false), Map.entry("--nolocking", false), Map.entry("--ignoreskippedcluster", false),
            Map.entry("--ignorelockingfailure", false), Map.entry("--nohints", false), Map.entry("--trustcache", false),
            Map.entry("--unbuffered", false), Map.entry("--foreign", false), Map.entry("--shared", false),
            Map.entry("--nodevicesfile", false), Map.entry("--version", false), Map.entry("--all-nodes", false),
            Map.entry("--history", false));
    private static final Map<Character, String> SHORT = Map.of('o', "--options", 'O', "--sort", 'S', "--select", 'a', "--all",
            'v', "--verbose", 'q', "--quiet", 'd', "--debug", 'H', "--history");
    /** Options lvm2 lets a command line carry more than once. */
    private static final Set<String> REPEATABLE = Set.of("--options", "--sort", "--devices", "--verbose", "--quiet", "--debug",
            "--configreport");
    /** lvm2's --configreport names; -o and -O after one apply to that subreport (fullreport keeps them as "name:spec"). */
    private static final Set<String> SUBREPORTS = Set.of("log", "vg", "lv", "pv", "pvseg", "seg");

    /** The URL's parameters, each once (o, O and name repeat): names as the API documents them. */
    private static final Set<String> URL_PARAMS = Set.of("o", "O", "all", "segments", "format", "units", "nosuffix", "noheadings",
            "separator", "aligned", "binary", "node", "all_nodes", "vg", "name", "nameprefixes", "unquoted", "rows", "headings",
            "verbose", "foreign", "shared", "config", "devicesfile", "nodevicesfile", "select", "history");

    /**
     * A request that cannot be made. The message is what the user is told: lvm2's lines, indented
     * as lvm2 prints them on stderr (getopt's own line has no indent).
     */
    public static final class BadQuery extends Exception {
        public BadQuery(String message) {
            super(message);
        }
    }

    public ReportQuery {
        options = List.copyOf(options);
        sort = List.copyOf(sort);
        names = List.copyOf(names);
        devices = List.copyOf(devices);
        more = more == null ? More.NONE : more;
    }

    /** This request with other positional names. */
    public ReportQuery withNames(List<String> other) {
        return new ReportQuery(command, options, sort, all, segments, format, units, nosuffix, noheadings, separator, aligned, binary, node,
                allNodes, other, devices, socket, more);
    }

    /** Whether the agent answers (no --devices). */
    public boolean viaAgent() {
        return devices.isEmpty();
    }

    /** lvm2's "Error during parsing of command line." refusal, after {@code first}. */
    private static BadQuery parsing(String first) {
        return new BadQuery(first + "\n  Error during parsing of command line.");
    }

    /** lvm2's refusal of an argument it read ("Run `vgs --help' for more information."). */
    public static BadQuery invalid(String command, List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append("  ").append(l).append('\n');
        }
        sb.append("  Run `").append(command).append(" --help' for more information.");
        return new BadQuery(sb.toString());
    }

    /** The long option a token names: exact, or the one long option it is a prefix of (getopt_long). */
    private static String longOption(String command, String token) throws BadQuery {
        int eq = token.indexOf('=');
        String name = eq > 0 ? token.substring(0, eq) : token;
        if (LONG.containsKey(name)) {
            return name;
        }
        List<String> candidates = new ArrayList<>();
        for (String o : LONG.keySet()) {
            if (o.startsWith(name) && name.length() > 2) {
                candidates.add(o);
            }
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        if (candidates.size() > 1) {
            throw parsing(command + ": option '" + name + "' is ambiguous; possibilities: "
                    + String.join(" ", new TreeSet<>(candidates).stream().map(c -> "'" + c + "'").toList()));
        }
        throw parsing(command + ": unrecognized option '" + name + "'");
    }

    /** lvm2's flags after the command name. */
    public static ReportQuery fromArgs(String command, List<String> argv) throws BadQuery {
        Builder b = new Builder(command);
        Argv args = new Argv(argv);
        Set<String> seen = new HashSet<>();
        boolean optionsEnded = false;
        while (args.more()) {
            String t = args.next();
            if (optionsEnded || !t.startsWith("-") || t.equals("-")) {
                b.names.add(t);
                continue;
            }
            if (t.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (t.startsWith("--")) {
                String name = longOption(command, t);
                String value = null;
                if (LONG.get(name)) {
                    int eq = t.indexOf('=');
                    if (eq > 0) {
                        value = t.substring(eq + 1);
                    } else if (args.more()) {
                        value = args.next();
                    } else {
                        throw parsing(command + ": option '" + name + "' requires an argument");
                    }
                } else if (t.indexOf('=') > 0) {
                    throw parsing(command + ": option '" + name + "' doesn't allow an argument");
                }
                apply(b, name, value, seen);
                continue;
            }
            // Short options, possibly bundled (-av) or with the value attached (-ovg_name).
            for (int i = 1; i < t.length(); i++) {
                char c = t.charAt(i);
                String name = SHORT.get(c);
                if (name == null) {
                    throw parsing(command + ": invalid option -- '" + c + "'");
                }
                String value = null;
                if (LONG.get(name)) {
                    if (i + 1 < t.length()) {
                        value = t.substring(i + 1);
                    } else if (args.more()) {
                        value = args.next();
                    } else {
                        throw parsing(command + ": option requires an argument -- '" + c + "'");
                    }
                    apply(b, name, value, seen);
                    break;
                }
                apply(b, name, null, seen);
            }
        }
        return b.build();
    }

    private static void apply(Builder b, String name, String value, Set<String> seen) throws BadQuery {
        if (!seen.add(name) && !REPEATABLE.contains(name)) {
            throw parsing("  Option " + name + " may not be repeated.");
        }
        switch (name) {
            case "--options" -> b.options.add(b.sub(value));
            case "--sort" -> b.sort.add(b.sub(value));
            case "--configreport" -> {
                if (!SUBREPORTS.contains(value)) {
                    throw parsing("  Invalid argument for --configreport: " + quoteSafe(value));
                }
                b.configReport = value;
            }
            case "--select" -> b.select = value;
            case "--all" -> b.all = true;
            case "--segments" -> b.segments = true;
            case "--reportformat" -> b.format = value;
            case "--units" -> b.units = value;
            case "--nosuffix" -> b.nosuffix = true;
            case "--noheadings" -> b.noheadings = true;
            case "--separator" -> b.separator = value;
            case "--aligned" -> b.aligned = true;
            case "--binary" -> b.binary = true;
            case "--nameprefixes" -> b.namePrefixes = true;
            case "--unquoted" -> b.unquoted = true;
            case "--rows" -> b.rows = true;
            case "--headings" -> b.headings = value;
            case "--verbose" -> b.verbose = true;
            case "--foreign" -> b.foreign = true;
            case "--shared" -> b.shared = true;
            case "--config" -> b.config = value;
            case "--devicesfile" -> b.devicesFile = value;
            case "--nodevicesfile" -> b.noDevicesFile = true;
            case "--version" -> b.version = true;
            case "--history" -> b.history = true;
            case "--kernel-state" -> b.kernelState = value;
            case "--node" -> b.node = value;
            case "--all-nodes" -> b.allNodes = true;
            case "--socket" -> b.socket = Path.of(value);
            case "--devices" -> {
                for (String d : value.split(",")) {
                    if (!d.isEmpty()) {
                        b.devices.add(d);
                    }
                }
            }
            case "--unbuffered" -> throw new BadQuery("  --unbuffered is not supported by lvmcoord: lvm2 then prints rows unsorted, "
                    + "in the order it reads them, with columns as wide as the first row; use lvm2's default (buffered) output.");
            case "--driverloaded" -> {
                // lvm2's switch for running without device-mapper: we never talk to it. A bool, as lvm2 checks it.
                if (!Set.of("y", "n", "yes", "no", "1", "0").contains(value.toLowerCase(Locale.ROOT))) {
                    throw parsing("  Invalid argument for --driverloaded: " + value);
                }
            }
            default -> {
                // --quiet, --debug (stderr only) and the locking/caching switches: we never lock, write or cache.
            }
        }
    }

    /**
     * The API's query parameters (decoded): flags count as set when present with no value, 1,
     * true or yes. An unknown parameter is refused rather than ignored, so a typo is seen.
     */
    public static ReportQuery fromUrl(String command, Map<String, List<String>> params) throws BadQuery {
        for (String p : params.keySet()) {
            if (!URL_PARAMS.contains(p)) {
                throw new BadQuery("unknown parameter " + quoteSafe(p) + " (known: " + String.join(", ", new TreeSet<>(URL_PARAMS)) + ")");
            }
        }
        Builder b = new Builder(command);
        b.options.addAll(params.getOrDefault("o", List.of()));
        b.sort.addAll(params.getOrDefault("O", List.of()));
        b.all = flag(params, "all");
        b.segments = flag(params, "segments");
        b.format = first(params, "format", "json").toLowerCase(Locale.ROOT);
        b.units = first(params, "units", null);
        b.nosuffix = flag(params, "nosuffix");
        b.noheadings = flag(params, "noheadings");
        b.separator = first(params, "separator", null);
        b.aligned = flag(params, "aligned");
        b.binary = flag(params, "binary");
        b.node = first(params, "node", null);
        b.allNodes = flag(params, "all_nodes");
        b.names.addAll(params.getOrDefault("vg", List.of()));
        b.names.addAll(params.getOrDefault("name", List.of()));
        b.namePrefixes = flag(params, "nameprefixes");
        b.unquoted = flag(params, "unquoted");
        b.rows = flag(params, "rows");
        b.headings = first(params, "headings", null);
        b.verbose = flag(params, "verbose");
        b.foreign = flag(params, "foreign");
        b.shared = flag(params, "shared");
        b.config = first(params, "config", null);
        b.devicesFile = first(params, "devicesfile", null);
        b.noDevicesFile = flag(params, "nodevicesfile");
        b.select = first(params, "select", null);
        b.history = flag(params, "history");
        return b.build();
    }

    /** The API path and query this request is asked with ({@link #fromUrl} reads it back to an equal request, socket and devices aside). */
    public String toUrl() {
        StringBuilder q = new StringBuilder("/v1/").append(command).append("?format=").append(format);
        options.forEach(o -> q.append("&o=").append(enc(o)));
        sort.forEach(o -> q.append("&O=").append(enc(o)));
        flag(q, all, "all");
        flag(q, segments, "segments");
        value(q, units, "units");
        flag(q, nosuffix, "nosuffix");
        flag(q, noheadings, "noheadings");
        value(q, separator, "separator");
        flag(q, aligned, "aligned");
        flag(q, binary, "binary");
        value(q, node, "node");
        flag(q, allNodes, "all_nodes");
        names.forEach(v -> q.append("&name=").append(enc(v)));
        flag(q, more.namePrefixes(), "nameprefixes");
        flag(q, more.unquoted(), "unquoted");
        flag(q, more.rows(), "rows");
        value(q, more.headings(), "headings");
        flag(q, more.verbose(), "verbose");
        flag(q, more.foreign(), "foreign");
        flag(q, more.shared(), "shared");
        value(q, more.config(), "config");
        value(q, more.devicesFile(), "devicesfile");
        flag(q, more.noDevicesFile(), "nodevicesfile");
        value(q, more.select(), "select");
        flag(q, more.history(), "history");
        return q.toString();
    }

    private static void flag(StringBuilder q, boolean set, String name) {
        if (set) {
            q.append('&').append(name).append("=1");
        }
    }

    private static void value(StringBuilder q, String v, String name) {
        if (v != null) {
            q.append('&').append(name).append('=').append(enc(v));
        }
    }

    private static final class Builder {
        final String command;
        final List<String> options = new ArrayList<>();
        final List<String> sort = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final List<String> devices = new ArrayList<>();
        boolean all;
        boolean segments;
        String format = "basic";
        String units;
        boolean nosuffix;
        boolean noheadings;
        String separator;
        boolean aligned;
        boolean binary;
        String node;
        boolean allNodes;
        Path socket;
        boolean namePrefixes;
        boolean unquoted;
        boolean rows;
        String headings;
        boolean verbose;
        boolean foreign;
        boolean shared;
        String config;
        String devicesFile;
        boolean noDevicesFile;
        String select;
        boolean version;
        boolean history;
        String kernelState;
        String configReport;

        Builder(String command) {
            this.command = command;
        }

        /**
         * An -o/-O value as this command takes it after --configreport: fullreport keeps
         * "subreport:spec"; another report takes its own subreport's and ignores the others
         * (lvm2 applies those to reports it does not print, such as the command log).
         */
        String sub(String value) throws BadQuery {
            if (configReport == null) {
                return command.equals("fullreport") ? "ignored:" + value : value;
            }
            if (command.equals("fullreport")) {
                return configReport + ":" + value;
            }
            String own = switch (command) {
                case "pvs" -> segments ? "pvseg" : "pv";
                case "vgs" -> "vg";
                default -> segments ? "seg" : "lv";
            };
            if (!configReport.equals(own)) {
                throw new BadQuery("  --configreport " + configReport + " is not supported by lvmcoord for " + command + ".");
            }
            return value;
        }

        /** The checks every path shares, in the words the user sees. */
        ReportQuery build() throws BadQuery {
            if (!COMMANDS.contains(command)) {
                throw new BadQuery("not a report: " + command + " (pvs, vgs, lvs or fullreport)");
            }
            if (segments && !command.equals("lvs") && !command.equals("pvs")) {
                throw parsing(command + ": unrecognized option '--segments'");
            }
            if (history && !command.equals("lvs") && !command.equals("fullreport")) {
                throw parsing(command + ": unrecognized option '--history'");
            }
            if (!Set.of("basic", "json", "json_std").contains(format)) {
                throw parsing("  Invalid argument for --reportformat: " + quoteSafe(format));
            }
            if (headings != null && !Set.of("none", "abbrev", "full", "0", "1", "2").contains(headings)) {
                throw parsing("  Invalid argument for --headings: " + quoteSafe(headings));
            }
            if (headings != null && noheadings) {
                throw new BadQuery("  Options --noheadings and --headings cannot be used together.\n"
                        + "  Run `" + command + " --help' for more information.");
            }
            if (node != null && allNodes) {
                throw new BadQuery("--node and --all-nodes exclude each other");
            }
            if (node != null && !NODE_NAME.matcher(node).matches()) {
                // Never echoed: it would go back in a header (and a CR LF in it would start headers of its own).
                throw new BadQuery("--node (node=) takes a node name: 1-253 letters, digits, '.', '_' or '-'");
            }
            if (!devices.isEmpty() && devicesFile != null) {
                throw new BadQuery("  A --devices list cannot be used with --devicesfile.\n  Run `" + command + " --help' for more information.");
            }
            if (!devices.isEmpty() && (node != null || allNodes)) {
                throw new BadQuery("--node and --all-nodes ask the agent; direct mode (--devices) reads this host's devices only");
            }
            if (kernelState != null && devices.isEmpty()) {
                throw new BadQuery("--kernel-state reads a recording in direct mode (with --devices); the agent reads its own host's kernel");
            }
            More more = new More(namePrefixes, unquoted, rows, headings, verbose, foreign, shared, config, devicesFile, noDevicesFile,
                    select, version, history, kernelState);
            return new ReportQuery(command, options, sort, all, segments, format, units, nosuffix, noheadings, separator, aligned,
                    binary, node, allNodes, names, devices, socket, more);
        }
    }

    /** An API flag: set when present with no value, 1, true or yes (any case). */
    public static boolean flag(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        if (v == null || v.isEmpty()) {
            return false;
        }
        String s = v.get(0);
        return s.isEmpty() || s.equals("1") || s.equalsIgnoreCase("true") || s.equalsIgnoreCase("yes");
    }

    private static String first(Map<String, List<String>> params, String name, String fallback) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? fallback : v.get(0);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A user's string in a message: control characters shown as '?', so a message never carries a line break of theirs. */
    private static String quoteSafe(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}
