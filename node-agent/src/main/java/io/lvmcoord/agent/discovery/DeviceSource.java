package io.lvmcoord.agent.discovery;

import io.lvmcoord.scan.DeviceTarget;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a node's devices come from: the kernel's block devices, a directory of image files, or
 * a fixed list. A source enumerates its devices, resolves one by name, and (once started)
 * reports changes it learns of by itself; changes it cannot see are found by the agent's
 * reconcile rescans and by {@code pvscan --cache} notifications.
 */
public interface DeviceSource extends AutoCloseable {

    /** One line for logs and status, e.g. "block devices from /sys/class/block + uevents". */
    String describe();

    /** Every device the source offers now, in name order. */
    List<DeviceTarget> enumerate() throws IOException;

    /** The device reported under {@code name}, if the source (still) offers it. */
    Optional<DeviceTarget> target(String name) throws IOException;

    /**
     * The devices among {@code names} the source (still) offers, by name; absent names are gone.
     * Sources that must read a shared listing to judge one device read it once per batch here.
     */
    default Map<String, DeviceTarget> targets(Collection<String> names) throws IOException {
        Map<String, DeviceTarget> out = new LinkedHashMap<>();
        for (String n : names) {
            target(n).ifPresent(t -> out.put(n, t));
        }
        return out;
    }

    /** Starts delivering events to {@code sink} from the source's own thread(s). */
    void start(Consumer<DeviceEvent> sink) throws IOException;

    @Override
    void close() throws IOException;
}
