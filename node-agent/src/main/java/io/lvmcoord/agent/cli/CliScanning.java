package io.lvmcoord.agent.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lvmcoord.agent.discovery.DeviceOpener;
import io.lvmcoord.scan.DeviceTarget;
import io.lvmcoord.scan.LocalScanner;
import io.lvmcoord.scan.ScanFleet;
import io.lvmcoord.scan.ScanSettings;
import io.lvmcoord.scan.codec.DecodeError;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.nativeio.LinuxNativeIo;
import io.lvmcoord.scan.nativeio.NativeIoException;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct mode's scanning for the CLI commands: resolves the named devices (inflating gzipped
 * images), runs them through a {@link LocalScanner} (scan actors, I/O scheduler, engine) and
 * returns the outcomes in the order named.
 */
final class CliScanning {
    /** The CLI's actor system stays quiet: reports own stdout, warnings are ours to word. */
    private static final String QUIET = "pekko.loglevel = WARNING\n"
            + "pekko.stdout-loglevel = OFF\n"
            + "pekko.log-dead-letters = off\n"
            + "pekko.log-dead-letters-during-shutdown = off\n"
            + "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]\n"
            + "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"\n";

    /** Outcomes plus what the scan cost. */
    record Outcome(List<DeviceScan> scans, List<String> unopenable, long elapsedNanos, int devices, long reads, long bytes,
                   long syscalls, String engine) {
    }

    private CliScanning() {
    }

    static Config config() {
        return ConfigFactory.parseString(QUIET).withFallback(ConfigFactory.load());
    }

    static Outcome scan(List<String> names, String engineOverride, PrintStream progressTo) throws IOException, NativeIoException,
            InterruptedException {
        return scan(names, engineOverride, progressTo, 1, false);
    }

    /**
     * Scans {@code repeat} times in one process (the way a resident agent rescans) and returns
     * the last scan's outcomes and costs; earlier scans warm the JVM and the per-device state.
     */
    static Outcome scan(List<String> names, String engineOverride, PrintStream progressTo, int repeat, boolean forgetParsed)
            throws IOException, NativeIoException, InterruptedException {
        Config config = config();
        ScanSettings settings = ScanSettings.from(config);
        if (engineOverride != null) {
            settings = settings.withEngine(engineOverride);
        }
        List<String> unopenable = new ArrayList<>();
        List<DeviceTarget> targets = new ArrayList<>();
        try (DeviceOpener opener = new DeviceOpener()) {
            for (String name : new LinkedHashSet<>(names)) {
                try {
                    targets.add(new DeviceTarget(name, opener.resolve(name).toString()));
                } catch (IOException e) {
                    unopenable.add("Cannot use " + name + ": " + e.getMessage() + ".");
                }
            }
            try (LocalScanner scanner = LocalScanner.start(config, settings, new LinuxNativeIo())) {
                Duration budget = settings.limits().deadline().multipliedBy(8).plusSeconds(30 + targets.size() / 50);
                for (int i = 1; i < repeat; i++) {
                    scanner.scan(targets, null, budget, forgetParsed);
                }
                var before = scanner.scheduler().stats();
                AtomicInteger done = new AtomicInteger();
                Progress progress = progressTo == null ? null : Progress.start(progressTo, done, targets.size());
                long t0 = System.nanoTime();
                ScanFleet.FleetResult r;
                try {
                    r = scanner.scan(targets, done, budget, forgetParsed);
                } finally {
                    if (progress != null) {
                        progress.stop();
                    }
                }
                long elapsed = System.nanoTime() - t0;
                // Closes trail the outcomes; count them with the scan they belong to.
                var stats = scanner.scheduler().awaitQuiet(Duration.ofSeconds(5));
                return new Outcome(r.outcomes(), unopenable, elapsed, targets.size(), stats.reads() - before.reads(),
                        stats.bytesRead() - before.bytesRead(), stats.syscalls() - before.syscalls(), stats.engine());
            }
        }
    }

    static String describe(DeviceScan s) {
        if (s instanceof DeviceScan.PvScan pv) {
            long used = pv.mdas().stream().filter(m -> m.vg() != null).count();
            String vg = pv.metadata().map(m -> m.name() + " seqno=" + m.seqno()).orElse("-");
            return s.device() + "\tpv uuid=" + pv.label().pvUuidDashed() + " vg=" + vg + " mdas=" + used + "/" + pv.mdas().size()
                    + " dev_size=" + pv.deviceSize();
        }
        if (s instanceof DeviceScan.NotAPv n) {
            return s.device() + "\tnot-a-pv " + n.reason().reason() + " dev_size=" + n.deviceSize();
        }
        DecodeError e = ((DeviceScan.DeviceFault) s).error();
        String kind = e.kind() == DecodeError.Kind.TIMED_OUT ? "timed-out" : "fault " + e.kind().name().toLowerCase().replace('_', '-');
        return s.device() + "\t" + kind + " " + e.reason();
    }

    /**
     * A one-line progress bar on a terminal, shown only once a scan has run for a second: `scan
     * --progress` and every direct-mode report. It is drawn over itself with carriage returns
     * and erased at the end, so what stays on the terminal is the report alone.
     */
    static final class Progress {
        /** Scans shorter than this show nothing: the bar is for a scan a user might take for a hang. */
        static final Duration SHOW_AFTER = Duration.ofSeconds(1);

        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean drawn;
        private final PrintStream out;

        private Progress(PrintStream out, AtomicInteger done, int total, Duration showAfter) {
            this.out = out;
            long start = System.nanoTime();
            thread = new Thread(() -> {
                while (running) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (running && System.nanoTime() - start >= showAfter.toNanos()) {
                        int d = done.get();
                        int width = 40;
                        int filled = total == 0 ? width : (int) ((long) d * width / total);
                        out.print("\r[" + "=".repeat(filled) + " ".repeat(width - filled) + "] " + d + "/" + total + " devices");
                        out.flush();
                        drawn = true;
                    }
                }
            }, "lvmcoord-progress");
            thread.setDaemon(true);
            thread.start();
        }

        /** A bar on {@code out} when standard error is a terminal (scripts and pipes never get one), else none. */
        static Progress start(PrintStream out, AtomicInteger done, int total) {
            return LinuxNativeIo.isTerminal(2) ? start(out, done, total, SHOW_AFTER) : null;
        }

        static Progress start(PrintStream out, AtomicInteger done, int total, Duration showAfter) {
            return new Progress(out, done, total, showAfter);
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(1000);
            if (drawn) {
                out.print("\r" + " ".repeat(70) + "\r");
                out.flush();
            }
        }
    }
}
