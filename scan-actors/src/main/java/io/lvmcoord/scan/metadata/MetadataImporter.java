package io.lvmcoord.scan.metadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a parsed metadata text into a {@link VgMetadata}, enforcing what lvm2 enforces: the
 * text header ({@code contents}, {@code version = 1}), the required VG keys ({@code id},
 * {@code seqno}, {@code status}, {@code extent_size}), known VG status flags (an unknown one is
 * fatal in lvm2, because it may mean "do not touch"), per-segment area lists that match their
 * counts, and PV extents that exist on their PV.
 *
 * <p>The importer is total: every input either yields a model or an {@link ImportError} naming
 * the key path, the text byte of the section holding the bad key, and the reason. Beyond lvm2's
 * own checks it refuses what the model cannot carry: negative counts or sizes, and extent or
 * size arithmetic past 2^63 bytes ({@code Math.*Exact}), so that everything computed from the
 * model later (sizes in bytes, sums of extents) fits a {@code long}. Counts are capped by
 * {@link TextLimits}. Every lookup is by name through the section index, so the work is linear
 * in the text.
 */
public final class MetadataImporter {

    /** A semantic error in metadata text, with the path of the offending key and where its section starts. */
    public static final class ImportError extends Exception {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final int position;

        ImportError(String path, int position, String message) {
            super(path + ": " + message + " (section at text byte " + position + ")");
            this.path = path;
            this.position = position;
        }

        /** Key path of the offending value, e.g. {@code /vg01/logical_volumes/lv/segment1}. */
        public String path() {
            return path;
        }

        /** Byte offset in the text of the section holding the offending key. */
        public int position() {
            return position;
        }
    }

    /** Largest size in sectors whose byte count ({@code * 512}) fits a long. */
    private static final long MAX_SECTORS = Long.MAX_VALUE / 512;

    private static final Set<String> VG_STATUS = Set.of("RESIZEABLE", "READ", "WRITE", "EXPORTED", "PVMOVE",
            "CLUSTERED", "SHARED");

    private final TextLimits limits;
    private int segmentsSeen;
    /** The VG's LV names, for areas that name an LV (a pvmove's temporary LV in a striped segment). */
    private java.util.Set<String> lvNames = java.util.Set.of();

    private MetadataImporter(TextLimits limits) {
        this.limits = limits;
    }

    /** Imports with the default caps. */
    public static VgMetadata importVg(ConfigSection root) throws ImportError {
        return importVg(root, TextLimits.DEFAULT);
    }

    /** Imports metadata as written in a metadata area: the VG section first, then the header keys. */
    public static VgMetadata importVg(ConfigSection root, TextLimits limits) throws ImportError {
        return new MetadataImporter(limits).vg(root);
    }

    private VgMetadata vg(ConfigSection root) throws ImportError {
        ConfigSection vg = root.sections().stream().findFirst()
                .orElseThrow(() -> new ImportError("/", root.position(), "no VG section"));
        String contents = str(root, "contents", "/");
        if (!"Text Format Volume Group".equals(contents)) {
            throw new ImportError("/contents", root.position(), "expected \"Text Format Volume Group\", found \"" + contents + "\"");
        }
        long version = num(root, "version", "/");
        if (version != 1) {
            throw new ImportError("/version", root.position(), "unsupported metadata version " + version);
        }
        String name = vg.name();
        if (!VgNames.valid(name)) {
            throw new ImportError("/" + name, vg.position(), "invalid VG name");
        }
        String p = "/" + name;
        String id = str(vg, "id", p);
        long seqno = nonNegative(vg, "seqno", p);
        Set<String> status = strings(vg, "status", p, true);
        for (String s : status) {
            if (!VG_STATUS.contains(s)) {
                throw new ImportError(p + "/status", vg.position(), "unknown VG status flag " + s);
            }
        }
        long extentSize = num(vg, "extent_size", p);
        if (extentSize <= 0 || extentSize > MAX_SECTORS) {
            throw new ImportError(p + "/extent_size", vg.position(), "must be between 1 and " + MAX_SECTORS + " sectors, found " + extentSize);
        }
        Map<String, PvMetadata> pvByKey = new HashMap<>();
        List<PvMetadata> pvs = new ArrayList<>();
        Optional<ConfigSection> pvSection = vg.section("physical_volumes");
        if (pvSection.isPresent()) {
            List<ConfigSection> sections = pvSection.get().sections();
            if (sections.size() > limits.maxPvs()) {
                throw new ImportError(p + "/physical_volumes", pvSection.get().position(),
                        sections.size() + " PVs exceed the cap of " + limits.maxPvs());
            }
            long vgExtents = 0;
            for (ConfigSection pvs1 : sections) {
                PvMetadata pv = pv(pvs1, p + "/physical_volumes/" + pvs1.name(), extentSize);
                pvs.add(pv);
                pvByKey.putIfAbsent(pv.key(), pv);
                long sum = vgExtents;
                vgExtents = exact(pvs1, p + "/physical_volumes", "the VG's extent total", () -> Math.addExact(sum, pv.peCount()));
            }
            // vg_size and vg_free are sums over PVs; they must be printable as bytes too.
            long total = vgExtents;
            sectors(pvSection.get(), p + "/physical_volumes", "the VG's extents * extent_size", () -> Math.multiplyExact(total, extentSize));
        }
        List<LvMetadata> lvs = new ArrayList<>();
        Optional<ConfigSection> lvSection = vg.section("logical_volumes");
        if (lvSection.isPresent()) {
            List<ConfigSection> sections = lvSection.get().sections();
            if (sections.size() > limits.maxLvs()) {
                throw new ImportError(p + "/logical_volumes", lvSection.get().position(),
                        sections.size() + " LVs exceed the cap of " + limits.maxLvs());
            }
            long lvExtents = 0;
            java.util.Set<String> names = new java.util.HashSet<>();
            for (ConfigSection lv : sections) {
                names.add(lv.name());
            }
            lvNames = names;
            for (ConfigSection lv : sections) {
                LvMetadata imported = lv(lv, p + "/logical_volumes/" + lv.name(), pvByKey, extentSize);
                lvs.add(imported);
                long sum = lvExtents;
                lvExtents = exact(lv, p + "/logical_volumes", "the VG's LV extent total", () -> Math.addExact(sum, imported.extents()));
            }
            // Thin LVs may promise more than the VG holds, but a sum of all LV sizes must still print as bytes.
            long total = lvExtents;
            sectors(lvSection.get(), p + "/logical_volumes", "the VG's LV extents * extent_size", () -> Math.multiplyExact(total, extentSize));
        }
        return new VgMetadata(name, id, seqno, optStr(vg, "format").orElse("lvm2"), status, strings(vg, "flags", p, false),
                tagList(vg, p), optStr(vg, "system_id").orElse(""), optStr(vg, "lock_type").orElse(""),
                optStr(vg, "lock_args").orElse(""), extentSize, optNonNegative(vg, "max_lv", p, 0),
                optNonNegative(vg, "max_pv", p, 0), optStr(vg, "allocation_policy").orElse("normal"),
                optStr(vg, "profile").orElse(""), optNonNegative(vg, "metadata_copies", p, 0), pvs, lvs,
                optStr(root, "creation_host").orElse(""), printableTime(root), vg);
    }

    private static PvMetadata pv(ConfigSection s, String p, long extentSize) throws ImportError {
        String id = str(s, "id", p);
        long peStart = nonNegative(s, "pe_start", p);
        long peCount = nonNegative(s, "pe_count", p);
        long devSize = optNonNegative(s, "dev_size", p, -1);
        long baStart = optNonNegative(s, "ba_start", p, 0);
        long baSize = optNonNegative(s, "ba_size", p, 0);
        // pe_start + pe_count extents, and the bootloader area, must be sizes a report can print in bytes.
        sectors(s, p, "pe_start + pe_count * extent_size", () -> Math.addExact(peStart, Math.multiplyExact(peCount, extentSize)));
        sectors(s, p, "dev_size", () -> devSize);
        sectors(s, p, "ba_start + ba_size", () -> Math.addExact(baStart, baSize));
        return new PvMetadata(s.name(), id, optStr(s, "device").orElse(""), strings(s, "status", p, false),
                strings(s, "flags", p, false), tagList(s, p), devSize, peStart, peCount, baStart, baSize,
                optStr(s, "device_id_type").orElse(""), optStr(s, "device_id").orElse(""));
    }

    private LvMetadata lv(ConfigSection s, String p, Map<String, PvMetadata> pvs, long extentSize) throws ImportError {
        String id = str(s, "id", p);
        long count = optNonNegative(s, "segment_count", p, 0);
        if (count > limits.maxSegments() - segmentsSeen) {
            throw new ImportError(p + "/segment_count", s.position(), "segment_count " + count + " brings the VG past the cap of "
                    + limits.maxSegments() + " segments");
        }
        segmentsSeen += (int) count;
        // Sized by what the section holds, not by what it claims.
        List<Segment> segs = new ArrayList<>((int) Math.min(count, s.size()));
        long extents = 0;
        for (int i = 1; i <= count; i++) {
            String segName = "segment" + i;
            Optional<ConfigSection> seg = s.section(segName);
            if (seg.isEmpty()) {
                throw new ImportError(p, s.position(), "segment_count is " + count + " but " + segName + " is missing");
            }
            Segment segment = segment(seg.get(), p + "/" + segName, pvs);
            long sum = extents;
            extents = exact(seg.get(), p + "/" + segName, "the LV's extent total", () -> Math.addExact(sum, segment.extentCount()));
            segs.add(segment);
        }
        long total = extents;
        sectors(s, p, "the LV's extents * extent_size", () -> Math.multiplyExact(total, extentSize));
        return new LvMetadata(s.name(), id, strings(s, "status", p, true), strings(s, "flags", p, false), tagList(s, p),
                printableTime(s), optStr(s, "creation_host").orElse(""),
                optStr(s, "allocation_policy").orElse(""), optStr(s, "profile").orElse(""),
                optNum(s, "read_ahead").orElse(-1L), optNum(s, "major").orElse(-1L), optNum(s, "minor").orElse(-1L),
                optStr(s, "lock_args").orElse(""), segs, s);
    }

    private Segment segment(ConfigSection s, String p, Map<String, PvMetadata> pvs) throws ImportError {
        long start = nonNegative(s, "start_extent", p);
        long count = nonNegative(s, "extent_count", p);
        exact(s, p, "start_extent + extent_count", () -> Math.addExact(start, count));
        String fullType = str(s, "type", p);
        // "type+FLAG+FLAG": lvm2 splits at '+'; an empty part (a type of "+", "striped+") names no segment type or flag.
        String[] parts = fullType.split("\\+", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new ImportError(p + "/type", s.position(), "malformed segment type \"" + fullType + "\"");
            }
        }
        String type = parts.length == 1 ? fullType : parts[0];
        List<String> typeFlags = parts.length == 1 ? List.of() : List.of(parts).subList(1, parts.length);
        List<SegmentArea> areas = new ArrayList<>();
        List<String> metaAreas = new ArrayList<>();
        switch (type) {
            case "striped" -> {
                long stripes = areaCount(s, "stripe_count", p);
                if (count % stripes != 0) {
                    throw new ImportError(p, s.position(), "extent_count " + count + " is not a multiple of stripe_count " + stripes);
                }
                pairs(s, "stripes", p, stripes, count / stripes, areas, pvs, lvNames);
            }
            case "mirror" -> pairs(s, "mirrors", p, areaCount(s, "mirror_count", p), count, areas, pvs, lvNames);
            case "raid0", "raid0_meta" -> {
                if (s.raw("raid0_lvs") != null) {
                    Object[] lvs = array(s, "raid0_lvs", p);
                    if (lvs.length > limits.maxAreasPerSegment()) {
                        throw new ImportError(p + "/raid0_lvs", s.position(), lvs.length + " sub-LVs exceed the cap of "
                                + limits.maxAreasPerSegment());
                    }
                    for (Object v : lvs) {
                        areas.add(new SegmentArea.OnLv(asString(v, s, p + "/raid0_lvs"), 0));
                    }
                } else {
                    raidPairs(s, p, areas, metaAreas);
                }
            }
            default -> {
                if (type.startsWith("raid")) {
                    raidPairs(s, p, areas, metaAreas);
                } else {
                    String key = singleAreaKey(type);
                    if (key != null) {
                        s.string(key).ifPresent(lvName -> areas.add(new SegmentArea.OnLv(lvName, 0)));
                    }
                }
            }
        }
        return new Segment(start, count, type, typeFlags, optSectors(s, "stripe_size", p), optSectors(s, "region_size", p),
                optSectors(s, "chunk_size", p), areas, metaAreas, tagList(s, p), s);
    }

    /** The key naming the single data sub-LV of pool-like segment types (lvm2 reports it in devices). */
    private static String singleAreaKey(String type) {
        return switch (type) {
            case "cache-pool" -> "data";
            case "thin-pool" -> "pool";
            case "cache", "writecache", "integrity" -> "origin";
            case "vdo" -> "vdo_pool";
            case "vdo-pool" -> "data";
            default -> null;
        };
    }

    private long areaCount(ConfigSection s, String key, String p) throws ImportError {
        long n = num(s, key, p);
        if (n < 1 || n > limits.maxAreasPerSegment()) {
            throw new ImportError(p + "/" + key, s.position(), "must be between 1 and " + limits.maxAreasPerSegment() + ", found " + n);
        }
        return n;
    }

    private void raidPairs(ConfigSection s, String p, List<SegmentArea> areas, List<String> metaAreas) throws ImportError {
        Object[] raids = array(s, "raids", p);
        if (raids.length % 2 != 0) {
            throw new ImportError(p + "/raids", s.position(), "expects rmeta/rimage pairs, found " + raids.length + " names");
        }
        if (raids.length / 2 > limits.maxAreasPerSegment()) {
            throw new ImportError(p + "/raids", s.position(), raids.length / 2 + " images exceed the cap of " + limits.maxAreasPerSegment());
        }
        for (int i = 0; i < raids.length; i += 2) {
            metaAreas.add(asString(raids[i], s, p + "/raids"));
            areas.add(new SegmentArea.OnLv(asString(raids[i + 1], s, p + "/raids"), 0));
        }
    }

    /**
     * (name, first extent) pairs naming a PV or an LV, as lvm2 resolves them: a PV name first
     * (its {@code areaLength} extents must lie within the PV, as lvm2 requires when it maps the
     * segment onto PV segments), then an LV of the VG (a pvmove's temporary mirror in a striped
     * segment, mirror images; a pvmove mirror's areas are PVs); a name that is neither is refused.
     */
    private static void pairs(ConfigSection s, String key, String p, long expectedPairs, long areaLength, List<SegmentArea> out,
                              Map<String, PvMetadata> pvs, java.util.Set<String> lvNames) throws ImportError {
        Object[] list = array(s, key, p);
        if (list.length != expectedPairs * 2) {
            throw new ImportError(p + "/" + key, s.position(), "expects " + expectedPairs + " (name, extent) pairs, found "
                    + list.length + " items");
        }
        for (int i = 0; i < list.length; i += 2) {
            String name = asString(list[i], s, p + "/" + key);
            if (!(list[i + 1] instanceof Long n) || n < 0) {
                throw new ImportError(p + "/" + key, s.position(), "item " + (i + 1) + " must be a non-negative extent number");
            }
            long first = n;
            PvMetadata pv = pvs.get(name);
            if (pv == null && !lvNames.contains(name)) {
                throw new ImportError(p + "/" + key, s.position(), "refers to unknown PV or LV " + name);
            }
            if (pv != null) {
                if (first > pv.peCount() || areaLength > pv.peCount() - first) {
                    throw new ImportError(p + "/" + key, s.position(), "extents " + first + " + " + areaLength + " lie beyond the "
                            + pv.peCount() + " extents of " + name);
                }
                out.add(new SegmentArea.OnPv(pv.key(), first));
            } else {
                exact(s, p, "area start + extent_count", () -> Math.addExact(first, areaLength));
                out.add(new SegmentArea.OnLv(name, first));
            }
        }
    }

    /**
     * lvm2 stores seconds since the epoch (a time_t) and prints whatever localtime() can take, far
     * past java.time's years; the value is carried as written and the report side formats any
     * long (coordinator's Fields), printing nothing only where lvm2 does.
     */
    private static long printableTime(ConfigSection s) {
        return optNum(s, "creation_time").orElse(0L);
    }

    private interface ExactMath {
        long compute();
    }

    private static long exact(ConfigSection s, String p, String what, ExactMath math) throws ImportError {
        try {
            return math.compute();
        } catch (ArithmeticException e) {
            throw new ImportError(p, s.position(), what + " overflows 64 bits");
        }
    }

    /** A size in sectors: non-negative (or the -1 "absent" marker) and at most 2^63 - 1 bytes. */
    private static void sectors(ConfigSection s, String p, String what, ExactMath math) throws ImportError {
        long v = exact(s, p, what, math);
        if (v < -1 || v > MAX_SECTORS) {
            throw new ImportError(p, s.position(), what + " is " + v + " sectors, beyond 2^63 bytes");
        }
    }

    private static long optSectors(ConfigSection s, String key, String p) throws ImportError {
        long v = optNonNegative(s, key, p, 0);
        if (v > MAX_SECTORS) {
            throw new ImportError(p + "/" + key, s.position(), v + " sectors is beyond 2^63 bytes");
        }
        return v;
    }

    private static String asString(Object v, ConfigSection s, String p) throws ImportError {
        if (v instanceof String str) {
            return str;
        }
        throw new ImportError(p, s.position(), "expected a string, found " + ConfigSection.toValue(v));
    }

    private static Object[] array(ConfigSection s, String key, String p) throws ImportError {
        Object v = s.raw(key);
        if (v == null) {
            throw new ImportError(p, s.position(), "missing " + key);
        }
        if (v instanceof Object[] a) {
            return a;
        }
        throw new ImportError(p + "/" + key, s.position(), "expected an array");
    }

    private static String str(ConfigSection s, String key, String p) throws ImportError {
        Optional<String> v = s.string(key);
        if (v.isEmpty()) {
            throw new ImportError(p, s.position(), "missing string " + key);
        }
        return v.get();
    }

    private static long num(ConfigSection s, String key, String p) throws ImportError {
        Object v = s.raw(key);
        if (v == null) {
            throw new ImportError(p, s.position(), "missing " + key);
        }
        if (v instanceof Long n) {
            return n;
        }
        throw new ImportError(p + "/" + key, s.position(), "expected an integer");
    }

    private static long nonNegative(ConfigSection s, String key, String p) throws ImportError {
        long v = num(s, key, p);
        if (v < 0) {
            throw new ImportError(p + "/" + key, s.position(), "must not be negative, found " + v);
        }
        return v;
    }

    /** An optional count or size: absent (or not a number, which lvm2 also ignores) is {@code absent}; negative is an error. */
    private static long optNonNegative(ConfigSection s, String key, String p, long absent) throws ImportError {
        Optional<Long> v = s.number(key);
        if (v.isEmpty()) {
            return absent;
        }
        if (v.get() < 0) {
            throw new ImportError(p + "/" + key, s.position(), "must not be negative, found " + v.get());
        }
        return v.get();
    }

    private static Optional<String> optStr(ConfigSection s, String key) {
        return s.string(key);
    }

    private static Optional<Long> optNum(ConfigSection s, String key) {
        return s.number(key);
    }

    private static Set<String> strings(ConfigSection s, String key, String p, boolean required) throws ImportError {
        Object v = s.raw(key);
        if (v == null) {
            if (required) {
                throw new ImportError(p, s.position(), "missing " + key);
            }
            return Set.of();
        }
        if (v instanceof Object[] a) {
            if (a.length == 0) {
                return Set.of();
            }
            Set<String> out = new LinkedHashSet<>();
            for (Object item : a) {
                out.add(asString(item, s, p + "/" + key));
            }
            return out;
        }
        throw new ImportError(p + "/" + key, s.position(), "expected an array of strings");
    }

    private static List<String> tagList(ConfigSection s, String p) throws ImportError {
        Set<String> tags = strings(s, "tags", p, false);
        return tags.isEmpty() ? List.of() : List.copyOf(tags);
    }
}
