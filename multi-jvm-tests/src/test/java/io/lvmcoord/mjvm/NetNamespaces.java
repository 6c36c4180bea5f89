package io.lvmcoord.mjvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test hosts with networks of their own: one network namespace per node, each joined to a bridge
 * in this host's namespace by a veth pair, on a private /24 of its own (10.213.X.0/24; the bridge
 * is .1, nodes .10 and up). A node is cut off by taking its link down on the bridge side (the
 * cable pulled: to its peers and to the journal's server alike) and healed by bringing it up.
 *
 * <p>Everything is named after this JVM's pid ({@code lvmc-<pid>-<node>} namespaces,
 * {@code lc<pid>...} links), so that {@link #removeStale} can clear what a killed test run left
 * and nothing of anyone else's is touched. Needs root and iproute2; {@link #available} says
 * whether this host can.
 */
final class NetNamespaces implements AutoCloseable {
    private static final Pattern OURS = Pattern.compile("lvmc-(\\d+)-\\w+");

    private final long pid = ProcessHandle.current().pid();
    private final String subnet;
    private final String bridge;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();

    private NetNamespaces(List<String> nodes) {
        // A /24 per run, picked from the pid: two runs on one host do not share addresses.
        this.subnet = "10.213." + (pid % 200 + 20);
        this.bridge = "lc" + pid + "br";
        for (int i = 0; i < nodes.size(); i++) {
            addresses.put(nodes.get(i), subnet + "." + (10 + i));
        }
    }

    /** True when namespaces, veth pairs and bridges can be made here (root, iproute2, a kernel with them). */
    static boolean available() {
        try {
            String probe = "lc" + ProcessHandle.current().pid() + "pr";
            boolean ok = run(false, "ip", "link", "add", probe, "type", "bridge") == 0;
            if (ok) {
                run(false, "ip", "link", "del", probe);
            }
            return ok;
        } catch (IOException e) {
            return false;
        }
    }

    /** Makes the bridge and a namespace per node, each with its address, loopback up. */
    static NetNamespaces create(List<String> nodes) throws IOException {
        removeStale();
        NetNamespaces n = new NetNamespaces(nodes);
        try {
            n.setUp();
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    private void setUp() throws IOException {
        must("ip", "link", "add", bridge, "type", "bridge");
        must("ip", "addr", "add", hostAddress() + "/24", "dev", bridge);
        must("ip", "link", "set", bridge, "up");
        for (Map.Entry<String, String> e : addresses.entrySet()) {
            String ns = namespace(e.getKey());
            must("ip", "netns", "add", ns);
            namespaces.add(ns);
            String outside = link(e.getKey());
            must("ip", "link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", ns);
            must("ip", "link", "set", outside, "master", bridge);
            must("ip", "link", "set", outside, "up");
            must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            must("ip", "netns", "exec", ns, "ip", "addr", "add", e.getValue() + "/24", "dev", "eth0");
            must("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
        }
    }

    /** This host's address on the bridge (where a server for all nodes listens). */
    String hostAddress() {
        return subnet + ".1";
    }

    /** The /24 the nodes are on, as a CIDR. */
    String cidr() {
        return subnet + ".0/24";
    }

    String address(String node) {
        String a = addresses.get(node);
        if (a == null) {
            throw new IllegalArgumentException("no namespace for node " + node);
        }
        return a;
    }

    /** The command prefix that runs a program inside the node's namespace (ip execs it: the pid is the program's). */
    List<String> exec(String node) {
        return List.of("ip", "netns", "exec", namespace(node));
    }

    /** Pulls the node's cable: nothing reaches it or leaves it until {@link #heal}. */
    void cut(String node) throws IOException {
        must("ip", "link", "set", link(node), "down");
    }

    void heal(String node) throws IOException {
        must("ip", "link", "set", link(node), "up");
    }

    private String namespace(String node) {
        return "lvmc-" + pid + "-" + node;
    }

    private String link(String node) {
        return "lc" + pid + node;
    }

    @Override
    public void close() throws IOException {
        // Deleting a namespace deletes its end of the veth pair, and with it the other end.
        for (String ns : namespaces) {
            run(false, "ip", "netns", "del", ns);
        }
        run(false, "ip", "link", "del", bridge);
    }

    /** Namespaces and bridges of test JVMs that are no longer alive (killed runs leave them). */
    static void removeStale() throws IOException {
        Process list = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        for (String line : out.split("\n")) {
            String name = line.split(" ")[0];
            Matcher m = OURS.matcher(name);
            if (m.matches() && !alive(Long.parseLong(m.group(1)))) {
                run(false, "ip", "netns", "del", name);
                run(false, "ip", "link", "del", "lc" + m.group(1) + "br");
            }
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void must(String... cmd) throws IOException {
        if (run(true, cmd) != 0) {
            throw new IOException("failed: " + String.join(" ", cmd));
        }
    }

    private static int run(boolean report, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int rc = p.waitFor();
            if (rc != 0 && report) {
                System.err.println(String.join(" ", cmd) + " -> " + rc + ": " + out.trim());
            }
            return rc;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }
}
