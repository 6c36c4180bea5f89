package io.lvmcoord.mjvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lvmcoord.agent.client.ClientCli;
import io.lvmcoord.agent.transport.ClusterCa;
import io.lvmcoord.agent.transport.NodeTlsDirectory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A cluster of real {@code lvmcoord agent} processes on this host, one per named node, sharing a
 * PostgreSQL journal and a "SAN" directory, each with a private device directory of its own.
 *
 * <p>What makes it behave like separate hosts on a SAN: agents run with
 * {@code --no-watch-devices}, so a node learns of a write only as a real host would (its own
 * {@code pvscan --cache}, the cluster's re-read requests, or a rescan); the reconcile rescan is
 * pushed out to 10 minutes so it never stands in for those during a test. Cluster ports are
 * picked once, so a restarted node comes back at the same address, with the same state dir.
 *
 * <p>Agents must not outlive the test JVM, however it ends: each is started with its standard
 * input a pipe that only this JVM holds and with {@code --exit-on-stdin-eof} (the kernel closes
 * the pipe even on kill -9 of this JVM), and a shutdown hook kills them for the ordinary exits.
 * Aeron media-driver directories (in /dev/shm, ~200 MB each, left behind by kill -9) are named
 * after this JVM's pid; a harness removes those of JVMs no longer alive when it starts and its
 * own when it closes.
 */
final class ClusterHarness implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    static final Path SHM = Path.of("/dev/shm");
    static final String AERON_PREFIX = "lvmcoord-mjvm-";
    private static final Pattern AERON_DIR = Pattern.compile(Pattern.quote(AERON_PREFIX) + "(\\d+)-.*");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A client command's outcome. */
    record Run(int exit, String out, String err) {
        boolean mayBeStale() {
            return err.contains("may be stale");
        }
    }

    private static final class Node {
        final String name;
        final String host;
        final int port;
        final Path privateDir;
        final Path stateDir;
        final Path socket;
        Process process;
        OutputStream stdin;
        int incarnation;
        Path log;
        /** Flags this node alone gets, after every node's ({@link #flagsFor}). */
        List<String> ownFlags = List.of();

        Node(String name, String host, int port, Path privateDir, Path stateDir, Path socket) {
            this.name = name;
            this.host = host;
            this.port = port;
            this.privateDir = privateDir;
            this.stateDir = stateDir;
            this.socket = socket;
        }
    }

    private final Path work;
    private final Path san;
    private final Path staging;
    private final Path sockets;
    private final PostgresServer postgres;
    private final List<String> agentFlags;
    /** Null: every node on this host's loopback; else each node in its own network namespace. */
    private final NetNamespaces net;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Thread killChildren = new Thread(this::killAll, "mjvm-kill-agents");

    /**
     * @param work       logs and state (kept after the test for diagnosis), device directories (removed at close)
     * @param agentFlags flags every agent gets besides the harness's own (e.g. a transport)
     */
    ClusterHarness(Path work, PostgresServer postgres, List<String> names, List<String> agentFlags) throws IOException {
        this(work, postgres, names, agentFlags, null);
    }

    /**
     * As {@link #ClusterHarness(Path, PostgresServer, List, List)}, each node run in its network
     * namespace of {@code net} (at its address there) when {@code net} is given: a node can then
     * be cut off from the others and from the journal's server ({@link #cut}).
     */
    ClusterHarness(Path work, PostgresServer postgres, List<String> names, List<String> agentFlags, NetNamespaces net) throws IOException {
        removeStaleAeronDirs();
        this.net = net;
        this.work = Files.createDirectories(work.toAbsolutePath());
        this.san = Files.createDirectories(this.work.resolve("san"));
        this.staging = Files.createDirectories(this.work.resolve("staging"));
        // Unix socket paths are limited to 107 bytes; a build directory can be deep.
        this.sockets = Files.createTempDirectory(Path.of("/tmp"), "mjvm-");
        this.postgres = postgres;
        this.agentFlags = List.copyOf(agentFlags);
        List<Integer> ports = freePorts(names.size());
        // The documented multi-host setup: one cluster CA, each node's credentials issued from it into
        // its <state-dir>/tls (what `lvmcoord tls init-ca` and `lvmcoord tls issue` write).
        ClusterCa ca = ClusterCa.create(this.work.resolve("cluster-ca"), "mjvm cluster CA", Duration.ofDays(1), new SecureRandom());
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            Path state = this.work.resolve("state-" + n);
            String host = net == null ? HOST : net.address(n);
            ca.issue(NodeTlsDirectory.of(state), n, List.of(host), Duration.ofDays(1));
            nodes.put(n, new Node(n, host, ports.get(i), Files.createDirectories(this.work.resolve("private-" + n)), state,
                    sockets.resolve(n + ".sock")));
        }
        Runtime.getRuntime().addShutdownHook(killChildren);
    }

    /**
     * bin/lvmcoord of this checkout, once its agent jar is known to be current: the launcher would
     * otherwise start a build of its own inside a test (in `mvn verify` the node-agent module is
     * packaged before this one's tests run; a lone `-pl multi-jvm-tests` run needs an install first).
     */
    static synchronized Path launcher() throws IOException {
        Path root = Fixtures.root().getParent().getParent();
        Path jar = root.resolve("node-agent/target/lvmcoord.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run `mvn -B install -DskipTests` first");
        }
        long built = Files.getLastModifiedTime(jar).toMillis();
        for (String pom : List.of("pom.xml", "persistence/pom.xml", "scan-actors/pom.xml", "coordinator/pom.xml", "node-agent/pom.xml")) {
            if (Files.getLastModifiedTime(root.resolve(pom)).toMillis() > built) {
                throw new IllegalStateException(root.resolve(pom) + " is newer than " + jar + ": run `mvn -B install -DskipTests` first");
            }
        }
        for (String dir : List.of("persistence/src/main", "scan-actors/src/main", "coordinator/src/main", "node-agent/src/main")) {
            try (Stream<Path> files = Files.walk(root.resolve(dir))) {
                Optional<Path> newer = files.filter(Files::isRegularFile).filter(f -> {
                    try {
                        return Files.getLastModifiedTime(f).toMillis() > built;
                    } catch (IOException e) {
                        return false;
                    }
                }).findFirst();
                if (newer.isPresent()) {
                    throw new IllegalStateException(newer.get() + " is newer than " + jar + ": run `mvn -B install -DskipTests` first");
                }
            }
        }
        return root.resolve("bin/lvmcoord");
    }

    /**
     * Closes each of {@code parts} that was made (nulls are skipped), in order, every one of them
     * even when one before it fails; the first failure is thrown after.
     */
    static void closeAll(AutoCloseable... parts) throws Exception {
        Exception first = null;
        for (AutoCloseable part : parts) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A fresh work directory for a test class, under the module's target/. */
    static Path workFor(Class<?> test) {
        return Path.of("target", "mjvm", test.getSimpleName() + "-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis());
    }

    Path san() {
        return san;
    }

    Path staging() {
        return staging;
    }

    /** Flags {@code node} gets at its next starts besides every node's (its own --config, say). */
    void flagsFor(String node, String... flags) {
        node(node).ownFlags = List.of(flags);
    }

    Path privateDir(String node) {
        return node(node).privateDir;
    }

    List<String> names() {
        return List.copyOf(nodes.keySet());
    }

    List<String> live() {
        return nodes.values().stream().filter(n -> n.process != null && n.process.isAlive()).map(n -> n.name).toList();
    }

    int port(String node) {
        return node(node).port;
    }

    /** The address the cluster knows a node by. */
    String address(String node) {
        return "pekko://lvmcoord@" + node(node).host + ":" + node(node).port;
    }

    /** The node at a cluster address ("pekko://lvmcoord@127.0.0.1:PORT"). */
    String nodeAt(String address) {
        return nodes.values().stream().filter(n -> address(n.name).equals(address)).map(n -> n.name).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node at " + address + " among " + nodes.keySet()));
    }

    static Path aeronDir(String node) {
        return SHM.resolve(AERON_PREFIX + ProcessHandle.current().pid() + "-" + node);
    }

    Path log(String node) {
        return node(node).log;
    }

    /**
     * Starts every node: the first alone until it is ready (it creates the journal tables; two
     * agents creating them at once could race), then the others together.
     */
    void startAll() throws Exception {
        List<String> names = names();
        start(names.get(0));
        for (String n : names.subList(1, names.size())) {
            launch(n);
        }
        for (String n : names.subList(1, names.size())) {
            awaitStarted(n);
        }
    }

    /** Starts a node (again, after a kill: same port, state dir and devices) and waits for its start-up scan. */
    void start(String node) throws Exception {
        launch(node);
        awaitStarted(node);
    }

    private void launch(String name) throws IOException {
        Node n = node(name);
        if (n.process != null && n.process.isAlive()) {
            throw new IllegalStateException("node " + name + " is already running (pid " + n.process.pid() + ")");
        }
        n.incarnation++;
        n.log = work.resolve("agent-" + name + "-" + n.incarnation + ".log");
        List<String> cmd = new ArrayList<>(net == null ? List.of() : net.exec(name));
        // As an operator starts it (and the service unit does): the launcher, with the agent's JVM
        // settings and the class-data archive the build recorded, so start-up is timed as it runs.
        cmd.addAll(List.of(launcher().toString(), "agent",
                "--socket", n.socket.toString(), "--state-dir", n.stateDir.toString(), "--node-name", name,
                "--cluster-host", n.host, "--cluster-port", Integer.toString(n.port), "--devices-dir", san.toString(), "--devices-dir", n.privateDir.toString(),
                "--no-watch-devices", "--exit-on-stdin-eof"));
        for (Node seed : nodes.values()) {
            cmd.addAll(List.of("--seed", seed.host + ":" + seed.port));
        }
        cmd.addAll(agentFlags);
        cmd.addAll(n.ownFlags);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(n.log.toFile());
        pb.environment().putAll(postgres.agentEnvironment(net == null ? "localhost" : net.hostAddress()));
        pb.environment().put("LVMCOORD_JAVA_OPTS", String.join(" ", List.of(
                // Reads only on notification or request: a reconcile rescan would hide a missed re-read.
                "-Dlvmcoord.agent.reconcile-min-interval=10m", "-Dlvmcoord.agent.reconcile-max-interval=10m",
                "-Dlvmcoord.agent.aeron-dir=" + aeronDir(name),
                // The harness is one uid polling each node every few ms to time propagation: far past the
                // per-uid cap (50/s) meant for users, which would answer it 429.
                "-Dlvmcoord.api.rate-per-second=0",
                // Membership, sharding and persistence at INFO, timestamped: the log is how a failure here is diagnosed.
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS", "-Dorg.slf4j.simpleLogger.showLogName=true")));
        n.process = pb.start();
        // Held open, never written: its end (close, or this JVM dying) ends the agent.
        n.stdin = n.process.getOutputStream();
    }

    private void awaitStarted(String name) throws Exception {
        awaitReady(name);
        awaitScanPersisted(name);
    }

    /**
     * Starts a node (again, after a kill or an exit) and returns once its API answers ("agent
     * ready"): from then on it serves, from its journal, before its start-up scan is reported.
     */
    void launchAndAwaitReady(String name) throws Exception {
        launch(name);
        awaitReady(name);
    }

    /** Waits for a node's "agent ready on" line (its API is up). */
    void awaitReady(String name) throws Exception {
        awaitLine(name, "lvmcoord agent ready on");
    }

    /** Waits for a node's "start-up scan persisted" line. */
    void awaitScanPersisted(String name) throws Exception {
        awaitLine(name, "start-up scan persisted");
    }

    private void awaitLine(String name, String line) throws Exception {
        Node n = node(name);
        long until = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.readString(n.log).contains(line)) {
            if (!n.process.isAlive()) {
                throw new IllegalStateException("agent " + name + " exited with " + n.process.exitValue() + " before \"" + line
                        + "\"; log " + n.log + ":\n" + tail(n.log));
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("agent " + name + " did not log \"" + line + "\" within " + START_TIMEOUT + "; log "
                        + n.log + ":\n" + tail(n.log));
            }
            Thread.sleep(20);
        }
    }

    /** SIGKILL, as a crashing host; returns once the process is gone. */
    void kill9(String name) throws Exception {
        Node n = node(name);
        long pid = n.process.pid();
        n.process.destroyForcibly();
        if (!n.process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("agent " + name + " (pid " + pid + ") still running 10 s after SIGKILL");
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new IllegalStateException("pid " + pid + " of agent " + name + " is still alive after SIGKILL");
        }
        closeStdin(n);
    }

    void restart(String name) throws Exception {
        start(name);
    }

    /** Cuts a node off the network (its namespace's link down): needs the harness made with namespaces. */
    void cut(String name) throws IOException {
        requireNet().cut(name);
    }

    /** Undoes {@link #cut}. */
    void heal(String name) throws IOException {
        requireNet().heal(name);
    }

    private NetNamespaces requireNet() {
        if (net == null) {
            throw new IllegalStateException("this harness runs its nodes on the host's loopback: nothing to cut");
        }
        return net;
    }

    /** SIGSTOP: the process stays, answers nothing (a VM paused, a host stalled); {@link #resume} ends it. */
    void pause(String name) throws Exception {
        signal(name, "STOP");
    }

    /** SIGCONT after {@link #pause}. */
    void resume(String name) throws Exception {
        signal(name, "CONT");
    }

    private void signal(String name, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node(name).process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " of agent " + name + " failed");
        }
    }

    /** Waits for a node's process to end by itself; returns its exit code. */
    int awaitExit(String name, Duration timeout) throws Exception {
        Node n = node(name);
        if (!n.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("agent " + name + " still running after " + timeout + "; log:\n" + tail(n.log));
        }
        closeStdin(n);
        return n.process.exitValue();
    }

    boolean isAlive(String name) {
        Node n = node(name);
        return n.process != null && n.process.isAlive();
    }

    /**
     * Closes a node's standard input, as the death of this JVM would, and waits for the agent
     * to exit; returns its exit code.
     */
    int closeStdinAndAwaitExit(String name, Duration timeout) throws Exception {
        Node n = node(name);
        closeStdin(n);
        if (!n.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("agent " + name + " still running " + timeout + " after its stdin closed; log:\n" + tail(n.log));
        }
        return n.process.exitValue();
    }

    /** A client command against a node's socket, run in this JVM. */
    Run cli(String node, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--socket", node(node).socket.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ClientCli.run(a.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The node's {@code status} JSON. */
    JsonNode status(String node) {
        Run r = cli(node, "status");
        if (r.exit() != 0) {
            throw new IllegalStateException("status of " + node + " failed (" + r.exit() + "): " + r.err());
        }
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new UncheckedIOException("status of " + node + " is not JSON: " + r.out(), e);
        }
    }

    /** The seqno a node serves for a VG now, or empty when the query failed or found no such VG. */
    OptionalLong seqno(String node, String vg) {
        Run r = cli(node, "vgs", "--noheadings", "-o", "vg_seqno", vg);
        String s = r.out().trim();
        return r.exit() == 0 && s.matches("\\d+") ? OptionalLong.of(Long.parseLong(s)) : OptionalLong.empty();
    }

    /** Polls {@code status} of {@code node} until {@code test} holds; returns that status. */
    JsonNode awaitStatus(String node, String what, Duration timeout, Predicate<JsonNode> test) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        String failure = null;
        while (System.nanoTime() < until) {
            try {
                last = status(node);
                if (test.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                failure = e.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError(node + ": " + what + " not seen within " + timeout + "; last status: " + last
                + (failure == null ? "" : "; last failure: " + failure));
    }

    /** Waits until {@code node} lists exactly {@code n} members, all Up and reachable. */
    JsonNode awaitMembers(String node, int n, Duration timeout) throws InterruptedException {
        return awaitStatus(node, n + " members Up and reachable", timeout, s -> upAndReachable(s) == n && s.get("members").size() == n);
    }

    static int upAndReachable(JsonNode status) {
        int up = 0;
        for (JsonNode m : status.get("members")) {
            if (m.get("status").asText().equals("Up") && m.get("reachable").asBoolean()) {
                up++;
            }
        }
        return up;
    }

    /** Waits until {@code node} serves {@code seqno} or more for {@code vg}; returns what it served. */
    long awaitSeqno(String node, String vg, long seqno, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        Run last = null;
        String lastServed = "none";
        int failed = 0;
        while (System.nanoTime() < until) {
            last = cli(node, "vgs", "--noheadings", "-o", "vg_seqno", vg);
            String s = last.out().trim();
            if (last.exit() == 0 && s.matches("\\d+")) {
                if (Long.parseLong(s) >= seqno) {
                    return Long.parseLong(s);
                }
                lastServed = s + (last.mayBeStale() ? " (may be stale)" : "");
            } else {
                failed++;
            }
            Thread.sleep(5);
        }
        throw new AssertionError(node + " did not serve " + vg + " at seqno " + seqno + " within " + timeout + " (" + failed
                + " queries failed, last seqno served " + lastServed + "); last answer: exit " + last.exit() + ", out [" + last.out().trim() + "], err [" + last.err().trim() + "]");
    }

    /**
     * Waits until {@code node} serves {@code seqno} or more for {@code vg} without the
     * may-be-stale flag (it knows it is current); returns the time it took, in ms.
     */
    long awaitFresh(String node, String vg, long seqno, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long until = start + timeout.toNanos();
        Run last = null;
        while (System.nanoTime() < until) {
            last = cli(node, "vgs", "--noheadings", "-o", "vg_seqno", vg);
            String s = last.out().trim();
            if (last.exit() == 0 && s.matches("\\d+") && Long.parseLong(s) >= seqno && !last.mayBeStale()) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }
            Thread.sleep(5);
        }
        throw new AssertionError(node + " did not serve " + vg + " at seqno " + seqno + " unflagged within " + timeout + "; last answer: exit "
                + (last == null ? "none" : last.exit() + ", out [" + last.out().trim() + "], err [" + last.err().trim() + "]"));
    }

    /** The node hosting the shard of a VG's entity, per {@code asker}'s status (empty while unallocated). */
    Optional<String> shardHost(String asker, String vg) {
        for (JsonNode v : status(asker).get("vgs")) {
            if (v.get("name").asText().equals(vg) && v.hasNonNull("shard_host")) {
                return Optional.of(nodeAt(v.get("shard_host").asText()));
            }
        }
        return Optional.empty();
    }

    /**
     * A write on the SAN as lvm2 on {@code writer} would leave it: sanvg's two images replaced by
     * those of series state {@code seqno} ({@link #installState}), then {@code pvscan --cache} of
     * both on the writer ({@link #pvscanSan}; it returns once the writer's new reports are
     * persisted). Nobody else notices the new images until told: agents do not watch device files.
     */
    Run writeState(String writer, int seqno) throws IOException {
        installState(seqno);
        return pvscanSan(writer);
    }

    /** Replaces sanvg's images in the SAN by those of series state {@code seqno}. */
    void installState(int seqno) throws IOException {
        Fixtures.install(Fixtures.state(seqno), san, staging);
    }

    /** {@code pvscan --cache} of sanvg's two devices on {@code node}. */
    Run pvscanSan(String node) {
        List<String> args = new ArrayList<>(List.of("pvscan", "--cache"));
        args.addAll(sanDevices());
        return cli(node, args.toArray(String[]::new));
    }

    /** A notification's outcome after retries: the last answer, the attempts made, the time to it. */
    record Ack(Run last, int attempts, long millis) {
        boolean acknowledged() {
            return last.exit() == 0;
        }
    }

    /**
     * {@code pvscan --cache} of sanvg's devices on {@code node}, repeated while it fails, as a
     * host would retry, until {@code limit} has passed since {@code sinceNanos}.
     */
    Ack pvscanSanUntilAcknowledged(String node, long sinceNanos, Duration limit) {
        Run r;
        int attempts = 0;
        do {
            attempts++;
            r = pvscanSan(node);
        } while (r.exit() != 0 && System.nanoTime() - sinceNanos < limit.toNanos());
        return new Ack(r, attempts, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos));
    }

    /** Device paths of sanvg in the SAN (pv_name as agents report it). */
    List<String> sanDevices() {
        return Fixtures.SAN_IMAGES.stream().map(i -> san.resolve(i).toString()).toList();
    }

    private Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no node " + name + " in " + nodes.keySet());
        }
        return n;
    }

    private static void closeStdin(Node n) {
        try {
            n.stdin.close();
        } catch (IOException e) {
            // The agent is gone; the pipe's other end closed with it.
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // Held until all are picked, so the n ports differ.
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST));
                held.add(s);
                out.add(s.getLocalPort());
            }
            return out;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    /** Aeron directories of this run that exist (after close: that were left behind). */
    static List<Path> ownAeronDirs() throws IOException {
        String own = AERON_PREFIX + ProcessHandle.current().pid() + "-";
        try (Stream<Path> s = Files.list(SHM)) {
            return s.filter(p -> p.getFileName().toString().startsWith(own)).sorted().toList();
        }
    }

    /** Removes Aeron directories of harness JVMs that are no longer alive (killed runs). */
    private static void removeStaleAeronDirs() throws IOException {
        if (!Files.isDirectory(SHM)) {
            return;
        }
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(SHM)) {
            s.forEach(p -> {
                Matcher m = AERON_DIR.matcher(p.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(h -> !h.isAlive()).orElse(true)) {
                    stale.add(p);
                }
            });
        }
        for (Path p : stale) {
            deleteTree(p);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void killAll() {
        for (Node n : nodes.values()) {
            if (n.process != null) {
                n.process.destroyForcibly();
            }
        }
    }

    /** Kills every agent (nothing of a run's end is under test here) and removes this run's sockets, device images and Aeron dirs. */
    @Override
    public void close() throws Exception {
        killAll();
        for (Node n : nodes.values()) {
            if (n.process != null && !n.process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("agent " + n.name + " (pid " + n.process.pid() + ") survived SIGKILL for 10 s");
            }
            if (n.stdin != null) {
                closeStdin(n);
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killChildren);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway.
        }
        deleteTree(sockets);
        // The logs stay for diagnosis; the device images (~200 MB a run, not sparse) come from testdata again.
        deleteTree(san);
        deleteTree(staging);
        for (Node n : nodes.values()) {
            deleteTree(n.privateDir);
        }
        for (Path p : ownAeronDirs()) {
            deleteTree(p);
        }
    }
}
