package io.lvmcoord.scan.metadata;

/** A node of a section: either {@code key = value} or a nested section. */
public sealed interface ConfigNode permits ConfigNode.Entry, ConfigSection {
    String name();

    record Entry(String name, ConfigValue value) implements ConfigNode {
    }
}
