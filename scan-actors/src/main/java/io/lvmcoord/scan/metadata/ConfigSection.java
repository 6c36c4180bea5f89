package io.lvmcoord.scan.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code name { ... }}: children in text order. Repeated keys are kept as separate nodes and
 * lookups return the first, as lvm2 does.
 */
public record ConfigSection(String name, List<ConfigNode> children) implements ConfigNode {
    public ConfigSection {
        children = List.copyOf(children);
    }

    public Optional<ConfigValue> value(String key) {
        for (ConfigNode n : children) {
            if (n instanceof ConfigNode.Entry e && e.name().equals(key)) {
                return Optional.of(e.value());
            }
        }
        return Optional.empty();
    }

    public Optional<ConfigSection> section(String key) {
        for (ConfigNode n : children) {
            if (n instanceof ConfigSection s && s.name().equals(key)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public List<ConfigSection> sections() {
        List<ConfigSection> out = new ArrayList<>();
        for (ConfigNode n : children) {
            if (n instanceof ConfigSection s) {
                out.add(s);
            }
        }
        return out;
    }
}
