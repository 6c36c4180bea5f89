package io.lvmcoord.agent.discovery;

import io.lvmcoord.scan.nativeio.Inotify;
import io.lvmcoord.scan.nativeio.InotifyEvent;
import io.lvmcoord.scan.nativeio.NativeIoException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Close-write watches on PV device nodes: lvm2 commands on this host open the PV for writing,
 * write metadata and close it, and the kernel reports that close on the device node's inode. So
 * the agent sees this host's lvm writes without udev, and without rescanning anything else.
 * Writes from other hosts do not pass through this kernel; those arrive as invalidations.
 */
public final class PvNodeWatcher implements AutoCloseable {
    private final Inotify inotify;
    private final Map<String, Integer> wdByDevice = new HashMap<>();
    private final Map<Integer, String> deviceByWd = new HashMap<>();
    private final InotifyLoop loop;

    public PvNodeWatcher(Consumer<DeviceEvent> sink) throws NativeIoException {
        this.inotify = Inotify.open();
        this.loop = new InotifyLoop(inotify, "lvmcoord-pv-watch", events -> handle(events, sink),
                reason -> sink.accept(new DeviceEvent.Lost("inotify on PV nodes failed: " + reason)));
    }

    /** Watches {@code path} for writes, reporting them as changes of {@code device}; no-op when already watched. */
    public synchronized void watch(String device, String path) {
        if (wdByDevice.containsKey(device)) {
            return;
        }
        try {
            int wd = inotify.addWatch(path, Inotify.IN_CLOSE_WRITE);
            wdByDevice.put(device, wd);
            deviceByWd.put(wd, device);
        } catch (NativeIoException e) {
            // A device that vanished between scan and watch: its removal arrives as an event or rescan.
        }
    }

    public synchronized void unwatch(String device) {
        Integer wd = wdByDevice.remove(device);
        if (wd != null) {
            deviceByWd.remove(wd);
            try {
                inotify.removeWatch(wd);
            } catch (NativeIoException e) {
                // The kernel already dropped it (the node went away).
            }
        }
    }

    public synchronized int watched() {
        return wdByDevice.size();
    }

    private void handle(List<InotifyEvent> events, Consumer<DeviceEvent> sink) {
        for (InotifyEvent e : events) {
            if (e.overflow()) {
                sink.accept(new DeviceEvent.Lost("inotify queue overflow on PV nodes"));
                continue;
            }
            String device;
            synchronized (this) {
                device = deviceByWd.get(e.wd());
                if (e.ignored() && device != null) {
                    deviceByWd.remove(e.wd());
                    wdByDevice.remove(device);
                }
            }
            if (device != null && e.has(Inotify.IN_CLOSE_WRITE)) {
                sink.accept(new DeviceEvent.Changed(device, "written and closed on this host"));
            }
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
