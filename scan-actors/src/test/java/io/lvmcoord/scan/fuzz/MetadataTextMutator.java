package io.lvmcoord.scan.fuzz;

import io.lvmcoord.scan.metadata.ConfigParser;
import io.lvmcoord.scan.metadata.ConfigSection;
import io.lvmcoord.scan.metadata.ConfigValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Structural mutations of lvm2 metadata text: the text is parsed, its tree edited the way a
 * corrupt or hostile writer could (sections and keys duplicated, dropped or renamed, values
 * swapped for other types, huge numbers, LVs referring to themselves or to each other as cache
 * pool, origin, thin pool, mirror legs, data/metadata sub-LVs, deep nesting, long lists, many
 * LVs and segments) and written back; some results then get raw byte edits so the parser's
 * error paths are reached too. Everything is drawn from the given {@link Random}, so a seed
 * reproduces its text.
 */
public final class MetadataTextMutator {
    private static final String[] SEGMENT_TYPES = {"striped", "mirror", "snapshot", "thin", "thin-pool", "cache", "cache-pool",
            "writecache", "integrity", "vdo", "vdo-pool", "error", "zero", "raid0", "raid0_meta", "raid1", "raid10", "raid4",
            "raid5", "raid5_n", "raid6", "raid6_zr", "free", "+", "++", "striped+", "+striped", "raid1+", "thin+pool", "mirror+x",
            "", "linear"};
    /** Keys through which an LV names another LV (LvRelations and the importer follow them). */
    private static final String[] REF_KEYS = {"cache_pool", "origin", "pool", "thin_pool", "data", "metadata", "mirror_log",
            "cow_store", "vdo_pool", "writecache", "external_origin", "merge"};
    private static final String[] REF_TYPES = {"cache", "cache-pool", "thin", "thin-pool", "snapshot", "mirror", "raid1",
            "writecache", "integrity", "vdo", "vdo-pool", "raid0"};
    private static final String[] NAMES = {"", "+", "-", "segment0", "segment1", "segment2", "segment3", "segment4294967297",
            "logical_volumes", "physical_volumes", "pv0", "pv1", "id", "status", "flags", "type", "seqno", "extent_size",
            "segment_count", "start_extent", "extent_count", "stripes", "stripe_count", "mirrors", "mirror_count", "raids",
            "creation_time", "tags", "pe_start", "pe_count", "dev_size", "contents", "version", "format", "max_lv", "max_pv",
            "metadata_copies", "region_size", "chunk_size", "stripe_size", "device", "lock_type", "system_id"};
    private static final String[] STRINGS = {"", "+", "READ", "WRITE", "VISIBLE", "RESIZEABLE", "LOCKED", "PVMOVE",
            "ALLOCATABLE", "MISSING", "NOT_A_FLAG", "\"", "\\", "a\nb", "\u0001\u001f", "é\u2603", "[unknown]", "lvm2",
            "Text Format Volume Group", "normal", "cling", "contiguous", "anywhere", "inherit", "sanlock", "dlm"};
    private static final long[] INTS = {0, 1, -1, 2, 3, 7, 255, 256, 512, 4096, 65535, 65536, Integer.MAX_VALUE,
            1L << 31, 1L << 32, (1L << 53) + 1, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 512,
            Long.MAX_VALUE / 2048, Long.MAX_VALUE / 4096, 31556889864403199L, 31556889864403200L, -31557014167219200L};

    private MetadataTextMutator() {
    }

    /**
     * A mutant of {@code seed} (a metadata text, NUL-terminated or not) no longer than
     * {@code maxBytes} including its terminating NUL (longer results are cut, which the parser
     * must survive as well).
     */
    public static byte[] mutate(byte[] seed, Random rnd, int maxBytes) {
        int len = 0;
        while (len < seed.length && seed[len] != 0) {
            len++;
        }
        byte[] out;
        List<TreeNode> tree = parse(seed, len);
        if (tree == null || rnd.nextInt(10) == 0) {
            out = raw(Arrays.copyOf(seed, len), rnd, 1 + rnd.nextInt(8));
        } else {
            int budget = Math.max(256, maxBytes / 2);
            int n = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 12 : 3);
            for (int i = 0; i < n && weight(tree) < budget / 16; i++) {
                structural(tree, rnd, budget);
            }
            out = ConfigWriter.write(tree).getBytes(StandardCharsets.UTF_8);
            if (rnd.nextInt(5) == 0) {
                out = raw(out, rnd, 1 + rnd.nextInt(4));
            }
        }
        int keep = Math.min(out.length, Math.max(0, maxBytes - 1));
        byte[] text = Arrays.copyOf(out, keep + 1);
        text[keep] = 0;
        return text;
    }

    /** Text lines the tree writes to, roughly; a line is 16 bytes or more, so budget/16 lines fit the area. */
    private static long weight(List<TreeNode> top) {
        long w = 0;
        for (TreeNode n : top) {
            w += n.weight();
        }
        return w;
    }

    /** How many copies of {@code proto} still fit the budget next to {@code top}. */
    private static int room(List<TreeNode> top, TreeNode proto, int budget) {
        long left = budget / 16 - weight(top);
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, left / Math.max(1, proto == null ? 4 : proto.weight())));
    }

    private static List<TreeNode> parse(byte[] seed, int len) {
        try {
            ConfigSection root = ConfigParser.parse(seed, len, 64);
            return TreeNode.of(root);
        } catch (ConfigParser.SyntaxError e) {
            return null;
        }
    }

    // ---- structural edits ----

    private static void structural(List<TreeNode> top, Random rnd, int budget) {
        List<TreeNode[]> all = new ArrayList<>();
        TreeNode root = TreeNode.section("", top);
        collect(root, all);
        if (all.isEmpty()) {
            top.add(TreeNode.entry(pick(rnd, NAMES), randomValue(rnd, List.of(), budget)));
            return;
        }
        TreeNode[] pc = all.get(rnd.nextInt(all.size()));
        TreeNode parent = pc[0];
        TreeNode node = pc[1];
        List<String> lvNames = lvNames(top);
        switch (rnd.nextInt(16)) {
            case 0 -> {
                if (room(top, node, budget) > 0) {
                    parent.children.add(rnd.nextBoolean() ? parent.children.indexOf(node) + 1 : parent.children.size(), node.deepCopy());
                }
            }
            case 1 -> parent.children.remove(node);
            case 2 -> node.name = rnd.nextBoolean() ? pick(rnd, NAMES) : names(top, rnd);
            case 3, 4 -> {
                if (!node.isSection()) {
                    node.value = randomValue(rnd, lvNames, budget);
                } else {
                    node.children = null;
                    node.value = randomValue(rnd, lvNames, budget);
                }
            }
            case 5 -> hugeNumbers(root, rnd);
            case 6 -> segmentType(top, rnd);
            case 7, 8 -> crossReference(top, rnd, lvNames);
            case 9 -> cloneLvs(top, rnd, budget);
            case 10 -> deepNest(top, parent, node, rnd, budget);
            case 11 -> longList(top, node, rnd, lvNames, budget);
            case 12 -> manySegments(top, rnd, budget);
            case 13 -> timeOverflow(top, rnd);
            case 14 -> {
                if (node.isSection()) {
                    node.children.add(TreeNode.entry(pick(rnd, NAMES), randomValue(rnd, lvNames, budget)));
                } else {
                    parent.children.add(TreeNode.section(node.name, new ArrayList<>()));
                }
            }
            default -> mirrorWeb(top, rnd, budget);
        }
    }

    private static void collect(TreeNode section, List<TreeNode[]> out) {
        for (TreeNode c : section.children) {
            out.add(new TreeNode[]{section, c});
            if (c.isSection()) {
                collect(c, out);
            }
        }
    }

    /** The VG section: the first section at top level. */
    private static TreeNode vg(List<TreeNode> top) {
        for (TreeNode n : top) {
            if (n.isSection()) {
                return n;
            }
        }
        return null;
    }

    private static TreeNode lvSection(List<TreeNode> top) {
        TreeNode vg = vg(top);
        if (vg == null) {
            return null;
        }
        TreeNode lvs = vg.child("logical_volumes");
        if (lvs == null || !lvs.isSection()) {
            lvs = TreeNode.section("logical_volumes", new ArrayList<>());
            vg.children.add(lvs);
        }
        return lvs;
    }

    private static List<String> lvNames(List<TreeNode> top) {
        TreeNode lvs = lvSection(top);
        List<String> out = new ArrayList<>();
        if (lvs != null) {
            for (TreeNode lv : lvs.children) {
                if (lv.isSection()) {
                    out.add(lv.name);
                }
            }
        }
        return out;
    }

    private static List<TreeNode> lvs(List<TreeNode> top) {
        TreeNode s = lvSection(top);
        return s == null ? List.of() : s.children.stream().filter(TreeNode::isSection).toList();
    }

    private static String names(List<TreeNode> top, Random rnd) {
        List<String> lv = lvNames(top);
        return lv.isEmpty() ? pick(rnd, NAMES) : lv.get(rnd.nextInt(lv.size()));
    }

    /** A few integers become extreme: changing many at once would nearly always stop at the first bad one. */
    private static void hugeNumbers(TreeNode root, Random rnd) {
        List<TreeNode[]> all = new ArrayList<>();
        collect(root, all);
        List<TreeNode> ints = all.stream().map(pc -> pc[1]).filter(n -> n.value instanceof ConfigValue.Int).toList();
        for (int i = 0, n = 1 + rnd.nextInt(4); i < n && !ints.isEmpty(); i++) {
            ints.get(rnd.nextInt(ints.size())).value = new ConfigValue.Int(hugeInt(rnd));
        }
    }

    private static long hugeInt(Random rnd) {
        return rnd.nextInt(3) == 0 ? rnd.nextLong() : INTS[rnd.nextInt(INTS.length)];
    }

    /** A segment gets another (possibly empty, "+"-joined or unknown) type. */
    private static void segmentType(List<TreeNode> top, Random rnd) {
        TreeNode seg = randomSegment(top, rnd);
        if (seg != null) {
            seg.put("type", new ConfigValue.Str(pick(rnd, SEGMENT_TYPES)));
        }
    }

    private static TreeNode randomSegment(List<TreeNode> top, Random rnd) {
        TreeNode[] ls = randomLvSegment(top, rnd);
        return ls == null ? null : ls[1];
    }

    /** A random LV and one of its segments (created when it has none). */
    private static TreeNode[] randomLvSegment(List<TreeNode> top, Random rnd) {
        List<TreeNode> lvs = lvs(top);
        if (lvs.isEmpty()) {
            return null;
        }
        TreeNode lv = lvs.get(rnd.nextInt(lvs.size()));
        List<TreeNode> segs = lv.children.stream().filter(c -> c.isSection() && c.name.startsWith("segment")).toList();
        if (segs.isEmpty()) {
            TreeNode s = segment(1, 0, 1, "striped");
            lv.children.add(s);
            lv.put("segment_count", new ConfigValue.Int(1));
            return new TreeNode[]{lv, s};
        }
        return new TreeNode[]{lv, segs.get(rnd.nextInt(segs.size()))};
    }

    private static TreeNode segment(int index, long start, long count, String type) {
        List<TreeNode> c = new ArrayList<>();
        c.add(TreeNode.entry("start_extent", new ConfigValue.Int(start)));
        c.add(TreeNode.entry("extent_count", new ConfigValue.Int(count)));
        c.add(TreeNode.entry("type", new ConfigValue.Str(type)));
        return TreeNode.section("segment" + index, c);
    }

    /** An LV's segment is made to name LVs (itself included) through the relation keys. */
    private static void crossReference(List<TreeNode> top, Random rnd, List<String> lvNames) {
        TreeNode[] ls = randomLvSegment(top, rnd);
        if (ls == null || lvNames.isEmpty()) {
            return;
        }
        String self = ls[0].name;
        TreeNode seg = ls[1];
        String type = pick(rnd, REF_TYPES);
        seg.put("type", new ConfigValue.Str(type));
        int refs = 1 + rnd.nextInt(3);
        for (int i = 0; i < refs; i++) {
            // A third of the references name the LV itself: the cycles a walk must survive.
            String target = rnd.nextInt(3) == 0 ? self : lvNames.get(rnd.nextInt(lvNames.size()));
            seg.put(pick(rnd, REF_KEYS), new ConfigValue.Str(target));
        }
        if (type.equals("mirror") || type.startsWith("raid")) {
            int legs = 1 + rnd.nextInt(4);
            List<ConfigValue> items = new ArrayList<>();
            for (int i = 0; i < legs * 2; i++) {
                items.add(type.equals("mirror") && i % 2 == 1 ? new ConfigValue.Int(0)
                        : new ConfigValue.Str(lvNames.get(rnd.nextInt(lvNames.size()))));
            }
            if (type.equals("mirror")) {
                seg.put("mirror_count", new ConfigValue.Int(legs));
                seg.put("mirrors", new ConfigValue.Arr(items));
            } else {
                seg.put("device_count", new ConfigValue.Int(legs));
                seg.put("raids", new ConfigValue.Arr(items));
            }
        }
    }

    /** Copies of an LV under new names, each referring to a random other copy: many LVs and a web of relations. */
    private static void cloneLvs(List<TreeNode> top, Random rnd, int budget) {
        List<TreeNode> lvs = lvs(top);
        TreeNode section = lvSection(top);
        if (lvs.isEmpty() || section == null) {
            return;
        }
        TreeNode proto = lvs.get(rnd.nextInt(lvs.size()));
        int n = Math.min(1 + rnd.nextInt(rnd.nextInt(5) == 0 ? 2000 : 60), room(top, proto, budget));
        for (int i = 0; i < n; i++) {
            TreeNode c = proto.deepCopy();
            c.name = proto.name + "_fz" + i;
            section.children.add(c);
        }
        List<String> names = lvNames(top);
        int refs = Math.min(n, 1 + rnd.nextInt(50));
        for (int i = 0; i < refs; i++) {
            crossReference(top, rnd, names);
        }
    }

    /** A chain of mirror LVs whose legs are the next LVs and, at some point, themselves (the exponential partial() case). */
    private static void mirrorWeb(List<TreeNode> top, Random rnd, int budget) {
        TreeNode section = lvSection(top);
        if (section == null) {
            return;
        }
        int n = Math.min(2 + rnd.nextInt(60), room(top, null, budget) / 4);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("fzmirror" + i);
        }
        for (int i = 0; i < n; i++) {
            List<TreeNode> c = new ArrayList<>();
            c.add(TreeNode.entry("id", new ConfigValue.Str("fzmirr-" + i + "-0000-0000-0000-0000-000000")));
            c.add(TreeNode.entry("status", new ConfigValue.Arr(List.of(new ConfigValue.Str("READ"), new ConfigValue.Str("WRITE"),
                    new ConfigValue.Str("VISIBLE")))));
            c.add(TreeNode.entry("segment_count", new ConfigValue.Int(1)));
            TreeNode seg = segment(1, 0, 1, "mirror");
            String a = names.get(Math.min(n - 1, i + 1));
            String b = rnd.nextInt(3) == 0 ? names.get(i) : names.get(rnd.nextInt(n));
            seg.put("mirror_count", new ConfigValue.Int(2));
            seg.put("mirrors", new ConfigValue.Arr(List.of(new ConfigValue.Str(a), new ConfigValue.Int(0), new ConfigValue.Str(b),
                    new ConfigValue.Int(0))));
            c.add(seg);
            section.children.add(TreeNode.section(names.get(i), c));
        }
    }

    private static void deepNest(List<TreeNode> top, TreeNode parent, TreeNode node, Random rnd, int budget) {
        // Mostly around the parser's depth cap (64 by default), now and then far beyond it.
        int depth = Math.min(1 + rnd.nextInt(rnd.nextInt(4) != 0 ? 70 : 2000), room(top, null, budget) / 2);
        TreeNode inner = node;
        for (int i = 0; i < depth; i++) {
            inner = TreeNode.section(rnd.nextBoolean() ? node.name : "n" + i, new ArrayList<>(List.of(inner)));
        }
        int at = parent.children.indexOf(node);
        parent.children.set(at, inner);
    }

    private static void longList(List<TreeNode> top, TreeNode node, Random rnd, List<String> lvNames, int budget) {
        int n = Math.min(rnd.nextInt(rnd.nextBoolean() ? 100 : 20000), room(top, null, budget) * 4);
        List<ConfigValue> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(rnd.nextInt(3) == 0 ? new ConfigValue.Int(hugeInt(rnd))
                    : new ConfigValue.Str(lvNames.isEmpty() || rnd.nextBoolean() ? "t" + i : lvNames.get(rnd.nextInt(lvNames.size()))));
        }
        if (node.isSection()) {
            node.children.add(TreeNode.entry(rnd.nextBoolean() ? "tags" : pick(rnd, NAMES), new ConfigValue.Arr(items)));
        } else {
            node.value = new ConfigValue.Arr(items);
        }
    }

    /** An LV with thousands of segments, in order or not, some missing or repeated: the import must stay linear. */
    private static void manySegments(List<TreeNode> top, Random rnd, int budget) {
        List<TreeNode> lvs = lvs(top);
        if (lvs.isEmpty()) {
            return;
        }
        TreeNode lv = lvs.get(rnd.nextInt(lvs.size()));
        TreeNode proto = lv.child("segment1");
        int n = Math.min(1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 20000 : 500), room(top, proto, budget));
        lv.children.removeIf(c -> c.isSection() && c.name.startsWith("segment"));
        for (int i = 1; i <= n; i++) {
            TreeNode s = proto != null && proto.isSection() ? proto.deepCopy() : segment(i, 0, 1, "striped");
            s.name = "segment" + (rnd.nextInt(50) == 0 ? 1 + rnd.nextInt(n) : i);
            s.put("start_extent", new ConfigValue.Int(i - 1L));
            s.put("extent_count", new ConfigValue.Int(1));
            lv.children.add(rnd.nextBoolean() ? lv.children.size() : rnd.nextInt(lv.children.size() + 1), s);
        }
        lv.put("segment_count", new ConfigValue.Int(rnd.nextInt(10) == 0 ? hugeInt(rnd) : n));
    }

    private static void timeOverflow(List<TreeNode> top, Random rnd) {
        List<TreeNode> lvs = lvs(top);
        long t = rnd.nextBoolean() ? INTS[rnd.nextInt(INTS.length)] : rnd.nextLong();
        if (lvs.isEmpty() || rnd.nextInt(4) == 0) {
            top.add(TreeNode.entry("creation_time", new ConfigValue.Int(t)));
        } else {
            lvs.get(rnd.nextInt(lvs.size())).put("creation_time", new ConfigValue.Int(t));
        }
    }

    private static ConfigValue randomValue(Random rnd, List<String> lvNames, int budget) {
        return switch (rnd.nextInt(6)) {
            case 0 -> new ConfigValue.Int(hugeInt(rnd));
            case 1 -> new ConfigValue.Flt(rnd.nextBoolean() ? 1e308 : rnd.nextDouble() * 1e6);
            case 2 -> new ConfigValue.Str(lvNames.isEmpty() ? pick(rnd, STRINGS) : lvNames.get(rnd.nextInt(lvNames.size())));
            case 3 -> new ConfigValue.Str(rnd.nextInt(8) == 0 ? "x".repeat(Math.min(1 + rnd.nextInt(65536), budget / 2))
                    : pick(rnd, STRINGS));
            case 4 -> new ConfigValue.Arr(List.of());
            default -> {
                List<ConfigValue> items = new ArrayList<>();
                int n = rnd.nextInt(6);
                for (int i = 0; i < n; i++) {
                    items.add(rnd.nextBoolean() ? new ConfigValue.Int(hugeInt(rnd)) : new ConfigValue.Str(pick(rnd, STRINGS)));
                }
                yield new ConfigValue.Arr(items);
            }
        };
    }

    // ---- raw byte edits: reach the parser's error paths ----

    private static final byte[] TOKENS = "{}[]=\",#\\\n \t0123456789-+.x\u0000".getBytes(StandardCharsets.ISO_8859_1);

    private static byte[] raw(byte[] text, Random rnd, int edits) {
        byte[] b = text;
        for (int i = 0; i < edits; i++) {
            if (b.length == 0) {
                b = new byte[]{TOKENS[rnd.nextInt(TOKENS.length)]};
                continue;
            }
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(5)) {
                case 0 -> b[at] = TOKENS[rnd.nextInt(TOKENS.length)];
                case 1 -> b[at] = (byte) rnd.nextInt(256);
                case 2 -> {
                    int n = Math.min(b.length - at, 1 + rnd.nextInt(64));
                    byte[] c = new byte[b.length - n];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + n, c, at, b.length - at - n);
                    b = c;
                }
                case 3 -> {
                    int n = Math.min(b.length - at, 1 + rnd.nextInt(256));
                    byte[] c = new byte[b.length + n];
                    System.arraycopy(b, 0, c, 0, at + n);
                    System.arraycopy(b, at, c, at + n, b.length - at);
                    b = c;
                }
                default -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = TOKENS[rnd.nextInt(TOKENS.length)];
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }

    private static String pick(Random rnd, String[] a) {
        return a[rnd.nextInt(a.length)];
    }
}
