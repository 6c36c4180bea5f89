package io.lvmcoord.scan.metadata;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code name { ... }}: children in text order. Repeated keys are kept as separate children and
 * lookups return the first, as lvm2 does.
 *
 * <p>Layout, chosen so that a parse tree stays a small multiple of its text (a 40k-segment VG
 * is millions of children): one array of child names (interned per text, so
 * {@code start_extent} exists once) and one array of child values, each value held in its
 * compact form — {@link String}, {@link Long}, {@link Double}, {@code Object[]} for an array of
 * those, or a nested {@code ConfigSection}. {@link ConfigValue}s and {@link ConfigNode.Entry}s are
 * made only when asked for. Sections with more than {@value #INDEX_FROM} children also get an
 * open-addressing index from name to first child, so that looking up {@code segment40000} among
 * 40,000 siblings costs one probe instead of a scan: importing is linear in the text.
 */
public final class ConfigSection implements ConfigNode {
    private static final int INDEX_FROM = 8;

    private final String name;
    private final int position;
    private final String[] keys;
    private final Object[] values;
    /** Slot -> child index + 1 (0 = empty), size a power of two at least twice the children; null when small. */
    private final int[] index;

    /**
     * @param position byte offset in the text where the section's name starts (0 for the root),
     *                 for error messages
     * @param keys     child names in text order
     * @param values   child values, same order: String, Long, Double, Object[] of those, or ConfigSection
     */
    ConfigSection(String name, int position, String[] keys, Object[] values) {
        if (keys.length != values.length) {
            throw new IllegalArgumentException(keys.length + " keys for " + values.length + " values");
        }
        this.name = name;
        this.position = position;
        this.keys = keys;
        this.values = values;
        this.index = keys.length > INDEX_FROM ? buildIndex(keys) : null;
    }

    /** A section holding {@code children} in order (for tests and callers building trees by hand). */
    public ConfigSection(String name, List<ConfigNode> children) {
        this(name, 0, children.stream().map(ConfigNode::name).toArray(String[]::new),
                children.stream().map(ConfigSection::compact).toArray());
    }

    private static int[] buildIndex(String[] keys) {
        int size = Integer.highestOneBit(keys.length * 2 - 1) << 1;
        int[] table = new int[size];
        int mask = size - 1;
        for (int i = 0; i < keys.length; i++) {
            int slot = mix(keys[i].hashCode()) & mask;
            while (true) {
                int at = table[slot];
                if (at == 0) {
                    table[slot] = i + 1;
                    break;
                }
                if (keys[at - 1].equals(keys[i])) {
                    break; // a repeat: the first occurrence stays the one found
                }
                slot = (slot + 1) & mask;
            }
        }
        return table;
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }

    @Override
    public String name() {
        return name;
    }

    /** Byte offset in the text where this section's name starts. */
    public int position() {
        return position;
    }

    /** Index of the first child called {@code key}, or -1. */
    private int first(String key) {
        if (index == null) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }
        int mask = index.length - 1;
        int slot = mix(key.hashCode()) & mask;
        while (true) {
            int at = index[slot];
            if (at == 0) {
                return -1;
            }
            if (keys[at - 1].equals(key)) {
                return at - 1;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Index of the first child called {@code key} that is (or is not) a section, or -1. */
    private int first(String key, boolean section) {
        int i = first(key);
        if (i < 0 || (values[i] instanceof ConfigSection) == section) {
            return i;
        }
        // Rare: a value and a section share a name; lvm2 finds the first of the kind asked for.
        for (int j = i + 1; j < keys.length; j++) {
            if (keys[j].equals(key) && (values[j] instanceof ConfigSection) == section) {
                return j;
            }
        }
        return -1;
    }

    /** The first value called {@code key} in its compact form (String, Long, Double or Object[] of those), or null. */
    Object raw(String key) {
        int i = first(key, false);
        return i < 0 ? null : values[i];
    }

    public Optional<ConfigValue> value(String key) {
        int i = first(key, false);
        return i < 0 ? Optional.empty() : Optional.of(toValue(values[i]));
    }

    /** The first value called {@code key} if it is a string. */
    public Optional<String> string(String key) {
        int i = first(key, false);
        return i >= 0 && values[i] instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** The first value called {@code key} if it is an integer. */
    public Optional<Long> number(String key) {
        int i = first(key, false);
        return i >= 0 && values[i] instanceof Long n ? Optional.of(n) : Optional.empty();
    }

    public Optional<ConfigSection> section(String key) {
        int i = first(key, true);
        return i < 0 ? Optional.empty() : Optional.of((ConfigSection) values[i]);
    }

    public List<ConfigSection> sections() {
        List<ConfigSection> out = new ArrayList<>();
        for (Object v : values) {
            if (v instanceof ConfigSection s) {
                out.add(s);
            }
        }
        return out;
    }

    /** Number of children (keys and sections). */
    public int size() {
        return keys.length;
    }

    /** All children in text order; built on each call, so prefer the lookups. */
    public List<ConfigNode> children() {
        List<ConfigNode> out = new ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            out.add(values[i] instanceof ConfigSection s ? s : new ConfigNode.Entry(keys[i], toValue(values[i])));
        }
        return out;
    }

    static ConfigValue toValue(Object v) {
        if (v instanceof String s) {
            return new ConfigValue.Str(s);
        }
        if (v instanceof Long n) {
            return new ConfigValue.Int(n);
        }
        if (v instanceof Double d) {
            return new ConfigValue.Flt(d);
        }
        Object[] items = (Object[]) v;
        List<ConfigValue> list = new ArrayList<>(items.length);
        for (Object item : items) {
            list.add(toValue(item));
        }
        return new ConfigValue.Arr(list);
    }

    private static Object compact(ConfigNode n) {
        if (n instanceof ConfigSection s) {
            return s;
        }
        return compact(((ConfigNode.Entry) n).value());
    }

    private static Object compact(ConfigValue v) {
        if (v instanceof ConfigValue.Str s) {
            return s.value();
        }
        if (v instanceof ConfigValue.Int i) {
            return i.value();
        }
        if (v instanceof ConfigValue.Flt f) {
            return f.value();
        }
        return ((ConfigValue.Arr) v).items().stream().map(ConfigSection::compact).toArray();
    }

    /** Structural equality: same name and the same children in the same order (positions ignored). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigSection s && name.equals(s.name) && Arrays.equals(keys, s.keys) && Arrays.deepEquals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(keys), Arrays.deepHashCode(values));
    }

    @Override
    public String toString() {
        return "ConfigSection[" + name + ", " + keys.length + " children]";
    }
}
