package io.lvmcoord.agent.oracle;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Loop devices over sparse files in a private temp directory, for one scenario.
 *
 * <p>The host may have loop devices of its own (or another test's), so this class remembers
 * exactly the devices <em>it</em> attached and {@link #close()} detaches only those — after
 * checking in sysfs that each one is still backed by our file, so a device that was detached
 * behind our back and reused by someone else is left alone. {@code close()} runs also when the
 * scenario failed (try-with-resources), then deletes the backing files and the directory.
 */
final class LoopDevices implements AutoCloseable {

    private static final Duration LOSETUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern LOOP_PATH = Pattern.compile("/dev/loop[0-9]+");

    /** One attached device; {@code label} names its role in the scenario (pv1, orphan, blank ...). */
    record LoopDevice(String label, String path, Path backingFile, long sizeBytes) {}

    /** losetup could not attach (no free loop device, no permission, no loop driver). */
    static final class AttachFailed extends IOException {
        private static final long serialVersionUID = 1L;

        AttachFailed(String message) {
            super(message);
        }
    }

    private final Path losetup;
    private final Path directory;
    private final Consumer<String> log;
    private final List<LoopDevice> attached = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private boolean closed;

    private LoopDevices(Path losetup, Path directory, Consumer<String> log) {
        this.losetup = losetup;
        this.directory = directory;
        this.log = log;
    }

    /** Creates the private backing-file directory; nothing is attached yet. */
    static LoopDevices open(Path losetup, String tempPrefix, Consumer<String> log) throws IOException {
        return new LoopDevices(losetup, Files.createTempDirectory(tempPrefix), log);
    }

    static Optional<Path> locateLosetup() {
        return Lvm2.findExecutable("losetup");
    }

    /** Creates a sparse zero-filled file of {@code sizeBytes} and attaches it to a free loop device. */
    LoopDevice attach(String label, long sizeBytes) throws IOException {
        if (closed) {
            throw new IllegalStateException("already closed");
        }
        Path file = directory.resolve(label + ".img");
        files.add(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(sizeBytes); // sparse: costs no disk space until lvm2 writes
        }
        Lvm2.Result result = Lvm2.execute(
                List.of(losetup.toString(), "-f", "--show", file.toString()), LOSETUP_TIMEOUT);
        String path = result.stdout().strip();
        if (result.exitCode() != 0) {
            throw new AttachFailed("losetup -f --show " + file + " failed (exit " + result.exitCode() + "): "
                    + result.stderr().strip());
        }
        if (!LOOP_PATH.matcher(path).matches()) {
            // We cannot know which device (if any) got attached, so we cannot promise to detach it.
            throw new IllegalStateException("unexpected losetup output for " + file + ": '" + result.stdout()
                    + "' stderr: " + result.stderr());
        }
        LoopDevice device = new LoopDevice(label, path, file, sizeBytes);
        attached.add(device);
        log.accept("# losetup -f --show " + file + "  -> " + path + "  (" + label + ", "
                + (sizeBytes >> 20) + " MiB)");
        return device;
    }

    List<LoopDevice> devices() {
        return Collections.unmodifiableList(attached);
    }

    /**
     * Detaches every device this instance attached (newest first), then deletes the backing files
     * and the directory. Problems are collected so that one stuck device does not leave the others
     * attached; they are thrown together at the end.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        IllegalStateException problems = null;
        for (int i = attached.size() - 1; i >= 0; i--) {
            LoopDevice device = attached.get(i);
            try {
                detach(device);
            } catch (RuntimeException | IOException e) {
                problems = accumulate(problems, "cannot detach " + device.path() + " (" + device.backingFile() + ")", e);
            }
        }
        attached.clear();
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                problems = accumulate(problems, "cannot delete " + file, e);
            }
        }
        try {
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            problems = accumulate(problems, "cannot delete " + directory, e);
        }
        if (problems != null) {
            throw problems;
        }
    }

    private void detach(LoopDevice device) throws IOException {
        Optional<String> backing = backingFileOf(device.path());
        String ours = device.backingFile().toRealPath().toString();
        if (backing.isEmpty()) {
            throw new IllegalStateException(device.path() + " is no longer attached; someone else detached it");
        }
        if (!backing.get().equals(ours)) {
            throw new IllegalStateException(device.path() + " is now backed by " + backing.get()
                    + ", not by our " + ours + "; leaving it alone");
        }
        Lvm2.execute(List.of(losetup.toString(), "-d", device.path()), LOSETUP_TIMEOUT).orThrow();
        log.accept("# losetup -d " + device.path());
    }

    /** The kernel's view of what backs a loop device; empty when it is not attached. */
    private static Optional<String> backingFileOf(String loopPath) throws IOException {
        String name = Path.of(loopPath).getFileName().toString();
        Path sysfs = Path.of("/sys/block", name, "loop", "backing_file");
        if (!Files.exists(sysfs)) {
            return Optional.empty();
        }
        return Optional.of(Files.readString(sysfs, StandardCharsets.UTF_8).strip());
    }

    private static IllegalStateException accumulate(IllegalStateException problems, String what, Exception cause) {
        IllegalStateException problem = new IllegalStateException(what + ": " + cause.getMessage(), cause);
        if (problems == null) {
            return problem;
        }
        problems.addSuppressed(problem);
        return problems;
    }

    /** Paths of the attached devices, in attach order. */
    List<String> paths() {
        return attached.stream().map(LoopDevice::path).toList();
    }
}
