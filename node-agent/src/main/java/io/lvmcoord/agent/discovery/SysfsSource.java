package io.lvmcoord.agent.discovery;

import io.lvmcoord.scan.DeviceFilter;
import io.lvmcoord.scan.DeviceTarget;
import io.lvmcoord.scan.DiscoverySettings;
import io.lvmcoord.scan.lvmconf.DeviceSelection;
import io.lvmcoord.scan.lvmconf.LvmDefaults;
import io.lvmcoord.scan.lvmconf.LvmEnvironment;
import io.lvmcoord.scan.nativeio.BlockDeviceInfo;
import io.lvmcoord.scan.nativeio.NativeIoException;
import io.lvmcoord.scan.nativeio.SysfsBlockDevices;
import io.lvmcoord.scan.nativeio.Uevent;
import io.lvmcoord.scan.nativeio.UeventSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The kernel's block devices: enumerated from sysfs at start (and at each reconcile), narrowed to
 * the devices lvm2 would use on this host, filtered by the accept/reject lists, and followed
 * through netlink kernel uevents (add, change, remove), so no udev is needed. A uevent for a
 * device is checked against the filter when the device is resolved, since holders (md,
 * multipath) may change with it.
 *
 * <p>lvm2's own choice comes first: its configuration in LVM_SYSTEM_DIR (default /etc/lvm) is
 * read at construction, and read again whenever a file in that dir or its devices/ subdir
 * changes; a change that alters the files' content triggers a full rescan, through the same
 * {@link DeviceEvent.Lost} path a lost event takes. With the devices file in use, only devices
 * it lists are scanned (a devname entry is checked against the PVID on the device, and its PVID
 * searched for on other devices when it moved); without one, devices/global_filter and
 * devices/filter judge every name of a device under devices/scan. A configuration lvm2 would
 * refuse (a syntax error, a bad filter pattern) makes listing fail at start; after a good one was
 * read, a bad edit keeps the good one and is logged. The configuration is one immutable value
 * swapped whole by the watcher thread, read by the listing threads: no lock.
 */
public final class SysfsSource implements DeviceSource {
    private static final Logger LOG = LoggerFactory.getLogger(SysfsSource.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final DiscoverySettings settings;
    private final DeviceFilter filter;
    private final Path lvmSystemDir;
    private final AtomicReference<LvmEnvironment.Result> lvm = new AtomicReference<>();
    /** The selection warnings last logged, so that each reconcile does not repeat them. */
    private final AtomicReference<List<String>> loggedWarnings = new AtomicReference<>(List.of());
    private volatile boolean running;
    private Thread listener;
    private UeventSocket socket;
    private LvmConfigWatcher watcher;
    /** Told of dm-* uevents (the agent's kernel-state reader); set before {@link #start}. */
    private volatile Consumer<String> deviceMapperEvents = cause -> { };

    /** Reads lvm2's configuration from LVM_SYSTEM_DIR, or /etc/lvm when that is not set. */
    public SysfsSource(DiscoverySettings settings) {
        this(settings, LvmDefaults.systemDir(System.getenv(LvmDefaults.SYSTEM_DIR_ENV)));
    }

    /** @param lvmSystemDir lvm2's config dir; an empty path for none (lvm2's defaults apply) */
    public SysfsSource(DiscoverySettings settings, Path lvmSystemDir) {
        this.settings = settings;
        this.filter = DeviceFilter.from(settings);
        this.lvmSystemDir = lvmSystemDir;
        LvmEnvironment.Result first = load();
        lvm.set(first);
        if (first instanceof LvmEnvironment.Failed f) {
            LOG.error("lvm2 configuration in {} is invalid, no device will be listed until it is fixed: {}", lvmSystemDir, f.reason());
        } else {
            describeLoaded(((LvmEnvironment.Ready) first).environment());
        }
    }

    private LvmEnvironment.Result load() {
        return LvmEnvironment.load(lvmSystemDir, null, DeviceSelection.Overrides.NONE, LvmEnvironment.osHost());
    }

    private static void describeLoaded(LvmEnvironment env) {
        LOG.info("lvm2 configuration from {}: devices by {}, local system ID {}", env.systemDir(), env.mode(),
                env.systemId().id().orElse(env.systemId().unknown() ? "unknown" : "none"));
        env.warnings().forEach(w -> LOG.warn("lvm2 configuration: {}", w));
    }

    /** lvm2's configuration as last read, or why it cannot be used. */
    public LvmEnvironment.Result lvmEnvironment() {
        return lvm.get();
    }

    @Override
    public String describe() {
        return "block devices from " + settings.sysClassBlock() + " + netlink uevents, as lvm2 configured in " + lvmSystemDir + " uses them";
    }

    @Override
    public List<DeviceTarget> enumerate() throws IOException {
        List<DeviceTarget> out = new ArrayList<>();
        for (BlockDeviceInfo d : accepted()) {
            out.add(new DeviceTarget(d.devNode(), d.devNode()));
        }
        out.sort(Comparator.comparing(DeviceTarget::name));
        return out;
    }

    /** The sysfs devices lvm2 would use that pass lvmcoord's own filter, in sysfs order. */
    private List<BlockDeviceInfo> accepted() throws IOException {
        if (lvm.get() instanceof LvmEnvironment.Failed f) {
            throw new IOException("lvm2 configuration in " + lvmSystemDir + " is invalid: " + f.reason());
        }
        LvmEnvironment env = ((LvmEnvironment.Ready) lvm.get()).environment();
        // lvm2 sees only devices with a node under its scan dirs; a fake sysfs tree (tests) has none.
        boolean keepUnnamed = !settings.sysClassBlock().equals(SysfsBlockDevices.SYS_CLASS_BLOCK);
        LvmEnvironment.HostDevices host = env.hostDevices(settings.sysClassBlock(), keepUnnamed);
        DeviceSelection.Selection s = env.chooseDevices(host);
        List<String> warnings = new ArrayList<>(host.warnings());
        warnings.addAll(s.warnings());
        if (!warnings.equals(loggedWarnings.getAndSet(List.copyOf(warnings)))) {
            warnings.forEach(w -> LOG.warn("lvm2 device selection: {}", w));
        }
        Map<BlockDeviceInfo, Boolean> used = new IdentityHashMap<>();
        s.used().forEach(id -> used.put(host.sysfs().get(id), Boolean.TRUE));
        List<BlockDeviceInfo> all = new ArrayList<>(host.sysfs().values());
        all.sort(Comparator.comparing(BlockDeviceInfo::name));
        return filter.accepted(all).stream().filter(used::containsKey).toList();
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
        for (BlockDeviceInfo d : accepted()) {
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

    /**
     * Also tells {@code listener} (with a cause for logs) of each add, remove or change uevent of a
     * device-mapper device: LVs activated, deactivated, resumed with a new table. The same netlink
     * socket serves both, so no event is seen by one reader and missed by the other.
     */
    public void onDeviceMapperEvent(Consumer<String> listener) {
        this.deviceMapperEvents = listener;
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
        if (!lvmSystemDir.toString().isEmpty()) {
            try {
                watcher = new LvmConfigWatcher(lvmSystemDir, changed -> reload(changed, sink),
                        reason -> sink.accept(new DeviceEvent.Lost(reason)));
            } catch (NativeIoException e) {
                // lvm2 runs on without its config dir too (defaults); only later edits go unseen.
                LOG.warn("not watching lvm2's configuration in {} ({}); edits there are seen at the next restart",
                        lvmSystemDir, e.getMessage());
            }
        }
    }

    /** Rereads lvm2's configuration after {@code changed} changed; a real change rescans every device. */
    private void reload(String changed, Consumer<DeviceEvent> sink) {
        LvmEnvironment.Result before = lvm.get();
        LvmEnvironment.Result now = load();
        if (now instanceof LvmEnvironment.Failed f) {
            LOG.error("lvm2 configuration in {} became invalid after {} changed, keeping the previous one: {}", lvmSystemDir, changed,
                    f.reason());
            if (before instanceof LvmEnvironment.Ready) {
                return;
            }
            lvm.set(now);
            return;
        }
        LvmEnvironment env = ((LvmEnvironment.Ready) now).environment();
        if (before instanceof LvmEnvironment.Ready r && r.environment().sameSourcesAs(env)) {
            return;
        }
        lvm.set(now);
        describeLoaded(env);
        sink.accept(new DeviceEvent.Lost("lvm2 configuration changed (" + changed + " in " + lvmSystemDir + ")"));
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
                    deviceMapperEvents.accept("kernel uevents were dropped");
                    sink.accept(new DeviceEvent.Lost("kernel uevents were dropped (receive buffer full)"));
                } else if ("block".equals(u.subsystem()) && u.devname() != null) {
                    String dev = "/dev/" + u.devname();
                    if (u.devname().startsWith("dm-") && (u.action().equals("add") || u.action().equals("remove")
                            || u.action().equals("change"))) {
                        deviceMapperEvents.accept("uevent " + u.action() + " " + u.devname());
                    }
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
        if (watcher != null) {
            watcher.close();
        }
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
