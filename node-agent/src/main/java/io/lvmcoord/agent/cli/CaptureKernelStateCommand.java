package io.lvmcoord.agent.cli;

import io.lvmcoord.scan.dm.DmCapture;
import io.lvmcoord.scan.dm.KernelDm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code lvmcoord capture-kernel-state DIR}: this host's device-mapper state, read with the DM
 * ioctls, written as a vmlab recording's {@code dm/} folder ({@link DmCapture}). Reports can then
 * be reproduced elsewhere from the recording, and the files compare line for line with
 * {@code dmsetup info -c}, {@code status} and {@code table} taken at the same moment.
 */
@Command(name = "capture-kernel-state", description = {"Write this host's device-mapper state into DIR as a recording: "
        + "info.txt, status.txt, table.txt (as dmsetup info -c/status/table print them), version.txt, the sysfs entries of the dm "
        + "devices and the devices they hold, proc/partitions and commands.txt. Needs root; a host without device-mapper "
        + "gives a recording without devices."},
        footer = {"", "Examples:",
                "  sudo lvmcoord capture-kernel-state /tmp/dm-now",
                "  lvmcoord capture-kernel-state --sysfs /mnt/other/sys --proc /mnt/other/proc /tmp/dm-now"})
public final class CaptureKernelStateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "Where to write (created when missing; must be empty).")
    Path dir;

    @Option(names = "--sysfs", paramLabel = "ROOT", description = "sysfs to read read-ahead and device entries from (default /sys).")
    Path sysfs = Path.of("/sys");

    @Option(names = "--proc", paramLabel = "ROOT", description = "procfs to copy partitions from (default /proc).")
    Path proc = Path.of("/proc");

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() {
        if (Files.exists(dir) && !(Files.isDirectory(dir) && isEmpty(dir))) {
            err.println("lvmcoord capture-kernel-state: " + dir + " is not an empty directory; give a new or empty one");
            return ReportCommand.EXIT_USAGE;
        }
        try {
            KernelDm.Snapshot snap = new KernelDm(sysfs).snapshot();
            snap.notAvailable().ifPresent(why -> err.println("lvmcoord capture-kernel-state: " + why + "; writing a recording without devices"));
            Files.createDirectories(dir);
            List<Path> written = DmCapture.write(snap.state(), sysfs, proc, dir);
            out.println(snap.state().devices().size() + " dm devices, " + written.size() + " files in " + dir);
            return 0;
        } catch (IOException e) {
            err.println("lvmcoord capture-kernel-state: " + e.getMessage());
            return ReportCommand.EXIT_FAILED;
        }
    }

    private static boolean isEmpty(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
