package io.lvmcoord.agent.discovery;

import io.lvmcoord.scan.DeviceTarget;
import io.lvmcoord.scan.nativeio.Inotify;
import io.lvmcoord.scan.nativeio.InotifyEvent;
import io.lvmcoord.scan.nativeio.NativeIoException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Every regular file in a directory is a device ({@code --devices-dir}, for demos and tests:
 * the directory plays the SAN). Symbolic links are not devices, whatever they point to: the
 * agent reads devices as root, and a link lets whoever can write the directory choose any
 * file or disk of the host for it to read. The directory is watched with inotify: a file written and
 * closed, moved in or created is Changed; deleted or moved out is Removed. Devices are
 * reported under their absolute path; gzipped images are inflated again after each change.
 */
public final class DirectorySource implements DeviceSource {
    private static final int MASK = Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_TO | Inotify.IN_CREATE | Inotify.IN_DELETE
            | Inotify.IN_MOVED_FROM | Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF;
    private static final Duration POLL = Duration.ofMillis(500);

    private final Path dir;
    private final boolean watch;
    private final DeviceOpener opener = new DeviceOpener(false);
    private volatile boolean running;
    private Thread watcher;
    private Inotify inotify;

    public DirectorySource(Path dir) {
        this(dir, true);
    }

    /** With {@code watch} false the directory is only listed (rescans, notifications), never watched. */
    public DirectorySource(Path dir, boolean watch) {
        this.dir = dir.toAbsolutePath().normalize();
        this.watch = watch;
    }

    @Override
    public String describe() {
        return "regular files in " + dir + (watch ? " (inotify)" : " (not watched)");
    }

    @Override
    public List<DeviceTarget> enumerate() throws IOException {
        List<DeviceTarget> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(DirectorySource::isPlainFile).sorted().toList();
        }
        for (Path f : files) {
            target(f.toString()).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public Optional<DeviceTarget> target(String name) throws IOException {
        Path p = Path.of(name);
        if (!dir.equals(p.getParent()) || !isPlainFile(p)) {
            return Optional.empty();
        }
        // Not following links at open too: the file may be swapped for a link after this check.
        if (!name.endsWith(".gz")) {
            return Optional.of(new DeviceTarget(name, name, false));
        }
        try {
            return opener.reopen(name).map(path -> new DeviceTarget(name, path.toString(), false));
        } catch (IOException e) {
            // Half-copied or corrupt archive: not a device yet; its close-write brings it back.
            return Optional.empty();
        }
    }

    /** A regular file itself, not a link to one (nor to a block device). */
    static boolean isPlainFile(Path p) {
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public synchronized void start(Consumer<DeviceEvent> sink) throws IOException {
        if (!watch) {
            return;
        }
        try {
            inotify = Inotify.open();
            inotify.addWatch(dir.toString(), MASK);
        } catch (NativeIoException e) {
            throw new IOException("cannot watch " + dir + ": " + e.getMessage(), e);
        }
        running = true;
        watcher = new Thread(() -> watch(sink), "lvmcoord-devices-dir");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watch(Consumer<DeviceEvent> sink) {
        while (running) {
            List<InotifyEvent> events;
            try {
                events = inotify.poll(POLL);
            } catch (NativeIoException | IllegalStateException e) {
                if (running) {
                    sink.accept(new DeviceEvent.Lost("inotify on " + dir + " failed: " + e.getMessage()));
                }
                return;
            }
            for (InotifyEvent e : events) {
                if (e.overflow()) {
                    sink.accept(new DeviceEvent.Lost("inotify queue overflow on " + dir));
                } else if (e.has(Inotify.IN_DELETE_SELF) || e.has(Inotify.IN_MOVE_SELF)) {
                    sink.accept(new DeviceEvent.Lost(dir + " itself was removed or moved"));
                } else if (!e.name().isEmpty() && !e.has(Inotify.IN_ISDIR)) {
                    String device = dir.resolve(e.name()).toString();
                    if (e.has(Inotify.IN_DELETE) || e.has(Inotify.IN_MOVED_FROM)) {
                        sink.accept(new DeviceEvent.Removed(device, "deleted from " + dir));
                    } else {
                        sink.accept(new DeviceEvent.Changed(device, e.has(Inotify.IN_CREATE) ? "created" : "written"));
                    }
                }
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        running = false;
        if (watcher != null) {
            try {
                watcher.join(POLL.toMillis() * 4);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (inotify != null) {
            try {
                inotify.close();
            } catch (NativeIoException e) {
                throw new IOException("closing the inotify watch of " + dir + ": " + e.getMessage(), e);
            }
        }
        opener.close();
    }
}
