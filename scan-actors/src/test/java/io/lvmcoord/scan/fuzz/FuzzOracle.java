package io.lvmcoord.scan.fuzz;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fuzz oracle, the same in CI and in the bench: a target must return for every input (errors
 * are values, so any {@link Throwable} escaping is a failure), within {@link Budget#maxMillis()}
 * of CPU time on its thread, and leave the heap under {@link Budget#maxHeapBytes()}.
 *
 * <p>Each input runs on a worker thread so a runaway input (a hang or an exponential walk) is
 * stopped after {@link Budget#hangMillis()} instead of stopping the run: the worker is stopped
 * with {@code Thread.stop} where the JDK still allows it, and abandoned (a new worker takes
 * over) where it does not. CPU time rather than wall time is compared with the budget because
 * the machines running CI are shared: a loaded host must not turn a fast input into a failure;
 * wall time is reported beside it.
 */
public final class FuzzOracle implements AutoCloseable {

    /** Limits per input; {@code hangMillis} is when the oracle gives up waiting for one. */
    public record Budget(long maxMillis, long maxHeapBytes, long hangMillis) {
        /** Issue 11's acceptance: 200 ms per input, heap under 256 MB. */
        public static final Budget ISSUE_11 = new Budget(200, 256L << 20, 10_000);
    }

    public enum Verdict { OK, CRASH, SLOW, HANG, HEAP }

    /**
     * What one input did. {@code error} is what escaped for CRASH, and for HANG a trace of where
     * the input was still running when it was stopped; {@code heapAfterGc} is set for HEAP.
     */
    public record Outcome(Verdict verdict, long cpuNanos, long wallNanos, Throwable error, long heapAfterGc) {
        public boolean ok() {
            return verdict == Verdict.OK;
        }

        public double cpuMillis() {
            return cpuNanos / 1e6;
        }

        public double wallMillis() {
            return wallNanos / 1e6;
        }

        /**
         * Groups failures by cause. A crash: the exception and the first project frame. A hang: the
         * project method it was spinning in (no line: a sample lands anywhere in the loop) and the
         * report field being computed, if any. A slow input has no trace: its verdict alone.
         */
        public String signature() {
            if (error == null) {
                return verdict.name();
            }
            StackTraceElement top = null;
            StackTraceElement field = null;
            for (StackTraceElement e : error.getStackTrace()) {
                boolean ours = e.getClassName().startsWith("io.lvmcoord.") && !e.getClassName().startsWith("io.lvmcoord.scan.fuzz.");
                if (ours && top == null) {
                    top = e;
                }
                if (field == null && e.getClassName().endsWith("report.Fields") && e.getMethodName().startsWith("lambda$define")) {
                    field = e;
                }
            }
            if (top == null && error.getStackTrace().length > 0) {
                top = error.getStackTrace()[0];
            }
            if (error instanceof StackOverflowError) {
                // Where the stack ran out is chance; the method that recurses is the cause.
                top = mostFrequentFrame(error.getStackTrace(), top);
            }
            if (verdict == Verdict.CRASH) {
                return error.getClass().getName() + (top == null ? "" : " at " + top.getClassName() + "." + top.getMethodName()
                        + ":" + top.getLineNumber());
            }
            return verdict.name() + (top == null ? "" : " in " + top.getClassName() + "." + top.getMethodName())
                    + (field == null || field == top ? "" : " (field lambda at Fields.java:" + field.getLineNumber() + ")");
        }

        private static StackTraceElement mostFrequentFrame(StackTraceElement[] trace, StackTraceElement fallback) {
            java.util.Map<String, Integer> counts = new java.util.HashMap<>();
            StackTraceElement best = fallback;
            int bestCount = 0;
            for (StackTraceElement e : trace) {
                if (!e.getClassName().startsWith("io.lvmcoord.")) {
                    continue;
                }
                int c = counts.merge(e.getClassName() + "." + e.getMethodName() + ":" + e.getLineNumber(), 1, Integer::sum);
                if (c > bestCount) {
                    bestCount = c;
                    best = e;
                }
            }
            return best;
        }

        public String describe() {
            return switch (verdict) {
                case OK -> String.format("ok in %.1f ms cpu", cpuMillis());
                case CRASH -> "escaped " + error + " (" + signature() + ") after " + String.format("%.1f ms", wallMillis());
                case SLOW -> String.format("slow: %.1f ms cpu, %.1f ms wall", cpuMillis(), wallMillis());
                case HANG -> String.format("no result after %.0f ms wall, stopped (%s)", wallMillis(), signature());
                case HEAP -> "heap still " + (heapAfterGc >> 20) + " MiB after GC";
            };
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Budget budget;
    private final AtomicReference<Thread> worker = new AtomicReference<>();
    private ExecutorService executor;

    public FuzzOracle(Budget budget) {
        this.budget = budget;
        this.executor = newWorker();
    }

    public Budget budget() {
        return budget;
    }

    private ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-target");
            t.setDaemon(true);
            worker.set(t);
            return t;
        });
    }

    /** Runs one input through {@code target} and judges it. */
    public Outcome run(Runnable target) {
        long[] cpu = new long[1];
        long wall0 = System.nanoTime();
        Future<?> f = executor.submit(() -> {
            long c0 = THREADS.getCurrentThreadCpuTime();
            try {
                target.run();
            } finally {
                cpu[0] = THREADS.getCurrentThreadCpuTime() - c0;
            }
            return null;
        });
        try {
            f.get(budget.hangMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return new Outcome(Verdict.CRASH, cpu[0], System.nanoTime() - wall0, e.getCause(), 0);
        } catch (TimeoutException e) {
            long wall = System.nanoTime() - wall0;
            // Where it spins is what groups hangs by cause, so it is captured before the worker is stopped.
            Throwable where = new Throwable("input still running after " + budget.hangMillis() + " ms");
            where.setStackTrace(worker.get().getStackTrace());
            stopWorker(f);
            return new Outcome(Verdict.HANG, wall, wall, where, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("fuzz run interrupted", e);
        }
        long wall = System.nanoTime() - wall0;
        if (cpu[0] > budget.maxMillis() * 1_000_000L) {
            return new Outcome(Verdict.SLOW, cpu[0], wall, null, 0);
        }
        Runtime rt = Runtime.getRuntime();
        if (rt.totalMemory() - rt.freeMemory() > budget.maxHeapBytes()) {
            // Garbage is allowed to pile up between collections; what the input keeps alive is not.
            System.gc();
            long used = rt.totalMemory() - rt.freeMemory();
            if (used > budget.maxHeapBytes()) {
                return new Outcome(Verdict.HEAP, cpu[0], wall, null, used);
            }
        }
        return new Outcome(Verdict.OK, cpu[0], wall, null, 0);
    }

    @SuppressWarnings({"deprecation", "removal"})
    private void stopWorker(Future<?> f) {
        f.cancel(true);
        Thread t = worker.get();
        try {
            t.stop();
            t.join(Duration.ofSeconds(2).toMillis());
        } catch (UnsupportedOperationException e) {
            // Newer JDKs refuse Thread.stop: the runaway thread is left to spin and a fresh worker takes over.
        } catch (InterruptedException e) {
            // Whoever interrupted the fuzzer wants it to stop; a fresh worker is still made so the oracle stays usable.
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        executor = newWorker();
    }

    /** Heap in use now, garbage included. */
    public static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Heap in use right after a full collection. */
    public static long usedHeapAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
