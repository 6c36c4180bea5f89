package io.lvmcoord.scan.metadata;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a parsed metadata text into a {@link VgMetadata}, enforcing what lvm2 enforces: the
 * text header ({@code contents}, {@code version = 1}), the required VG keys ({@code id},
 * {@code seqno}, {@code status}, {@code extent_size}), known VG status flags (an unknown one is
 * fatal in lvm2, because it may mean "do not touch"), and per-segment area lists that match
 * their counts. Problems are reported as {@link ImportError} naming the key path.
 */
public final class MetadataImporter {

    /** A semantic error in metadata text, with the path of the offending key. */
    public static final class ImportError extends Exception {
        private static final long serialVersionUID = 1L;

        ImportError(String path, String message) {
            super(path + ": " + message);
        }
    }

    private static final Set<String> VG_STATUS = Set.of("RESIZEABLE", "READ", "WRITE", "EXPORTED", "PVMOVE",
            "CLUSTERED", "SHARED");

    private MetadataImporter() {
    }

    /** Imports metadata as written in a metadata area: the VG section first, then the header keys. */
    public static VgMetadata importVg(ConfigSection root) throws ImportError {
        ConfigSection vg = root.sections().stream().findFirst()
                .orElseThrow(() -> new ImportError("/", "no VG section"));
        String contents = str(root, "contents", "/");
        if (!"Text Format Volume Group".equals(contents)) {
            throw new ImportError("/contents", "expected \"Text Format Volume Group\", found \"" + contents + "\"");
        }
        long version = num(root, "version", "/");
        if (version != 1) {
            throw new ImportError("/version", "unsupported metadata version " + version);
        }
        String name = vg.name();
        if (!VgNames.valid(name)) {
            throw new ImportError("/" + name, "invalid VG name");
        }
        String p = "/" + name;
        String id = str(vg, "id", p);
        long seqno = num(vg, "seqno", p);
        Set<String> status = strings(vg, "status", p, true);
        for (String s : status) {
            if (!VG_STATUS.contains(s)) {
                throw new ImportError(p + "/status", "unknown VG status flag " + s);
            }
        }
        long extentSize = num(vg, "extent_size", p);
        if (extentSize <= 0) {
            throw new ImportError(p + "/extent_size", "must be positive, found " + extentSize);
        }
        List<PvMetadata> pvs = new ArrayList<>();
        Optional<ConfigSection> pvSection = vg.section("physical_volumes");
        if (pvSection.isPresent()) {
            for (ConfigSection pv : pvSection.get().sections()) {
                pvs.add(pv(pv, p + "/physical_volumes/" + pv.name()));
            }
        }
        List<LvMetadata> lvs = new ArrayList<>();
        Optional<ConfigSection> lvSection = vg.section("logical_volumes");
        if (lvSection.isPresent()) {
            for (ConfigSection lv : lvSection.get().sections()) {
                lvs.add(lv(lv, p + "/logical_volumes/" + lv.name(), pvs));
            }
        }
        return new VgMetadata(name, id, seqno, optStr(vg, "format").orElse("lvm2"), status, strings(vg, "flags", p, false),
                tagList(vg, p), optStr(vg, "system_id").orElse(""), optStr(vg, "lock_type").orElse(""),
                optStr(vg, "lock_args").orElse(""), extentSize, optNum(vg, "max_lv").orElse(0L),
                optNum(vg, "max_pv").orElse(0L), optStr(vg, "allocation_policy").orElse("normal"),
                optStr(vg, "profile").orElse(""), optNum(vg, "metadata_copies").orElse(0L), pvs, lvs,
                optStr(root, "creation_host").orElse(""), optNum(root, "creation_time").orElse(0L), vg);
    }

    private static PvMetadata pv(ConfigSection s, String p) throws ImportError {
        String id = str(s, "id", p);
        long peStart = num(s, "pe_start", p);
        long peCount = num(s, "pe_count", p);
        if (peStart < 0 || peCount < 0) {
            throw new ImportError(p, "negative pe_start or pe_count");
        }
        return new PvMetadata(s.name(), id, optStr(s, "device").orElse(""), strings(s, "status", p, false),
                strings(s, "flags", p, false), tagList(s, p), optNum(s, "dev_size").orElse(-1L), peStart, peCount,
                optNum(s, "ba_start").orElse(0L), optNum(s, "ba_size").orElse(0L),
                optStr(s, "device_id_type").orElse(""), optStr(s, "device_id").orElse(""));
    }

    private static LvMetadata lv(ConfigSection s, String p, List<PvMetadata> pvs) throws ImportError {
        String id = str(s, "id", p);
        long count = optNum(s, "segment_count").orElse(0L);
        List<Segment> segs = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String segName = "segment" + i;
            ConfigSection seg = s.section(segName)
                    .orElseThrow(() -> new ImportError(p, "segment_count is " + count + " but " + segName + " is missing"));
            segs.add(segment(seg, p + "/" + segName, pvs));
        }
        return new LvMetadata(s.name(), id, strings(s, "status", p, true), strings(s, "flags", p, false), tagList(s, p),
                optNum(s, "creation_time").orElse(0L), optStr(s, "creation_host").orElse(""),
                optStr(s, "allocation_policy").orElse(""), optStr(s, "profile").orElse(""),
                optNum(s, "read_ahead").orElse(-1L), optNum(s, "major").orElse(-1L), optNum(s, "minor").orElse(-1L),
                optStr(s, "lock_args").orElse(""), segs, s);
    }

    private static Segment segment(ConfigSection s, String p, List<PvMetadata> pvs) throws ImportError {
        long start = num(s, "start_extent", p);
        long count = num(s, "extent_count", p);
        String fullType = str(s, "type", p);
        List<String> parts = Arrays.asList(fullType.split("\\+"));
        String type = parts.get(0);
        List<String> typeFlags = parts.subList(1, parts.size());
        List<SegmentArea> areas = new ArrayList<>();
        List<String> metaAreas = new ArrayList<>();
        switch (type) {
            case "striped" -> {
                long stripeCount = num(s, "stripe_count", p);
                List<ConfigValue> list = array(s, "stripes", p);
                pairs(list, p + "/stripes", stripeCount, areas, true, pvs);
            }
            case "mirror" -> {
                long mirrorCount = num(s, "mirror_count", p);
                pairs(array(s, "mirrors", p), p + "/mirrors", mirrorCount, areas, false, pvs);
            }
            case "raid0", "raid0_meta" -> {
                if (s.value("raid0_lvs").isPresent()) {
                    for (ConfigValue v : array(s, "raid0_lvs", p)) {
                        areas.add(new SegmentArea.OnLv(asString(v, p + "/raid0_lvs"), 0));
                    }
                } else {
                    raidPairs(s, p, areas, metaAreas);
                }
            }
            default -> {
                if (type.startsWith("raid")) {
                    raidPairs(s, p, areas, metaAreas);
                } else {
                    for (String key : singleAreaKeys(type)) {
                        Optional<String> lvName = optStr(s, key);
                        if (lvName.isPresent()) {
                            areas.add(new SegmentArea.OnLv(lvName.get(), 0));
                        }
                    }
                }
            }
        }
        return new Segment(start, count, type, typeFlags, optNum(s, "stripe_size").orElse(0L),
                optNum(s, "region_size").orElse(0L), optNum(s, "chunk_size").orElse(0L), areas, metaAreas, tagList(s, p), s);
    }

    /** The key naming the single data sub-LV of pool-like segment types (lvm2 reports it in devices). */
    private static List<String> singleAreaKeys(String type) {
        return switch (type) {
            case "cache-pool" -> List.of("data");
            case "thin-pool" -> List.of("pool");
            case "cache", "writecache", "integrity" -> List.of("origin");
            case "vdo" -> List.of("vdo_pool");
            case "vdo-pool" -> List.of("data");
            default -> List.of();
        };
    }

    private static void raidPairs(ConfigSection s, String p, List<SegmentArea> areas, List<String> metaAreas) throws ImportError {
        List<ConfigValue> raids = array(s, "raids", p);
        if (raids.size() % 2 != 0) {
            throw new ImportError(p + "/raids", "expects rmeta/rimage pairs, found " + raids.size() + " names");
        }
        for (int i = 0; i < raids.size(); i += 2) {
            metaAreas.add(asString(raids.get(i), p + "/raids"));
            areas.add(new SegmentArea.OnLv(asString(raids.get(i + 1), p + "/raids"), 0));
        }
    }

    private static void pairs(List<ConfigValue> list, String p, long expectedPairs, List<SegmentArea> out, boolean onPv,
                              List<PvMetadata> pvs) throws ImportError {
        if (list.size() != expectedPairs * 2) {
            throw new ImportError(p, "expects " + expectedPairs + " (name, extent) pairs, found " + list.size() + " items");
        }
        for (int i = 0; i < list.size(); i += 2) {
            String name = asString(list.get(i), p);
            if (!(list.get(i + 1) instanceof ConfigValue.Int n) || n.value() < 0) {
                throw new ImportError(p, "item " + (i + 1) + " must be a non-negative extent number");
            }
            if (onPv) {
                if (pvs.stream().noneMatch(pv -> pv.key().equals(name))) {
                    throw new ImportError(p, "refers to unknown PV " + name);
                }
                out.add(new SegmentArea.OnPv(name, n.value()));
            } else {
                out.add(new SegmentArea.OnLv(name, n.value()));
            }
        }
    }

    private static String asString(ConfigValue v, String p) throws ImportError {
        if (v instanceof ConfigValue.Str s) {
            return s.value();
        }
        throw new ImportError(p, "expected a string, found " + v);
    }

    private static List<ConfigValue> array(ConfigSection s, String key, String p) throws ImportError {
        ConfigValue v = s.value(key).orElseThrow(() -> new ImportError(p, "missing " + key));
        if (v instanceof ConfigValue.Arr a) {
            return a.items();
        }
        throw new ImportError(p + "/" + key, "expected an array");
    }

    private static String str(ConfigSection s, String key, String p) throws ImportError {
        return optStr(s, key).orElseThrow(() -> new ImportError(p, "missing string " + key));
    }

    private static long num(ConfigSection s, String key, String p) throws ImportError {
        Optional<ConfigValue> v = s.value(key);
        if (v.isEmpty()) {
            throw new ImportError(p, "missing " + key);
        }
        if (v.get() instanceof ConfigValue.Int i) {
            return i.value();
        }
        throw new ImportError(p + "/" + key, "expected an integer");
    }

    private static Optional<String> optStr(ConfigSection s, String key) {
        return s.value(key).filter(v -> v instanceof ConfigValue.Str).map(v -> ((ConfigValue.Str) v).value());
    }

    private static Optional<Long> optNum(ConfigSection s, String key) {
        return s.value(key).filter(v -> v instanceof ConfigValue.Int).map(v -> ((ConfigValue.Int) v).value());
    }

    private static Set<String> strings(ConfigSection s, String key, String p, boolean required) throws ImportError {
        Optional<ConfigValue> v = s.value(key);
        if (v.isEmpty()) {
            if (required) {
                throw new ImportError(p, "missing " + key);
            }
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        if (v.get() instanceof ConfigValue.Arr a) {
            for (ConfigValue item : a.items()) {
                out.add(asString(item, p + "/" + key));
            }
            return out;
        }
        throw new ImportError(p + "/" + key, "expected an array of strings");
    }

    private static List<String> tagList(ConfigSection s, String p) throws ImportError {
        return List.copyOf(strings(s, "tags", p, false));
    }
}
