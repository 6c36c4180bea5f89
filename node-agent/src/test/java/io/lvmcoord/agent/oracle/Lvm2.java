package io.lvmcoord.agent.oracle;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the real lvm2 tools, confined to the loop devices one scenario attached.
 *
 * <p>Every invocation carries {@code --devices} (so lvm2 never scans, locks or rewrites a device
 * this test does not own) and a {@code --config} that turns off metadata backups/archives and
 * the hints file, so a run leaves nothing behind in {@code /etc/lvm} or {@code /run/lvm}. The
 * kernel here has no device-mapper, hence {@code --driverloaded n}: lvm2 then edits metadata
 * only and reports the kernel-state columns of {@code lv_attr} as {@code X}.
 */
final class Lvm2 {

    /** Generous: a metadata change on a loop device takes ~50 ms; a hang must not stall the build forever. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /**
     * backup/archive off: lvm2 would otherwise write /etc/lvm/backup and /etc/lvm/archive on every
     * metadata change. hints off: lvm2 would otherwise (re)write /run/lvm/hints.
     */
    static final String CONFIG = "devices { hints=\"none\" } backup { backup=0 archive=0 }";

    /** lvm2 prints these on stdout even in JSON mode (2.03.16: "  Retrying metadata scan."). */
    private static final Pattern JSON_LINE = Pattern.compile("^\\s*[\\[\\]{}\"].*$|^\\s*$");

    private static final List<Path> SEARCH_DIRS = List.of(Path.of("/usr/sbin"), Path.of("/sbin"),
            Path.of("/usr/bin"), Path.of("/bin"), Path.of("/usr/local/sbin"));

    /** What one process did. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        String commandLine() {
            return command.stream().map(Lvm2::shellQuote).collect(Collectors.joining(" "));
        }

        Result orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException("command failed with exit code " + exitCode + ": "
                        + commandLine() + "\n--- stderr ---\n" + stderr + "--- stdout ---\n" + stdout);
            }
            return this;
        }
    }

    /** A report's stdout with lvm2's stray non-JSON lines taken out (they are kept for the log). */
    record Report(Result raw, String json, List<String> strippedLines) {}

    private final Path lvm;
    private final String deviceList;
    private final Consumer<String> log;

    /**
     * @param lvm the lvm binary (see {@link #locate()})
     * @param devices exactly the devices lvm2 may see
     * @param log receives every command line, so a failing scenario can be replayed by hand
     */
    Lvm2(Path lvm, List<String> devices, Consumer<String> log) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("lvm2 needs at least one device to be confined to");
        }
        this.lvm = lvm;
        this.deviceList = String.join(",", devices);
        this.log = log;
    }

    /** The value for {@code --devices}: the only devices lvm2 (and lvmcoord) may look at. */
    String deviceList() {
        return deviceList;
    }

    /**
     * A metadata-changing command ({@code pvcreate}, {@code vgcreate}, {@code lvcreate} ...);
     * throws with the command line and lvm2's stderr if it fails.
     */
    Result change(String command, List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(lvm.toString());
        argv.add(command);
        argv.addAll(args);
        argv.addAll(List.of("--devices", deviceList, "--config", CONFIG, "--driverloaded", "n"));
        log.accept("# " + displayed(argv));
        return execute(argv, COMMAND_TIMEOUT).orThrow();
    }

    /**
     * A report command exactly as lvmcoord gets it ({@code reportArgs} starts with pvs/vgs/lvs and
     * already names the devices); lvm2 additionally gets the config that keeps it side-effect free.
     * A non-zero exit is not thrown: the exit code is part of what lvmcoord must reproduce.
     */
    Report report(List<String> reportArgs) {
        if (!reportArgs.contains("--devices")) {
            throw new IllegalArgumentException("report without --devices would scan the whole host: " + reportArgs);
        }
        List<String> argv = new ArrayList<>();
        argv.add(lvm.toString());
        argv.addAll(reportArgs);
        argv.addAll(List.of("--config", CONFIG, "--driverloaded", "n"));
        log.accept("# " + displayed(argv));
        Result result = execute(argv, COMMAND_TIMEOUT);
        List<String> kept = new ArrayList<>();
        List<String> stripped = new ArrayList<>();
        for (String line : result.stdout().split("\n", -1)) {
            (JSON_LINE.matcher(line).matches() ? kept : stripped).add(line);
        }
        if (!stripped.isEmpty()) {
            log.accept("#   (stripped from lvm2 stdout: " + stripped + ")");
        }
        return new Report(result, String.join("\n", kept), stripped);
    }

    /**
     * The lvm binary, if lvm2 is installed and runs. {@code -Dlvmcoord.oracle.lvm=PATH} picks a
     * specific build (and, pointed at nothing, shows how the test behaves without lvm2).
     */
    static Optional<Path> locate() {
        String override = System.getProperty("lvmcoord.oracle.lvm");
        Optional<Path> candidate = override != null
                ? Optional.of(Path.of(override)).filter(Files::isExecutable)
                : findExecutable("lvm");
        return candidate.filter(lvm -> {
            Result version = execute(List.of(lvm.toString(), "version"), COMMAND_TIMEOUT);
            return version.exitCode() == 0 && version.stdout().contains("LVM version");
        });
    }

    /** An executable on PATH or in the sbin directories (root's PATH may lack them under Maven). */
    static Optional<Path> findExecutable(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(Arrays.stream(path.split(":")).filter(s -> !s.isEmpty()).map(Path::of),
                        SEARCH_DIRS.stream())
                .map(dir -> dir.resolve(name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Runs one process to completion. Output goes to temp files rather than pipes so neither
     * stream can fill up and block the child while we wait with a timeout.
     */
    static Result execute(List<String> argv, Duration timeout) {
        return execute(argv, timeout, Map.of());
    }

    /** As {@link #execute(List, Duration)}, with extra environment variables for the child. */
    static Result execute(List<String> argv, Duration timeout, Map<String, String> extraEnv) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("lvmcoord-oracle-", ".out");
            err = Files.createTempFile("lvmcoord-oracle-", ".err");
            ProcessBuilder pb = new ProcessBuilder(argv)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = pb.environment();
            // lvm2 complains about every fd the JVM leaves open; the warning is noise on stderr.
            env.put("LVM_SUPPRESS_FD_WARNINGS", "1");
            // Messages and number formats must not depend on the developer's locale.
            env.put("LC_ALL", "C");
            env.putAll(extraEnv);
            Process process = pb.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("timed out after " + timeout + ": " + displayed(argv)
                        + "\n--- stderr so far ---\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(List.copyOf(argv), process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + displayed(argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + displayed(argv), e);
        } finally {
            deleteTempFile(out);
            deleteTempFile(err);
        }
    }

    private static void deleteTempFile(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete temp file " + file, e);
        }
    }

    static String displayed(List<String> argv) {
        return argv.stream().map(Lvm2::shellQuote).collect(Collectors.joining(" "));
    }

    /** Quotes so a logged command line can be pasted into a shell as is. */
    static String shellQuote(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "_-+./,:=@%".indexOf(c) >= 0)) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
