package io.lvmcoord.agent.discovery;

import io.lvmcoord.scan.nativeio.Inotify;
import io.lvmcoord.scan.nativeio.InotifyEvent;
import io.lvmcoord.scan.nativeio.NativeIoException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Watches lvm2's config dir (LVM_SYSTEM_DIR) and its devices/ subdir with inotify and says when
 * something in them changed: lvm.conf or lvmlocal.conf edited, or the devices file rewritten
 * (lvmdevices, vgimportdevices, pvcreate write it through a rename). The owner rereads the
 * configuration then; a rewrite with the same content is for the owner to recognise. The
 * devices/ subdir may appear later (lvm2 creates it on the first lvmdevices): it is watched
 * from its creation on. Files outside these dirs that lvm2 may read (the system_id_file,
 * /etc/machine-id) are not watched.
 */
final class LvmConfigWatcher implements AutoCloseable {
    private static final String DEVICES = "devices";
    private static final int DIR_EVENTS = Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_TO | Inotify.IN_MOVED_FROM
            | Inotify.IN_CREATE | Inotify.IN_DELETE | Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF | Inotify.IN_ONLYDIR;

    private final Path systemDir;
    private final Inotify inotify;
    /** Watch descriptor to dir; touched by the watcher thread only (after the constructor). */
    private final Map<Integer, Path> dirs = new HashMap<>();
    private final InotifyLoop loop;

    /**
     * @param onChange called from the watcher's thread once per batch of events, with what changed
     *                 ("lvm.conf", "devices/system.devices_new, devices/system.devices")
     * @param onLost   called when events may have been lost or watching failed, with the reason
     */
    LvmConfigWatcher(Path systemDir, Consumer<String> onChange, Consumer<String> onLost) throws NativeIoException {
        this.systemDir = systemDir;
        this.inotify = Inotify.open();
        watch(systemDir);
        if (Files.isDirectory(systemDir.resolve(DEVICES))) {
            watch(systemDir.resolve(DEVICES));
        }
        this.loop = new InotifyLoop(inotify, "lvmcoord-lvm-config-watch", events -> handle(events, onChange, onLost),
                reason -> onLost.accept("inotify on " + systemDir + " failed: " + reason));
    }

    private void watch(Path dir) throws NativeIoException {
        dirs.put(inotify.addWatch(dir.toString(), DIR_EVENTS), dir);
    }

    private void handle(List<InotifyEvent> events, Consumer<String> onChange, Consumer<String> onLost) {
        Set<String> changed = new LinkedHashSet<>();
        for (InotifyEvent e : events) {
            if (e.overflow()) {
                changed.add("(inotify queue overflow)");
                continue;
            }
            Path dir = dirs.get(e.wd());
            if (dir == null) {
                continue;
            }
            if (e.ignored()) {
                dirs.remove(e.wd());
                continue;
            }
            boolean subdirCreated = dir.equals(systemDir) && DEVICES.equals(e.name())
                    && (e.has(Inotify.IN_CREATE) || e.has(Inotify.IN_MOVED_TO)) && e.has(Inotify.IN_ISDIR);
            if (subdirCreated) {
                try {
                    watch(systemDir.resolve(DEVICES));
                } catch (NativeIoException ex) {
                    onLost.accept("cannot watch " + systemDir.resolve(DEVICES) + ": " + ex.getMessage());
                }
            }
            String name = e.name() == null || e.name().isEmpty() ? dir.toString()
                    : dir.equals(systemDir) ? e.name() : DEVICES + "/" + e.name();
            changed.add(name);
        }
        if (!changed.isEmpty()) {
            onChange.accept(String.join(", ", changed));
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
