package io.lvmcoord.scan.fuzz;

import io.lvmcoord.scan.metadata.ConfigNode;
import io.lvmcoord.scan.metadata.ConfigSection;
import io.lvmcoord.scan.metadata.ConfigValue;

import java.util.ArrayList;
import java.util.List;

/** A mutable copy of a parsed config tree: a section ({@code children} set) or an entry ({@code value} set). */
final class TreeNode {
    String name;
    ConfigValue value;
    List<TreeNode> children;

    private TreeNode(String name, ConfigValue value, List<TreeNode> children) {
        this.name = name;
        this.value = value;
        this.children = children;
    }

    static TreeNode entry(String name, ConfigValue value) {
        return new TreeNode(name, value, null);
    }

    static TreeNode section(String name, List<TreeNode> children) {
        return new TreeNode(name, null, children);
    }

    static List<TreeNode> of(ConfigSection root) {
        List<TreeNode> out = new ArrayList<>();
        for (ConfigNode n : root.children()) {
            out.add(of(n));
        }
        return out;
    }

    private static TreeNode of(ConfigNode n) {
        if (n instanceof ConfigSection s) {
            return section(s.name(), of(s));
        }
        ConfigNode.Entry e = (ConfigNode.Entry) n;
        return entry(e.name(), e.value());
    }

    boolean isSection() {
        return children != null;
    }

    /** Rough size of the subtree in text lines: keeps mutants that copy subtrees within a memory budget. */
    long weight() {
        if (children == null) {
            return 1 + weight(value);
        }
        long w = 2;
        for (TreeNode c : children) {
            w += c.weight();
        }
        return w;
    }

    private static long weight(ConfigValue v) {
        if (v instanceof ConfigValue.Str s) {
            return s.value().length() / 64;
        }
        if (v instanceof ConfigValue.Arr a) {
            long w = a.items().size();
            for (ConfigValue i : a.items()) {
                w += weight(i);
            }
            return w;
        }
        return 0;
    }

    TreeNode deepCopy() {
        if (children == null) {
            return entry(name, value);
        }
        List<TreeNode> c = new ArrayList<>(children.size());
        for (TreeNode k : children) {
            c.add(k.deepCopy());
        }
        return section(name, c);
    }

    TreeNode child(String key) {
        if (children != null) {
            for (TreeNode c : children) {
                if (c.name.equals(key)) {
                    return c;
                }
            }
        }
        return null;
    }

    /** Sets {@code key = value} in this section, replacing the first such entry or appending one. */
    void put(String key, ConfigValue v) {
        for (TreeNode c : children) {
            if (c.children == null && c.name.equals(key)) {
                c.value = v;
                return;
            }
        }
        children.add(entry(key, v));
    }
}
