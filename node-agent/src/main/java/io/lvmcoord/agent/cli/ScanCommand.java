package io.lvmcoord.agent.cli;

import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.nativeio.NativeIoException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lvmcoord scan}: reads the named devices through the scan actors and prints one line per
 * device, plus (with --stats) what it cost.
 */
@Command(name = "scan", description = {"Scan devices through the scan actors and print one outcome line per device:",
        "  DEV<TAB>pv uuid=... vg=NAME seqno=N mdas=USED/COUNT dev_size=BYTES",
        "  DEV<TAB>not-a-pv REASON dev_size=BYTES",
        "  DEV<TAB>timed-out REASON   |   DEV<TAB>fault KIND REASON"},
        footer = {"", "Examples:",
                "  lvmcoord scan --devices /dev/sdb,/dev/sdc --stats",
                "  lvmcoord scan --devices-file my-devices.txt --engine pread",
                "", "Tunables (see reference.conf, set with LVMCOORD_JAVA_OPTS=-D...): lvmcoord.scan.io-deadline,",
                "max-ios-in-flight, max-bytes-in-flight, head-read, direct-io."})
final class ScanCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--devices", paramLabel = "D1,D2,...", split = ",", required = true,
                description = "Devices or image files to scan (gzipped images are inflated to a temporary file). Repeatable.")
        List<String> devices;

        @Option(names = "--devices-file", paramLabel = "FILE", required = true,
                description = "File listing one device per line ('#' starts a comment).")
        Path devicesFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--stats", description = "Print on stderr: scan-stats devices=N pvs=P faults=F reads=R bytes=B syscalls=S elapsed_ms=T engine=E")
    boolean stats;

    @Option(names = "--progress", description = "Show a progress bar on stderr (only on a terminal, and only for scans over a second).")
    boolean progress;

    @Option(names = "--engine", paramLabel = "auto|io_uring|pread", description = "I/O engine (default: lvmcoord.scan.engine, auto).")
    String engine;

    @Option(names = "--repeat", paramLabel = "K", defaultValue = "1",
            description = "Scan K times in this process, as a resident agent rescans, and report the last scan (default 1).")
    int repeat;

    @Option(names = "--no-metadata-reuse",
            description = "With --repeat: forget parsed metadata between scans, so every text is read and parsed again as lvm2 does.")
    boolean noMetadataReuse;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    PrintStream out;
    PrintStream err;

    @Override
    public Integer call() {
        List<String> names;
        try {
            names = source.devices != null ? source.devices : readDevicesFile(source.devicesFile);
        } catch (IOException e) {
            err.println("lvmcoord scan: cannot read " + source.devicesFile + ": " + e.getMessage());
            return ReportCommand.EXIT_USAGE;
        }
        if (engine != null && !List.of("auto", "io_uring", "pread").contains(engine)) {
            err.println("lvmcoord scan: --engine must be auto, io_uring or pread, not " + engine);
            return ReportCommand.EXIT_USAGE;
        }
        CliScanning.Outcome o;
        try {
            o = CliScanning.scan(names, engine, progress ? err : null, Math.max(1, repeat), noMetadataReuse);
        } catch (IOException | NativeIoException e) {
            err.println("lvmcoord scan: " + e.getMessage());
            return ReportCommand.EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ReportCommand.EXIT_FAILED;
        }
        StringBuilder sb = new StringBuilder();
        int pvs = 0;
        int faults = o.unopenable().size();
        for (DeviceScan s : o.scans()) {
            sb.append(CliScanning.describe(s)).append('\n');
            if (s instanceof DeviceScan.PvScan) {
                pvs++;
            } else if (s instanceof DeviceScan.DeviceFault) {
                faults++;
            }
        }
        out.print(sb);
        out.flush();
        for (String u : o.unopenable()) {
            err.println("WARNING: " + u);
        }
        if (stats) {
            err.println("scan-stats devices=" + (o.devices() + o.unopenable().size()) + " pvs=" + pvs + " faults=" + faults + " reads=" + o.reads()
                    + " bytes=" + o.bytes() + " syscalls=" + o.syscalls() + " elapsed_ms=" + o.elapsedNanos() / 1_000_000 + " engine=" + o.engine());
        }
        return faults > 0 ? ReportCommand.EXIT_FAILED : 0;
    }

    private static List<String> readDevicesFile(Path f) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
            String l = line.replaceFirst("#.*", "").trim();
            if (!l.isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }
}
