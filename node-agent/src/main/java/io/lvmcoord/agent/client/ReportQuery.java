package io.lvmcoord.agent.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code pvs}/{@code vgs}/{@code lvs} request, whichever way it arrives: parsed from lvm2's
 * flags on the command line ({@link #fromArgs}) or from the API's URL ({@link #fromUrl}), and
 * rendered back to the URL ({@link #toUrl}) by the client. Direct mode, the client and the agent
 * all take their request from here, so a flag means the same thing, and is refused with the same
 * words, on every path. Plain JDK: the client jar carries it.
 *
 * @param command    pvs, vgs or lvs
 * @param format     basic or json
 * @param units      lvm2's --units letter as given (checked where sizes are rendered), or null
 * @param separator  null = aligned columns
 * @param node       report as this node sees it, or null for the agent's own node
 * @param devices    direct mode: read these devices (empty = ask the agent)
 * @param socket     the agent's socket (client only; null = the default)
 */
public record ReportQuery(String command, List<String> options, List<String> sort, boolean all, boolean segments, String format,
                          String units, boolean nosuffix, boolean noheadings, String separator, boolean aligned, boolean binary,
                          String node, boolean allNodes, List<String> vgs, List<String> devices, Path socket) {

    /** Exit status of a request refused before anything ran (lvm2's EINVALID_CMD_LINE). */
    public static final int EXIT_USAGE = 3;
    /** Exit status of a command that ran and failed (lvm2's ECMD_FAILED). */
    public static final int EXIT_FAILED = 5;

    /** A node's name: what `lvmcoord.agent.node-name` accepts, and all `--node`/`node=` may carry (it goes back in a header). */
    public static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    private static final Set<String> COMMANDS = Set.of("pvs", "vgs", "lvs");
    /** The flags that take a value. */
    private static final Set<String> VALUED = Set.of("-o", "--options", "-O", "--sort", "--reportformat", "--units", "--separator",
            "--node", "--socket", "--devices");
    /** The URL's parameters, each once: names as the API documents them. */
    private static final Set<String> URL_PARAMS = Set.of("o", "O", "all", "segments", "format", "units", "nosuffix", "noheadings",
            "separator", "aligned", "binary", "node", "all_nodes", "vg");

    /** A request that cannot be made; the message is what the user is told. */
    public static final class BadQuery extends Exception {
        public BadQuery(String message) {
            super(message);
        }
    }

    public ReportQuery {
        options = List.copyOf(options);
        sort = List.copyOf(sort);
        vgs = List.copyOf(vgs);
        devices = List.copyOf(devices);
    }

    /** Whether the agent answers (no --devices). */
    public boolean viaAgent() {
        return devices.isEmpty();
    }

    /** lvm2's flags after the command name. */
    public static ReportQuery fromArgs(String command, List<String> argv) throws BadQuery {
        Builder b = new Builder(command);
        Argv args = new Argv(argv);
        while (args.more()) {
            String t = args.next();
            if (!t.startsWith("-") || t.equals("-")) {
                b.positional.add(t);
                continue;
            }
            String name = Argv.name(t);
            String value = VALUED.contains(name) ? args.value(name, t) : null;
            switch (name) {
                case "-o", "--options" -> b.options.add(value);
                case "-O", "--sort" -> b.sort.add(value);
                case "-a", "--all" -> b.all = true;
                case "--segments" -> b.segments = true;
                case "--reportformat" -> b.format = value;
                case "--units" -> b.units = value;
                case "--nosuffix" -> b.nosuffix = true;
                case "--noheadings" -> b.noheadings = true;
                case "--separator" -> b.separator = value;
                case "--aligned" -> b.aligned = true;
                case "--binary" -> b.binary = true;
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
                default -> throw new BadQuery("unknown option " + t);
            }
        }
        if (command.equals("pvs") && !b.positional.isEmpty()) {
            throw new BadQuery("naming PVs is not supported yet; name the devices with --devices for direct mode");
        }
        b.vgs.addAll(b.positional);
        return b.build();
    }

    /**
     * The API's query parameters (decoded): flags count as set when present with no value, 1,
     * true or yes. An unknown parameter is refused rather than ignored, so a typo is seen.
     */
    public static ReportQuery fromUrl(String command, Map<String, List<String>> params) throws BadQuery {
        for (String p : params.keySet()) {
            if (!URL_PARAMS.contains(p)) {
                throw new BadQuery("unknown parameter " + quoteSafe(p) + " (known: " + String.join(", ", new java.util.TreeSet<>(URL_PARAMS)) + ")");
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
        b.vgs.addAll(params.getOrDefault("vg", List.of()));
        return b.build();
    }

    /** The API path and query this request is asked with ({@link #fromUrl} reads it back to an equal request, socket and devices aside). */
    public String toUrl() {
        StringBuilder q = new StringBuilder("/v1/").append(command).append("?format=").append(format);
        options.forEach(o -> q.append("&o=").append(enc(o)));
        sort.forEach(o -> q.append("&O=").append(enc(o)));
        if (all) {
            q.append("&all=1");
        }
        if (segments) {
            q.append("&segments=1");
        }
        if (units != null) {
            q.append("&units=").append(enc(units));
        }
        if (nosuffix) {
            q.append("&nosuffix=1");
        }
        if (noheadings) {
            q.append("&noheadings=1");
        }
        if (separator != null) {
            q.append("&separator=").append(enc(separator));
        }
        if (aligned) {
            q.append("&aligned=1");
        }
        if (binary) {
            q.append("&binary=1");
        }
        if (node != null) {
            q.append("&node=").append(enc(node));
        }
        if (allNodes) {
            q.append("&all_nodes=1");
        }
        vgs.forEach(v -> q.append("&vg=").append(enc(v)));
        return q.toString();
    }

    private static final class Builder {
        final String command;
        final List<String> options = new ArrayList<>();
        final List<String> sort = new ArrayList<>();
        final List<String> positional = new ArrayList<>();
        final List<String> vgs = new ArrayList<>();
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

        Builder(String command) {
            this.command = command;
        }

        /** The checks every path shares, in the words the user sees. */
        ReportQuery build() throws BadQuery {
            if (!COMMANDS.contains(command)) {
                throw new BadQuery("not a report: " + command + " (pvs, vgs or lvs)");
            }
            if (all && command.equals("vgs")) {
                throw new BadQuery("vgs has no --all");
            }
            if (segments && !command.equals("lvs")) {
                throw new BadQuery("--segments is for lvs");
            }
            if (!format.equals("basic") && !format.equals("json")) {
                throw new BadQuery("Invalid report format \"" + quoteSafe(format) + "\": use basic or json.");
            }
            if (node != null && allNodes) {
                throw new BadQuery("--node and --all-nodes exclude each other");
            }
            if (node != null && !NODE_NAME.matcher(node).matches()) {
                // Never echoed: it would go back in a header (and a CR LF in it would start headers of its own).
                throw new BadQuery("--node (node=) takes a node name: 1-253 letters, digits, '.', '_' or '-'");
            }
            if (!devices.isEmpty() && !vgs.isEmpty()) {
                throw new BadQuery("naming VGs is supported when the agent answers; in direct mode name the devices instead");
            }
            if (!devices.isEmpty() && (node != null || allNodes)) {
                throw new BadQuery("--node and --all-nodes ask the agent; direct mode (--devices) reads this host's devices only");
            }
            return new ReportQuery(command, options, sort, all, segments, format, units, nosuffix, noheadings, separator, aligned,
                    binary, node, allNodes, vgs, devices, socket);
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
