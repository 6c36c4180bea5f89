package io.lvmcoord.agent.discovery;

import io.lvmcoord.scan.DeviceTarget;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Exactly the devices named ({@code --devices}), as lvm2's {@code --devices} confines it. Names
 * that do not exist (yet) are skipped and picked up by later rescans. Gzipped images are
 * inflated once per change. Writes to the devices are seen by the agent's close-write watches.
 */
public final class DeviceListSource implements DeviceSource {
    /** In name order, as enumerated; a set, since every rescan asks it once per device (a list made that O(n^2)). */
    private final java.util.SortedSet<String> names;
    private final DeviceOpener opener = new DeviceOpener();

    public DeviceListSource(List<String> names) {
        this.names = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(names));
    }

    @Override
    public String describe() {
        return names.size() + " devices named by --devices";
    }

    @Override
    public List<DeviceTarget> enumerate() throws IOException {
        List<DeviceTarget> out = new ArrayList<>();
        for (String n : names) {
            target(n).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public Optional<DeviceTarget> target(String name) throws IOException {
        if (!names.contains(name)) {
            return Optional.empty();
        }
        return opener.reopen(name).map(path -> new DeviceTarget(name, path.toString()));
    }

    @Override
    public void start(Consumer<DeviceEvent> sink) {
        // No events of its own: close-write watches and rescans cover a fixed list.
    }

    @Override
    public void close() throws IOException {
        opener.close();
    }
}
