package io.lvmcoord.agent.discovery;

import io.lvmcoord.scan.DeviceTarget;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Several sources as one (a shared directory and a private one): devices are the union, a name
 * belongs to the first source that offers it, and every source delivers its own events.
 */
public final class CompositeSource implements DeviceSource {
    private final List<DeviceSource> sources;

    public CompositeSource(List<DeviceSource> sources) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("a composite source needs at least one source");
        }
        this.sources = List.copyOf(sources);
    }

    @Override
    public String describe() {
        return String.join("; ", sources.stream().map(DeviceSource::describe).toList());
    }

    @Override
    public List<DeviceTarget> enumerate() throws IOException {
        Map<String, DeviceTarget> out = new LinkedHashMap<>();
        for (DeviceSource s : sources) {
            for (DeviceTarget t : s.enumerate()) {
                out.putIfAbsent(t.name(), t);
            }
        }
        List<DeviceTarget> sorted = new ArrayList<>(out.values());
        sorted.sort(Comparator.comparing(DeviceTarget::name));
        return sorted;
    }

    @Override
    public Optional<DeviceTarget> target(String name) throws IOException {
        for (DeviceSource s : sources) {
            Optional<DeviceTarget> t = s.target(name);
            if (t.isPresent()) {
                return t;
            }
        }
        return Optional.empty();
    }

    @Override
    public Map<String, DeviceTarget> targets(Collection<String> names) throws IOException {
        Map<String, DeviceTarget> out = new LinkedHashMap<>();
        List<String> left = new ArrayList<>(names);
        for (DeviceSource s : sources) {
            Map<String, DeviceTarget> found = s.targets(left);
            out.putAll(found);
            left.removeAll(found.keySet());
            if (left.isEmpty()) {
                break;
            }
        }
        return out;
    }

    @Override
    public void start(Consumer<DeviceEvent> sink) throws IOException {
        for (DeviceSource s : sources) {
            s.start(sink);
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (DeviceSource s : sources) {
            try {
                s.close();
            } catch (IOException e) {
                // Close the rest regardless; report the first failure.
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
