package io.lvmcoord.bench;

import io.lvmcoord.coordinator.report.ReportPathTarget;
import io.lvmcoord.scan.fuzz.FixtureSeeds;
import io.lvmcoord.scan.fuzz.FuzzInputs;
import io.lvmcoord.scan.fuzz.FuzzOracle;
import io.lvmcoord.scan.fuzz.Reproducers;
import io.lvmcoord.scan.fuzz.ScanTargets;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The long fuzz run of issue 11: N inputs (default 1,000,000) spread round-robin over the four
 * targets (decoder, parser, importer, whole report path), each judged by the same
 * {@link FuzzOracle} as the CI properties. Prints inputs/s, crashes grouped by cause with saved
 * reproducers, slow inputs with their times, hangs, and heap figures; exits 1 when any input
 * failed. Input {@code i} uses seed {@code mix(seed + i)}, so {@code --replay target:inputSeed}
 * re-runs exactly one input. Run it with {@code -Xmx256m} (bench/run-fuzz.sh does) so the heap
 * bound is enforced by the JVM itself: an input that needs more fails with OutOfMemoryError.
 */
public final class FuzzBench {
    private static final int MIB = 1 << 20;

    /** The four targets; each builds its input from a seed and runs it. */
    enum Target {
        DECODE {
            @Override
            Runnable prepare(long seed, Path out, Failure sink) {
                FuzzInputs.Devices in = FuzzInputs.oneDevice(seed);
                sink.saver = o -> Reproducers.save(out, "decode", o, in);
                return () -> ScanTargets.decode(in);
            }
        },
        PARSE {
            @Override
            Runnable prepare(long seed, Path out, Failure sink) {
                FuzzInputs.Text in = FuzzInputs.text(seed);
                sink.saver = o -> Reproducers.save(out, "parse", o, in);
                return () -> ScanTargets.parse(in);
            }
        },
        IMPORT {
            @Override
            Runnable prepare(long seed, Path out, Failure sink) {
                FuzzInputs.Text in = FuzzInputs.text(seed);
                sink.saver = o -> Reproducers.save(out, "import", o, in);
                return () -> ScanTargets.importVg(in);
            }
        },
        REPORT {
            @Override
            Runnable prepare(long seed, Path out, Failure sink) {
                FuzzInputs.Devices in = FuzzInputs.scenario(seed);
                sink.saver = o -> Reproducers.save(out, "report", o, in, "command: " + ReportPathTarget.command(in));
                return () -> ReportPathTarget.run(in);
            }
        };

        abstract Runnable prepare(long seed, Path out, Failure sink);
    }

    /** How to save the current input if it fails (set by {@link Target#prepare}). */
    static final class Failure {
        java.util.function.Function<FuzzOracle.Outcome, Path> saver;
    }

    /** Per target: counts, time, failures by signature, the slowest inputs. */
    static final class Stats {
        long inputs;
        long wallNanos;
        double maxCpuMillis;
        long slow;
        long hangs;
        long heap;
        final Map<String, Group> groups = new LinkedHashMap<>();
        final List<long[]> slowest = new ArrayList<>(); // {seed, cpuMicros, wallMicros}
    }

    static final class Group {
        long count;
        final List<Long> seeds = new ArrayList<>();
        final List<Path> saved = new ArrayList<>();
        String example;
    }

    public static void main(String[] args) throws Exception {
        long inputs = 1_000_000;
        long seed = 11;
        Path out = Path.of("bench", "results", "fuzz");
        List<Target> targets = List.of(Target.values());
        long budgetMs = FuzzOracle.Budget.ISSUE_11.maxMillis();
        // Ten times the budget: long enough to tell slow from stuck, short enough that stuck inputs do not eat the run.
        long hangMs = 2_000;
        int maxSaved = 3;
        String replay = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--inputs" -> inputs = Long.parseLong(args[++i].replace("_", ""));
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--targets" -> targets = java.util.Arrays.stream(args[++i].split(","))
                        .map(t -> Target.valueOf(t.trim().toUpperCase(Locale.ROOT))).toList();
                case "--budget-ms" -> budgetMs = Long.parseLong(args[++i]);
                case "--hang-ms" -> hangMs = Long.parseLong(args[++i]);
                case "--max-saved" -> maxSaved = Integer.parseInt(args[++i]);
                case "--replay" -> replay = args[++i];
                default -> {
                    System.err.println("usage: FuzzBench [--inputs N] [--seed S] [--out DIR] [--targets decode,parse,import,report]"
                            + " [--budget-ms 200] [--hang-ms 2000] [--max-saved 3] [--replay target:inputSeed]");
                    System.exit(2);
                }
            }
        }
        FuzzOracle.Budget budget = new FuzzOracle.Budget(budgetMs, Runtime.getRuntime().maxMemory(), hangMs);
        // The heap bound is the JVM's own (-Xmx); the oracle's after-GC check uses the same figure.
        long t0 = System.nanoTime();
        int scenarios = FixtureSeeds.scenarios().size();
        System.out.printf("fuzz: %d scenarios, %d PV seeds, %d distinct texts loaded in %.1f s; heap max %d MiB, used after GC %d MiB%n",
                scenarios, FixtureSeeds.pvSeeds().size(), FixtureSeeds.texts().size(), (System.nanoTime() - t0) / 1e9,
                Runtime.getRuntime().maxMemory() / MIB, FuzzOracle.usedHeapAfterGc() / MIB);
        long w0 = System.nanoTime();
        FuzzInputs.warmUp(ScanTargets::decode, 20);
        FuzzInputs.warmUp(ReportPathTarget::runEvery, 3);
        System.out.printf("fuzz: JIT warm-up on the unchanged scenarios took %.1f s%n", (System.nanoTime() - w0) / 1e9);
        try (FuzzOracle oracle = new FuzzOracle(budget)) {
            if (replay != null) {
                System.exit(replay(oracle, replay, out));
            }
            System.exit(run(oracle, inputs, seed, out, targets, maxSaved));
        }
    }

    private static int replay(FuzzOracle oracle, String spec, Path out) {
        String[] p = spec.split(":", 2);
        Target t = Target.valueOf(p[0].trim().toUpperCase(Locale.ROOT));
        long s = Long.parseLong(p[1].trim());
        Failure sink = new Failure();
        FuzzOracle.Outcome o = oracle.run(t.prepare(s, out, sink));
        System.out.println(t.name().toLowerCase(Locale.ROOT) + " seed " + s + ": " + o.describe());
        if (o.error() != null) {
            StringWriter w = new StringWriter();
            o.error().printStackTrace(new PrintWriter(w));
            System.out.println(String.join("\n", w.toString().lines().limit(40).toList()));
        }
        if (!o.ok()) {
            System.out.println("saved: " + sink.saver.apply(o));
        }
        return o.ok() ? 0 : 1;
    }

    private static int run(FuzzOracle oracle, long inputs, long seed, Path out, List<Target> targets, int maxSaved) {
        Map<Target, Stats> stats = new LinkedHashMap<>();
        for (Target t : targets) {
            stats.put(t, new Stats());
        }
        System.out.printf("fuzz: %,d inputs over %s, seed %d, budget %d ms cpu per input, reproducers under %s%n", inputs,
                targets.stream().map(t -> t.name().toLowerCase(Locale.ROOT)).toList(), seed, oracle.budget().maxMillis(),
                out.toAbsolutePath());
        long start = System.nanoTime();
        long lastReport = start;
        long fuzzerErrors = 0;
        long peakUsed = 0;
        for (long i = 0; i < inputs; i++) {
            Target t = targets.get((int) (i % targets.size()));
            long inputSeed = mix(seed + i);
            Stats st = stats.get(t);
            Failure sink = new Failure();
            FuzzOracle.Outcome o;
            try {
                o = oracle.run(t.prepare(inputSeed, out, sink));
            } catch (RuntimeException | Error e) {
                // The input generator itself failed: a bug in the fuzzer, counted apart so it is not taken for a target's.
                fuzzerErrors++;
                if (fuzzerErrors <= 5) {
                    System.err.println("fuzzer error making " + t + " input " + inputSeed + ": " + e);
                }
                continue;
            }
            peakUsed = Math.max(peakUsed, FuzzOracle.usedHeap());
            st.inputs++;
            st.wallNanos += o.wallNanos();
            st.maxCpuMillis = Math.max(st.maxCpuMillis, o.cpuMillis());
            if (!o.ok()) {
                switch (o.verdict()) {
                    case SLOW -> st.slow++;
                    case HANG -> st.hangs++;
                    case HEAP -> st.heap++;
                    default -> {
                    }
                }
                if (o.verdict() == FuzzOracle.Verdict.SLOW || o.verdict() == FuzzOracle.Verdict.HANG) {
                    st.slowest.add(new long[]{inputSeed, o.cpuNanos() / 1000, o.wallNanos() / 1000});
                    st.slowest.sort(Comparator.comparingLong((long[] a) -> a[1]).reversed());
                    if (st.slowest.size() > 10) {
                        st.slowest.remove(10);
                    }
                }
                Group g = st.groups.computeIfAbsent(o.signature(), k -> new Group());
                g.count++;
                if (g.seeds.size() < 5) {
                    g.seeds.add(inputSeed);
                }
                if (g.example == null) {
                    g.example = o.describe();
                }
                if (g.saved.size() < maxSaved && sink.saver != null) {
                    g.saved.add(sink.saver.apply(o));
                }
            }
            long now = System.nanoTime();
            if (now - lastReport > 10_000_000_000L) {
                lastReport = now;
                long failed = stats.values().stream().flatMap(s -> s.groups.values().stream()).mapToLong(g -> g.count).sum();
                Runtime rt = Runtime.getRuntime();
                System.err.printf("  %,d inputs, %.0f/s, %d failed, heap %d MiB%n", i + 1, (i + 1) / ((now - start) / 1e9), failed,
                        (rt.totalMemory() - rt.freeMemory()) / MIB);
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        return print(stats, inputs, secs, oracle.budget(), out, fuzzerErrors, peakUsed);
    }

    private static int print(Map<Target, Stats> stats, long inputs, double secs, FuzzOracle.Budget budget, Path out,
                             long fuzzerErrors, long peakUsed) {
        System.out.printf("%nfuzz result: %,d inputs in %.1f s: %.0f inputs/s%n", inputs, secs, inputs / secs);
        System.out.printf("%-8s %10s %10s %8s %6s %6s %6s %12s%n", "target", "inputs", "inputs/s", "crashes", "slow", "hangs", "heap",
                "max cpu ms");
        long failures = 0;
        for (Map.Entry<Target, Stats> e : stats.entrySet()) {
            Stats s = e.getValue();
            long crashes = s.groups.values().stream().mapToLong(g -> g.count).sum() - s.slow - s.hangs - s.heap;
            failures += crashes + s.slow + s.hangs + s.heap;
            System.out.printf("%-8s %,10d %10.0f %8d %6d %6d %6d %12.1f%n", e.getKey().name().toLowerCase(Locale.ROOT), s.inputs,
                    s.wallNanos == 0 ? 0.0 : s.inputs / (s.wallNanos / 1e9), crashes, s.slow, s.hangs, s.heap, s.maxCpuMillis);
        }
        System.out.println("\nfailures by cause (first seeds replay with --replay target:seed):");
        boolean any = false;
        for (Map.Entry<Target, Stats> e : stats.entrySet()) {
            for (Map.Entry<String, Group> g : e.getValue().groups.entrySet()) {
                any = true;
                Group v = g.getValue();
                System.out.printf("  [%s] %s: %,d inputs%n      e.g. %s%n      seeds %s%n", e.getKey().name().toLowerCase(Locale.ROOT),
                        g.getKey(), v.count, v.example, v.seeds);
                for (Path p : v.saved) {
                    System.out.println("      saved " + p);
                }
            }
        }
        if (!any) {
            System.out.println("  none");
        }
        System.out.printf("%nslow inputs (> %d ms cpu) and hangs, slowest first:%n", budget.maxMillis());
        boolean slowAny = false;
        for (Map.Entry<Target, Stats> e : stats.entrySet()) {
            for (long[] s : e.getValue().slowest) {
                slowAny = true;
                System.out.printf("  [%s] seed %d: %.1f ms cpu, %.1f ms wall%n", e.getKey().name().toLowerCase(Locale.ROOT), s[0],
                        s[1] / 1000.0, s[2] / 1000.0);
            }
        }
        if (!slowAny) {
            System.out.println("  none");
        }
        System.out.printf("%nheap: limit (-Xmx) %d MiB (an input needing more fails above as OutOfMemoryError), highest use seen"
                        + " after an input %d MiB (garbage included), used after GC at the end %d MiB%n",
                Runtime.getRuntime().maxMemory() / MIB, peakUsed / MIB, FuzzOracle.usedHeapAfterGc() / MIB);
        if (fuzzerErrors > 0) {
            System.out.println("fuzzer errors (input generation failed, not counted as inputs of a target): " + fuzzerErrors);
        }
        System.out.println("reproducers: " + out.toAbsolutePath());
        System.out.println(failures == 0 ? "fuzz: no failures" : "fuzz: " + failures + " failing inputs");
        return failures == 0 ? 0 : 1;
    }

    /** SplitMix64's finaliser: neighbouring input numbers get unrelated seeds. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
