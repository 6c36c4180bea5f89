package io.lvmcoord.scan.fuzz;

import io.lvmcoord.scan.metadata.ConfigValue;

import java.util.List;

/** Writes a (mutated) config tree back as lvm2 metadata text, in lvm2's layout: tabs, one key per line. */
final class ConfigWriter {
    private ConfigWriter() {
    }

    static String write(List<TreeNode> top) {
        StringBuilder sb = new StringBuilder();
        for (TreeNode n : top) {
            node(n, 0, sb);
        }
        return sb.toString();
    }

    private static void node(TreeNode n, int depth, StringBuilder sb) {
        sb.append("\t".repeat(Math.min(depth, 64)));
        sb.append(n.name);
        if (n.children != null) {
            sb.append(" {\n");
            for (TreeNode c : n.children) {
                node(c, depth + 1, sb);
            }
            sb.append("\t".repeat(Math.min(depth, 64))).append("}\n");
        } else {
            sb.append(" = ");
            value(n.value, sb);
            sb.append('\n');
        }
    }

    static void value(ConfigValue v, StringBuilder sb) {
        if (v instanceof ConfigValue.Str s) {
            sb.append('"');
            for (int i = 0; i < s.value().length(); i++) {
                char c = s.value().charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c);
            }
            sb.append('"');
        } else if (v instanceof ConfigValue.Int i) {
            sb.append(i.value());
        } else if (v instanceof ConfigValue.Flt f) {
            sb.append(f.value());
        } else if (v instanceof ConfigValue.Arr a) {
            sb.append('[');
            for (int i = 0; i < a.items().size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                value(a.items().get(i), sb);
            }
            sb.append(']');
        }
    }
}
