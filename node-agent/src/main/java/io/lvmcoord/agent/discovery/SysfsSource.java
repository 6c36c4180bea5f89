package io.lvmcoord.agent.discovery;

import io.lvmcoord.scan.DeviceFilter;
import io.lvmcoord.scan.DeviceTarget;
import io.lvmcoord.scan.DiscoverySettings;
import io.lvmcoord.scan.nativeio.BlockDeviceInfo;
import io.lvmcoord.scan.nativeio.NativeIoException;
import io.lvmcoord.scan.nativeio.SysfsBlockDevices;
import io.lvmcoord.scan.nativeio.Uevent;
import io.lvmcoord.scan.nativeio.UeventSocket;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The kernel's block devices: enumerated from sysfs at start (and at each reconcile), filtered by
 * the accept/reject lists, and followed through netlink kernel uevents (add, change, remove), so
 * no udev is needed. A uevent for a device is checked against the filter when the device is
 * resolved, since holders (md, multipath) may change with it.
 */
public final class SysfsSource implements DeviceSource {
    private static final Duration POLL = Duration.ofMillis(500);

    private final DiscoverySettings settings;
    private final DeviceFilter filter;
    private volatile boolean running;
    private Thread listener;
    private UeventSocket socket;

    public SysfsSource(DiscoverySettings settings) {
        this.settings = settings;
        this.filter = DeviceFilter.from(settings);
    }

    @Override
    public String describe() {
        return "block devices from " + settings.sysClassBlock() + " + netlink uevents";
    }

    @Override
    public List<DeviceTarget> enumerate() throws IOException {
        List<DeviceTarget> out = new ArrayList<>();
        for (BlockDeviceInfo d : filter.accepted(SysfsBlockDevices.list(settings.sysClassBlock()))) {
            out.add(new DeviceTarget(d.devNode(), d.devNode()));
        }
        out.sort(java.util.Comparator.comparing(DeviceTarget::name));
        return out;
    }

    @Override
    public Optional<DeviceTarget> target(String name) throws IOException {
        return Optional.ofNullable(targets(List.of(name)).get(name));
    }

    /**
     * Filtering needs the holders' details too (md, multipath), so devices are judged against the
     * full sysfs listing, read once for the whole batch rather than once per device of a storm.
     */
    @Override
    public Map<String, DeviceTarget> targets(Collection<String> names) throws IOException {
        Map<String, DeviceTarget> accepted = new HashMap<>();
        for (BlockDeviceInfo d : filter.accepted(SysfsBlockDevices.list(settings.sysClassBlock()))) {
            accepted.put(d.devNode(), new DeviceTarget(d.devNode(), d.devNode()));
        }
        Map<String, DeviceTarget> out = new LinkedHashMap<>();
        for (String n : names) {
            DeviceTarget t = accepted.get(n);
            if (t != null) {
                out.put(n, t);
            }
        }
        return out;
    }

    @Override
    public synchronized void start(Consumer<DeviceEvent> sink) throws IOException {
        try {
            socket = UeventSocket.open(settings.ueventReceiveBuffer());
        } catch (NativeIoException e) {
            throw new IOException("cannot listen to kernel uevents: " + e.getMessage(), e);
        }
        running = true;
        listener = new Thread(() -> listen(sink), "lvmcoord-uevents");
        listener.setDaemon(true);
        listener.start();
    }

    private void listen(Consumer<DeviceEvent> sink) {
        while (running) {
            List<Uevent> events;
            try {
                events = socket.poll(POLL);
            } catch (NativeIoException | IllegalStateException e) {
                if (running) {
                    sink.accept(new DeviceEvent.Lost("uevent socket failed: " + e.getMessage()));
                }
                return;
            }
            for (Uevent u : events) {
                if (u.overflow()) {
                    sink.accept(new DeviceEvent.Lost("kernel uevents were dropped (receive buffer full)"));
                } else if ("block".equals(u.subsystem()) && u.devname() != null) {
                    String dev = "/dev/" + u.devname();
                    switch (u.action()) {
                        case "remove" -> sink.accept(new DeviceEvent.Removed(dev, "uevent remove"));
                        case "add", "change", "online", "move" -> sink.accept(new DeviceEvent.Changed(dev, "uevent " + u.action()));
                        default -> {
                            // bind/unbind/offline say nothing about contents.
                        }
                    }
                }
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        running = false;
        if (listener != null) {
            try {
                listener.join(POLL.toMillis() * 4);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (socket != null) {
            try {
                socket.close();
            } catch (NativeIoException e) {
                throw new IOException("closing the uevent socket: " + e.getMessage(), e);
            }
        }
    }
}
