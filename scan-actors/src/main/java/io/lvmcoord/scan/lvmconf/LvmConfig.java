package io.lvmcoord.scan.lvmconf;

import io.lvmcoord.scan.metadata.ConfigNode;
import io.lvmcoord.scan.metadata.ConfigSection;
import io.lvmcoord.scan.metadata.ConfigValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * lvm2's effective configuration: a cascade of trees searched in order, the first tree holding
 * a path answering for it (the {@code --config} string, then lvm.conf merged with lvmlocal.conf).
 *
 * <p>How lvm2 2.03 builds it, and so how this class does:
 * <ul>
 * <li>Within one text a key may be a path ({@code devices/filter = [...]}); repeated sections
 *     merge, and a repeated value replaces the earlier one ("Ignoring duplicate config value").</li>
 * <li>lvmlocal.conf is merged into lvm.conf one level deep: a top-level section absent from
 *     lvm.conf is taken whole; otherwise each of its values replaces lvm.conf's, except that
 *     {@code devices/filter}, {@code devices/types} and {@code activation/volume_list} are
 *     concatenated (lvmlocal.conf's items first); its sub-sections are ignored. A {@code tags}
 *     section, and sections carrying a {@code tags} selector, are skipped: host tags are not
 *     modelled here (lvm2 applies them only when the host carries a matching tag).</li>
 * <li>{@code --config} is a separate tree in front of the merged one: a path it sets hides the
 *     whole value below (arrays are not merged), paths it does not set fall through.</li>
 * </ul>
 * Lookups of a missing path return the caller's default, which callers take from lvm2's
 * built-in defaults (see {@link LvmDefaults}). Values of the wrong type count as missing, as
 * lvm2's typed lookups do.
 */
public final class LvmConfig {
    private static final String TAGS = "tags";

    /** Trees searched in order. Each is a map of name to a nested map or a {@link ConfigValue}. */
    private final List<Map<String, Object>> cascade;
    private final List<String> warnings;

    private LvmConfig(List<Map<String, Object>> cascade, List<String> warnings) {
        this.cascade = cascade;
        this.warnings = List.copyOf(warnings);
    }

    /** No files, no overlay: every lookup gives its default. */
    public static LvmConfig empty() {
        return new LvmConfig(List.of(), List.of());
    }

    /**
     * Builds the cascade from parsed texts.
     *
     * @param commandLine the parsed {@code --config} string, if any
     * @param lvmConf     lvm.conf, if it exists
     * @param lvmLocal    lvmlocal.conf, if it exists
     */
    public static LvmConfig of(Optional<ConfigSection> commandLine, Optional<ConfigSection> lvmConf,
                               Optional<ConfigSection> lvmLocal) {
        List<String> warnings = new ArrayList<>();
        Map<String, Object> files = new LinkedHashMap<>();
        lvmConf.ifPresent(c -> files.putAll(normalise(c, warnings)));
        lvmLocal.ifPresent(c -> mergeLocal(files, normalise(c, warnings)));
        List<Map<String, Object>> cascade = new ArrayList<>();
        commandLine.ifPresent(c -> cascade.add(normalise(c, warnings)));
        cascade.add(files);
        return new LvmConfig(cascade, warnings);
    }

    /** Parser-level warnings met while building, in lvm2's words (duplicate values). */
    public List<String> warnings() {
        return warnings;
    }

    /** The value at {@code path} ("devices/filter") from the first tree that has the path, or empty. */
    public Optional<ConfigValue> value(String path) {
        for (Map<String, Object> tree : cascade) {
            Object found = find(tree, path);
            if (found != null) {
                return found instanceof ConfigValue v ? Optional.of(v) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Whether some tree sets {@code path} (lvm2's find_config_tree_node: defaults do not count). */
    public boolean isSet(String path) {
        return value(path).isPresent();
    }

    /** A non-empty string at {@code path}, else {@code fallback} (lvm2's find_config_tree_str). */
    public String string(String path, String fallback) {
        return value(path).filter(v -> v instanceof ConfigValue.Str s && !s.value().isEmpty())
                .map(v -> ((ConfigValue.Str) v).value()).orElse(fallback);
    }

    /** A string at {@code path}, empty allowed, else {@code fallback} (find_config_tree_str_allow_empty). */
    public String stringAllowEmpty(String path, String fallback) {
        return value(path).filter(v -> v instanceof ConfigValue.Str).map(v -> ((ConfigValue.Str) v).value()).orElse(fallback);
    }

    /**
     * A boolean at {@code path}: an integer (non-zero is true) or one of y/yes/on/true, n/no/off/false
     * (any case); anything else gives {@code fallback}, as libdm's lookup does.
     */
    public boolean bool(String path, boolean fallback) {
        Optional<ConfigValue> v = value(path);
        if (v.isEmpty()) {
            return fallback;
        }
        if (v.get() instanceof ConfigValue.Int i) {
            return i.value() != 0;
        }
        if (v.get() instanceof ConfigValue.Str s) {
            String lower = s.value().toLowerCase(Locale.ROOT);
            return switch (lower) {
                case "y", "yes", "on", "true" -> true;
                case "n", "no", "off", "false" -> false;
                default -> fallback;
            };
        }
        return fallback;
    }

    public long integer(String path, long fallback) {
        return value(path).filter(v -> v instanceof ConfigValue.Int).map(v -> ((ConfigValue.Int) v).value()).orElse(fallback);
    }

    /**
     * The items of an array at {@code path} (a single value counts as a one-item array, as in
     * libdm), or empty when the path is not set.
     */
    public Optional<List<ConfigValue>> array(String path) {
        return value(path).map(v -> v instanceof ConfigValue.Arr a ? a.items() : List.of(v));
    }

    private static Object find(Map<String, Object> tree, String path) {
        Object at = tree;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(part);
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    /** One text as lvm2 holds it: key paths split, repeated sections merged, repeated values replaced. */
    static Map<String, Object> normalise(ConfigSection section, List<String> warnings) {
        Map<String, Object> out = new LinkedHashMap<>();
        addChildren(out, section, warnings);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void addChildren(Map<String, Object> into, ConfigSection section, List<String> warnings) {
        for (ConfigNode child : section.children()) {
            String[] parts = child.name().split("/");
            Map<String, Object> parent = into;
            String leaf = null;
            for (String part : parts) {
                if (part.isEmpty()) {
                    continue;
                }
                if (leaf != null) {
                    Object next = parent.get(leaf);
                    if (!(next instanceof Map)) {
                        next = new LinkedHashMap<String, Object>();
                        parent.put(leaf, next);
                    }
                    parent = (Map<String, Object>) next;
                }
                leaf = part;
            }
            if (leaf == null) {
                continue;
            }
            if (child instanceof ConfigSection s) {
                Object existing = parent.get(leaf);
                Map<String, Object> target;
                if (existing instanceof Map) {
                    target = (Map<String, Object>) existing;
                } else {
                    target = new LinkedHashMap<>();
                    parent.put(leaf, target);
                }
                addChildren(target, s, warnings);
            } else {
                ConfigValue v = ((ConfigNode.Entry) child).value();
                if (parent.get(leaf) instanceof ConfigValue) {
                    warnings.add("WARNING: Ignoring duplicate config value: " + child.name());
                }
                parent.put(leaf, v);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void mergeLocal(Map<String, Object> files, Map<String, Object> local) {
        for (Map.Entry<String, Object> e : local.entrySet()) {
            String name = e.getKey();
            if (TAGS.equals(name) || !(e.getValue() instanceof Map)) {
                continue;
            }
            Map<String, Object> section = (Map<String, Object>) e.getValue();
            if (section.containsKey(TAGS)) {
                continue;
            }
            Object existing = files.get(name);
            if (!(existing instanceof Map)) {
                Map<String, Object> copy = new LinkedHashMap<>(section);
                copy.remove(TAGS);
                files.put(name, copy);
                continue;
            }
            Map<String, Object> old = (Map<String, Object>) existing;
            for (Map.Entry<String, Object> c : section.entrySet()) {
                if (TAGS.equals(c.getKey()) || !(c.getValue() instanceof ConfigValue v)) {
                    continue;
                }
                Object before = old.get(c.getKey());
                if (before instanceof ConfigValue b && concatenated(name, c.getKey())) {
                    List<ConfigValue> items = new ArrayList<>(items(v));
                    items.addAll(items(b));
                    old.put(c.getKey(), new ConfigValue.Arr(items));
                } else {
                    old.put(c.getKey(), v);
                }
            }
        }
    }

    private static boolean concatenated(String section, String key) {
        return ("activation".equals(section) && "volume_list".equals(key))
                || ("devices".equals(section) && ("filter".equals(key) || "types".equals(key)));
    }

    private static List<ConfigValue> items(ConfigValue v) {
        return v instanceof ConfigValue.Arr a ? a.items() : List.of(v);
    }
}
