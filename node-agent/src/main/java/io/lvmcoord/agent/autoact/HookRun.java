package io.lvmcoord.agent.autoact;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * One run of the hook's command: started without a shell, stdin closed, stdout and stderr
 * drained (the first {@code maxOutput} bytes of each kept), killed with every process it started
 * once the timeout passes. Blocks its caller for as long as the command runs: call it on a thread
 * of its own, never an actor's.
 *
 * <p>The process tree is taken before anything is killed: a child whose parent dies first is
 * re-parented to init and would no longer be found among the command's descendants. A process
 * that left the tree on its own (daemonized) is out of reach and keeps the output pipes open;
 * the output is then collected for {@link #DRAIN} after the command ended, and what came by then
 * is what the run reports.
 */
public final class HookRun {
    /** How long output is still collected after the command ended or was killed. */
    static final Duration DRAIN = Duration.ofSeconds(2);
    /** How long a killed process may take to be reaped (SIGKILL is not refused; a process in D state may delay it). */
    static final Duration REAP = Duration.ofSeconds(10);

    /** How a run ended. */
    public sealed interface Result permits Exited, TimedOut, NotStarted {
    }

    /** The command exited with {@code code} (128+n after signal n, as a shell reports it). */
    public record Exited(int code) implements Result {
    }

    /** The timeout passed: the command and {@code killed} processes it had started were killed. */
    public record TimedOut(Duration timeout, int killed) implements Result {
    }

    /** The command could not be started (no such program, not executable, ...). */
    public record NotStarted(String reason) implements Result {
    }

    /**
     * What one run did: the argv run, when it started, how long it took, how it ended, and the
     * beginning of its output (with whether more was dropped).
     */
    public record Outcome(List<String> argv, Instant started, long durationMillis, Result result, String stdout, boolean stdoutTruncated,
                          String stderr, boolean stderrTruncated) {
        public Outcome {
            argv = List.copyOf(argv);
        }

        public boolean succeeded() {
            return result instanceof Exited e && e.code() == 0;
        }

        /** The first {@code n} non-blank lines of stderr. */
        public List<String> stderrLines(int n) {
            return stderr.lines().filter(l -> !l.isBlank()).limit(n).toList();
        }
    }

    private HookRun() {
    }

    /**
     * Runs {@code argv} to its end or its {@code timeout}.
     *
     * @param env     variables added to the agent's environment
     * @param readers runs the two output readers (they block on the pipes; a cached pool of daemon threads)
     * @param nanos   the monotonic clock durations are measured with
     */
    public static Outcome run(List<String> argv, Map<String, String> env, Duration timeout, int maxOutput, Executor readers,
                              LongSupplier nanos) {
        Instant started = Instant.now();
        long t0 = nanos.getAsLong();
        ProcessBuilder pb = new ProcessBuilder(argv).directory(Path.of("/").toFile());
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException | SecurityException | IllegalArgumentException e) {
            return new Outcome(argv, started, millisSince(t0, nanos), new NotStarted(String.valueOf(e.getMessage())), "", false, "", false);
        }
        try {
            // Closed stdin: a command that asks (a confirmation prompt) reads end-of-file instead of hanging until the timeout.
            p.getOutputStream().close();
        } catch (IOException e) {
            // The command already exited and closed its end: nothing to tell it.
        }
        CompletableFuture<Capture> out = CompletableFuture.supplyAsync(() -> Capture.of(p.getInputStream(), maxOutput), readers);
        CompletableFuture<Capture> err = CompletableFuture.supplyAsync(() -> Capture.of(p.getErrorStream(), maxOutput), readers);
        Result result;
        try {
            if (p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                result = new Exited(p.exitValue());
            } else {
                result = new TimedOut(timeout, killTree(p));
            }
        } catch (InterruptedException e) {
            // The agent is stopping: the command is killed rather than left running unobserved.
            int killed = killTree(p);
            Thread.currentThread().interrupt();
            result = new TimedOut(Duration.ofNanos(nanos.getAsLong() - t0), killed);
        }
        long duration = millisSince(t0, nanos);
        Capture o = collected(out);
        Capture e = collected(err);
        return new Outcome(argv, started, duration, result, o.text(), o.truncated(), e.text(), e.truncated());
    }

    /** SIGKILL to the process and every descendant found before the first kill; how many descendants there were. */
    static int killTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        p.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(REAP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return tree.size();
    }

    private static Capture collected(CompletableFuture<Capture> f) {
        try {
            return f.get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Capture("", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Capture("", true);
        } catch (ExecutionException e) {
            return new Capture("(output unreadable: " + e.getCause() + ")", false);
        }
    }

    private static long millisSince(long t0, LongSupplier nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos.getAsLong() - t0);
    }

    /** The beginning of a stream; the rest is read and dropped so that the writer never blocks on a full pipe. */
    private record Capture(String text, boolean truncated) {
        static Capture of(InputStream in, int limit) {
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            boolean truncated = false;
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    int room = limit - kept.size();
                    if (n > room) {
                        truncated = true;
                    }
                    kept.write(buf, 0, Math.max(0, Math.min(n, room)));
                }
            } catch (IOException e) {
                // The pipe broke (the process was killed): what was read is the output.
            }
            return new Capture(kept.toString(StandardCharsets.UTF_8), truncated);
        }
    }
}
