package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.client.AgentClient;
import io.lvmcoord.agent.client.ClientCli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code lvmcoord agent} process for tests: started with the test's classpath (the jar is
 * built after the tests run), killed with the test JVM, its stderr kept in a log file.
 */
final class AgentProcess implements AutoCloseable {
    final Path socket;
    final Path log;
    private final Process process;

    private AgentProcess(Path socket, Path log, Process process) {
        this.socket = socket;
        this.log = log;
        this.process = process;
    }

    static AgentProcess start(Path work, String... flags) throws Exception {
        return start(work, java.util.Map.of(), flags);
    }

    /** @param env environment variables added to the agent's (LVM_SYSTEM_DIR, say) */
    static AgentProcess start(Path work, java.util.Map<String, String> env, String... flags) throws Exception {
        return start(work, work.resolve("agent-" + System.nanoTime() + ".log"), env, flags);
    }

    /** @param log where its stderr goes (truncated, same inode if it exists: a test may have named it in the env) */
    static AgentProcess start(Path work, Path log, java.util.Map<String, String> env, String... flags) throws Exception {
        Files.createDirectories(work);
        Path socket = work.resolve("agent.sock");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The flag the shaded jar's manifest gives `java -jar` (aeron-udp needs it).
                "-Xmx512m", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.lvmcoord.agent.Main", "agent",
                "--socket", socket.toString(), "--state-dir", work.resolve("state").toString()));
        cmd.addAll(List.of(flags));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        AgentProcess agent = new AgentProcess(socket, log, p);
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            if (!p.isAlive()) {
                throw new IllegalStateException("agent exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            if (Files.readString(log).contains("lvmcoord agent ready on")) {
                return agent;
            }
            Thread.sleep(50);
        }
        agent.close();
        throw new IllegalStateException("agent not ready after 60 s:\n" + Files.readString(log));
    }

    /** Waits for the start-up scan to be persisted. */
    void awaitScanned() throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            if (Files.readString(log).contains("start-up scan persisted")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("start-up scan not persisted after 60 s:\n" + Files.readString(log));
    }

    AgentClient client() {
        return new AgentClient(socket, Duration.ofSeconds(60));
    }

    /** A CLI client command against this agent: exit code, stdout, stderr. */
    record Run(int exit, String out, String err) {
    }

    Run cli(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--socket", socket.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ClientCli.run(a.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits up to {@code seconds} for the agent to exit on its own; whether it did. */
    boolean awaitExit(int seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    /** SIGTERM, as systemd stops it; the agent shuts down cleanly and removes its socket. */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
