package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.PvCounts;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.metadata.ConfigSection;
import io.lvmcoord.scan.metadata.ConfigValue;
import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.PvMetadata;
import io.lvmcoord.scan.metadata.Segment;
import io.lvmcoord.scan.metadata.SegmentArea;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What lvm2 derives about a VG's LVs when it imports the metadata: the status bits its segment
 * types set on the LVs they use (a thin pool's data LV becomes {@code THIN_POOL_DATA}, a raid
 * image {@code RAID_IMAGE}, ...), the list of segments using each LV, snapshot origins and
 * COWs, external origins, and the historical LVs lvm2 keeps for thin snapshot chains. Every LV
 * report field that is not a plain copy of a metadata key is computed from here, with lvm2's
 * own precedence, so that {@code lv_attr}, {@code lv_layout}, {@code lv_role}, the relation
 * fields and the counts in {@code vgs} come out as lvm2 prints them. Kernel state is not in the
 * metadata: the fields that need it are what lvm2 prints when device-mapper answers nothing.
 *
 * <p>How it is built: one pass over the LVs in metadata order sets the status bits of the
 * metadata itself, then one pass over every segment does what lvm2's segment-type importers do
 * (set bits on the LVs a segment uses and append the segment to their users, in the same order
 * as lvm2, since some fields list users in that order), then historical LVs are linked. The
 * metadata is input, so references may name missing LVs or form cycles: a missing name links to
 * nothing, and every walk over references is iterative with a visited set (lvm2 would refuse such
 * a VG; we must only not hang). Extent sums use exact arithmetic: a sum past 2^63 is an
 * {@link ArithmeticException} naming the VG, which the report builder turns into lvm2's "Cannot
 * process volume group" for that VG alone.
 */
public final class LvRelations {

    /** lvm2's LV status bits that reports read (lib/metadata/metadata-exported.h). */
    enum Flag {
        READ, WRITE, VISIBLE, LOCKED, PVMOVE, FIXED_MINOR, NOTSYNCED, WRITEMOSTLY, REMOVE_AFTER_RESHAPE, ACTIVATION_SKIP,
        NOAUTOACTIVATE, ERROR_WHEN_FULL, CACHE_VOL, CACHE_USES_CACHEVOL, POOL_METADATA_SPARE, LOCKD_SANLOCK_LV, RAID, RAID_META,
        RAID_IMAGE, MIRROR, MIRROR_IMAGE, MIRROR_LOG, MIRRORED, VIRTUAL, SNAPSHOT, MERGING, CONVERTING, PARTIAL,
        VIRTUAL_ORIGIN, THIN_VOLUME, THIN_POOL, THIN_POOL_DATA, THIN_POOL_METADATA, CACHE, CACHE_POOL, CACHE_POOL_DATA,
        CACHE_POOL_METADATA, VDO, VDO_POOL, VDO_POOL_DATA, WRITECACHE, INTEGRITY, INTEGRITY_METADATA, PENDING_DELETE
    }

    /** A segment using an LV, and how many of its areas do (lvm2's {@code seg_list}). */
    static final class Use {
        final Node user;
        final Segment seg;
        int count = 1;

        Use(Node user, Segment seg) {
            this.user = user;
            this.seg = seg;
        }
    }

    /** One LV as lvm2's importer links it. */
    static final class Node {
        final LvMetadata lv;
        final EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
        /** lvm2's segs_using_this_lv, in the order lvm2 appends to it. */
        final List<Use> usedBy = new ArrayList<>();
        /** For a snapshot origin: its COW LVs, in the order of their snapshot segments. */
        final List<Node> cows = new ArrayList<>();
        /** For a COW: the origin, and the snapshot segment (of the internal snapshotN LV) joining them. */
        Node cowOrigin;
        Segment snapshotSeg;
        Node snapshotLv;
        /** For a merging origin: the snapshot segment being merged into it. */
        Segment mergingSnapshotSeg;
        int externalCount;
        /** Thin volume links (first segment). */
        Node pool;
        Node thinOrigin;
        Node externalOrigin;
        Glv indirectOrigin;
        final List<Glv> indirectGlvs = new ArrayList<>();

        Node(LvMetadata lv) {
            this.lv = lv;
        }

        boolean is(Flag f) {
            return flags.contains(f);
        }

        String name() {
            return lv.name();
        }
    }

    /**
     * A historical LV: one that was removed while lvm2 recorded LV history, kept so that thin
     * snapshot chains stay connected. lvm2 shows them only with {@code -H}, named {@code -name}.
     */
    static final class Historical {
        final String name;
        final LvMetadata row;
        final long removalTime;
        Glv indirectOrigin;
        final List<Glv> indirectGlvs = new ArrayList<>();

        Historical(String name, LvMetadata row, long removalTime) {
            this.name = name;
            this.row = row;
            this.removalTime = removalTime;
        }
    }

    /** lvm2's generic_logical_volume: a live LV or a historical one. */
    record Glv(Node live, Historical historical) {
        String display() {
            return historical != null ? "-" + historical.name : live.name();
        }
    }

    private final VgView vg;
    private final boolean includeHistory;
    private final Map<String, Node> byName = new LinkedHashMap<>();
    private final Map<String, Historical> historical = new LinkedHashMap<>();
    /** Row objects of historical LVs -> their history, for the report fields. */
    private final Map<LvMetadata, Historical> historicalByRow = new HashMap<>();
    private final Map<String, Long> allocatedByPv = new HashMap<>();
    private final Set<String> missingPvKeys = new HashSet<>();
    private final Map<String, VgPv> pvByKey = new HashMap<>();
    private final List<LvMetadata> visibleLvs;
    private final List<LvMetadata> allLvs;
    private final long visibleLvCount;
    private final long snapshotCount;
    private final VgTotals totals;

    /**
     * The VG-wide figures of {@code vgs} (and of the VG columns of {@code pvs}/{@code lvs}),
     * computed once so that each row reads them instead of summing over every PV again.
     *
     * @param extentCount sum of the PVs' pe_count
     * @param freeCount   extentCount minus the extents LV segments allocate on those PVs
     * @param mdaSize     smallest usable metadata area on a present PV, bytes (0 when none)
     * @param mdaFree     smallest free space of those areas, bytes (0 when none)
     */
    public record VgTotals(long extentCount, long freeCount, long missingPvCount, long mdaCount, long mdaUsedCount,
                           long mdaSize, long mdaFree) {
    }

    public LvRelations(VgView vg) {
        this(vg, false);
    }

    /** @param includeHistory lvs -H: historical LVs are listed, and named in ancestor and descendant lists */
    public LvRelations(VgView vg, boolean includeHistory) {
        this.vg = vg;
        this.includeHistory = includeHistory;
        String vgName = vg.metadata().name();
        for (VgPv pv : vg.pvs()) {
            pvByKey.putIfAbsent(pv.meta().key(), pv);
            if (pv.missing()) {
                missingPvKeys.add(pv.meta().key());
            }
        }
        for (LvMetadata lv : vg.metadata().lvs()) {
            Node n = new Node(lv);
            byName.putIfAbsent(lv.name(), n);
            readStatus(n);
        }
        for (LvMetadata lv : vg.metadata().lvs()) {
            Node n = byName.get(lv.name());
            if (n.lv != lv) {
                continue;
            }
            for (Segment seg : lv.segments()) {
                importSegment(n, seg);
                for (SegmentArea a : seg.areas()) {
                    if (a instanceof SegmentArea.OnPv p) {
                        long perArea = Fields.areaLen(seg);
                        allocatedByPv.merge(p.pvKey(), perArea, (x, y) -> exactSum(x, y, vgName, "allocated extents of " + p.pvKey()));
                    }
                }
            }
            lvLevelFlags(n);
        }
        readHistory(vg.metadata().raw());
        markPartial();
        List<LvMetadata> visible = new ArrayList<>();
        List<LvMetadata> all = new ArrayList<>();
        long snapshots = 0;
        for (Node n : byName.values()) {
            if (isCow(n)) {
                snapshots++;
            }
            if (n.is(Flag.SNAPSHOT)) {
                // lvm2 never lists the internal snapshotN LV joining an origin and its COW.
                continue;
            }
            all.add(n.lv);
            if (isVisible(n)) {
                visible.add(n.lv);
            }
        }
        this.visibleLvs = List.copyOf(visible);
        this.allLvs = List.copyOf(all);
        this.visibleLvCount = visible.size();
        this.snapshotCount = snapshots;
        this.totals = totals(vgName);
    }

    // ---- import -------------------------------------------------------------------------------

    private static void readStatus(Node n) {
        LvMetadata lv = n.lv;
        for (String s : lv.status()) {
            switch (s) {
                case "READ" -> n.flags.add(Flag.READ);
                case "WRITE" -> n.flags.add(Flag.WRITE);
                case "VISIBLE" -> n.flags.add(Flag.VISIBLE);
                case "LOCKED" -> n.flags.add(Flag.LOCKED);
                case "PVMOVE" -> n.flags.add(Flag.PVMOVE);
                case "FIXED_MINOR" -> n.flags.add(Flag.FIXED_MINOR);
                case "NOTSYNCED" -> n.flags.add(Flag.NOTSYNCED);
                case "WRITEMOSTLY" -> n.flags.add(Flag.WRITEMOSTLY);
                default -> {
                }
            }
        }
        for (String f : lv.flags()) {
            switch (f) {
                case "ACTIVATION_SKIP" -> n.flags.add(Flag.ACTIVATION_SKIP);
                case "NOAUTOACTIVATE" -> n.flags.add(Flag.NOAUTOACTIVATE);
                case "ERROR_WHEN_FULL" -> n.flags.add(Flag.ERROR_WHEN_FULL);
                case "CACHE_VOL" -> n.flags.add(Flag.CACHE_VOL);
                default -> {
                }
            }
        }
        for (Segment seg : lv.segments()) {
            for (String f : seg.typeFlags()) {
                switch (f) {
                    case "REMOVE_AFTER_RESHAPE" -> n.flags.add(Flag.REMOVE_AFTER_RESHAPE);
                    case "CACHE_USES_CACHEVOL" -> n.flags.add(Flag.CACHE_USES_CACHEVOL);
                    default -> {
                    }
                }
            }
        }
        if (!n.is(Flag.VISIBLE) && lv.name().contains("_pmspare")) {
            n.flags.add(Flag.POOL_METADATA_SPARE);
        }
        if (!n.is(Flag.VISIBLE) && lv.name().equals("lvmlock")) {
            n.flags.add(Flag.LOCKD_SANLOCK_LV);
        }
    }

    /** What lvm2's importer sets on the LV from its segment types once all are read. */
    private void lvLevelFlags(Node n) {
        for (Segment seg : n.lv.segments()) {
            String t = seg.type();
            if (t.equals("mirror")) {
                n.flags.add(Flag.MIRROR);
            }
            if (t.equals("mirror") || t.equals("raid1") || t.equals("raid10") || t.equals("raid10_near")) {
                n.flags.add(Flag.MIRRORED);
            }
            if (isRaidType(t)) {
                n.flags.add(Flag.RAID);
            }
            if (isVirtualType(t)) {
                n.flags.add(Flag.VIRTUAL);
            }
            if (!isRaidType(t) && n.is(Flag.MIRRORED)) {
                // A mirror whose first image is the temporary "_mimagetmp" layer is being converted.
                Segment first = n.lv.firstSegment();
                if (first != null && !first.areas().isEmpty() && first.areas().get(0) instanceof SegmentArea.OnLv l
                        && l.lvName().contains("_mimagetmp")) {
                    n.flags.add(Flag.CONVERTING);
                }
            }
        }
    }

    static boolean isRaidType(String t) {
        return t.startsWith("raid");
    }

    /** lvm2's SEG_VIRTUAL segment types: no data areas of their own. */
    private static boolean isVirtualType(String t) {
        return t.equals("error") || t.equals("zero") || t.equals("thin") || t.equals("vdo") || !KNOWN_TYPES.contains(t);
    }

    Node node(String name) {
        return name == null ? null : byName.get(name);
    }

    /** lvm2's add_seg_to_segs_using_this_lv: one entry per (LV, segment), counting repeats. */
    private static void addUse(Node used, Node user, Segment seg) {
        if (used == null) {
            return;
        }
        for (Use u : used.usedBy) {
            if (u.seg == seg) {
                u.count++;
                return;
            }
        }
        used.usedBy.add(new Use(user, seg));
    }

    private void areaLv(Node user, Segment seg, String name, Flag flag) {
        Node used = node(name);
        if (used == null) {
            return;
        }
        if (flag != null) {
            used.flags.add(flag);
        }
        addUse(used, user, seg);
    }

    private void importSegment(Node n, Segment seg) {
        String t = seg.type();
        switch (t) {
            case "thin-pool" -> {
                n.flags.add(Flag.THIN_POOL);
                seg.string("metadata").ifPresent(m -> areaLv(n, seg, m, Flag.THIN_POOL_METADATA));
                seg.string("pool").ifPresent(d -> areaLv(n, seg, d, Flag.THIN_POOL_DATA));
            }
            case "cache-pool" -> {
                n.flags.add(Flag.CACHE_POOL);
                seg.string("data").ifPresent(d -> areaLv(n, seg, d, Flag.CACHE_POOL_DATA));
                seg.string("metadata").ifPresent(m -> areaLv(n, seg, m, Flag.CACHE_POOL_METADATA));
            }
            case "thin" -> {
                if (n.lv.firstSegment() == seg) {
                    n.pool = node(seg.string("thin_pool").orElse(null));
                    n.thinOrigin = node(seg.string("origin").orElse(null));
                    n.externalOrigin = node(seg.string("external_origin").orElse(null));
                }
                Node origin = node(seg.string("origin").orElse(null));
                if (origin != null) {
                    addUse(origin, n, seg);
                }
                Node ext = node(seg.string("external_origin").orElse(null));
                if (ext != null) {
                    ext.externalCount++;
                    addUse(ext, n, seg);
                }
                n.flags.add(Flag.THIN_VOLUME);
                addUse(node(seg.string("thin_pool").orElse(null)), n, seg);
                if (seg.raw().value("merge").isPresent()) {
                    n.flags.add(Flag.MERGING);
                }
            }
            case "cache" -> {
                Node pool = node(seg.string("cache_pool").orElse(null));
                seg.string("origin").ifPresent(o -> areaLv(n, seg, o, null));
                n.flags.add(Flag.CACHE);
                addUse(pool, n, seg);
                if (pool != null && !pool.is(Flag.CACHE_POOL) && n.is(Flag.CACHE_USES_CACHEVOL)) {
                    pool.flags.add(Flag.CACHE_VOL);
                }
                if (n.lv.name().contains("_corig")) {
                    n.flags.add(Flag.PENDING_DELETE);
                }
            }
            case "writecache" -> {
                seg.string("origin").ifPresent(o -> areaLv(n, seg, o, null));
                addUse(node(seg.string("writecache").orElse(null)), n, seg);
                n.flags.add(Flag.WRITECACHE);
            }
            case "integrity" -> {
                seg.string("origin").ifPresent(o -> areaLv(n, seg, o, null));
                n.flags.add(Flag.INTEGRITY);
                seg.string("meta_dev").ifPresent(m -> areaLv(n, seg, m, Flag.INTEGRITY_METADATA));
            }
            case "mirror" -> {
                for (SegmentArea a : seg.areas()) {
                    if (a instanceof SegmentArea.OnLv l) {
                        areaLv(n, seg, l.lvName(), Flag.MIRROR_IMAGE);
                    }
                }
                seg.string("mirror_log").ifPresent(l -> areaLv(n, seg, l, Flag.MIRROR_LOG));
            }
            case "snapshot" -> {
                Node origin = node(seg.string("origin").orElse(null));
                Node cow = node(seg.string("cow_store").orElse(null));
                n.flags.add(Flag.SNAPSHOT);
                n.flags.add(Flag.VIRTUAL);
                if (origin != null) {
                    if (origin.is(Flag.VIRTUAL)) {
                        origin.flags.add(Flag.VIRTUAL_ORIGIN);
                    }
                    if (cow != null) {
                        origin.cows.add(cow);
                    }
                }
                if (cow != null) {
                    cow.cowOrigin = origin;
                    cow.snapshotSeg = seg;
                    cow.snapshotLv = n;
                }
                if (seg.number("merging_store").isPresent() || seg.string("merging_store").isPresent()) {
                    // lvm2 writes the merging COW as "merging_store" instead of "cow_store".
                    Node merging = node(seg.string("merging_store").orElse(null));
                    if (merging != null) {
                        merging.cowOrigin = origin;
                        merging.snapshotSeg = seg;
                        merging.snapshotLv = n;
                        if (origin != null) {
                            origin.cows.add(merging);
                        }
                    }
                    n.flags.add(Flag.MERGING);
                    if (origin != null) {
                        origin.flags.add(Flag.MERGING);
                        origin.mergingSnapshotSeg = seg;
                    }
                }
            }
            case "vdo" -> {
                n.flags.add(Flag.VDO);
                seg.string("vdo_pool").ifPresent(p -> areaLv(n, seg, p, null));
            }
            case "vdo-pool" -> {
                n.flags.add(Flag.VDO_POOL);
                seg.string("data").ifPresent(d -> areaLv(n, seg, d, Flag.VDO_POOL_DATA));
            }
            default -> {
                if (isRaidType(t)) {
                    List<String> metas = seg.metaAreas();
                    List<SegmentArea> images = seg.areas();
                    // lvm2 reads raid areas in pairs: each rmeta, then its rimage.
                    for (int i = 0; i < Math.max(metas.size(), images.size()); i++) {
                        if (i < metas.size()) {
                            areaLv(n, seg, metas.get(i), Flag.RAID_META);
                        }
                        if (i < images.size() && images.get(i) instanceof SegmentArea.OnLv l) {
                            areaLv(n, seg, l.lvName(), Flag.RAID_IMAGE);
                        }
                    }
                } else {
                    for (SegmentArea a : seg.areas()) {
                        if (a instanceof SegmentArea.OnLv l) {
                            areaLv(n, seg, l.lvName(), null);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code historical_logical_volumes}: each removed LV with its origin and descendants, linked
     * as lvm2 links them (an origin's indirect descendants; a descendant's indirect origin).
     */
    private void readHistory(ConfigSection vgRaw) {
        if (vgRaw == null) {
            return;
        }
        ConfigSection section = vgRaw.section("historical_logical_volumes").orElse(null);
        if (section == null) {
            return;
        }
        for (ConfigSection h : section.sections()) {
            String id = h.string("id").orElse("");
            long created = h.number("creation_time").orElse(0L);
            long removed = h.number("removal_time").orElse(0L);
            LvMetadata row = new LvMetadata(h.name(), id, Set.of(), Set.of(), List.of(), created, "", "", "", 0, -1, -1, "",
                    List.of(), h);
            Historical hist = new Historical(h.name(), row, removed);
            historical.putIfAbsent(h.name(), hist);
            historicalByRow.put(row, hist);
        }
        for (ConfigSection h : section.sections()) {
            Historical hist = historical.get(h.name());
            Glv self = new Glv(null, hist);
            h.string("origin").ifPresent(o -> {
                Glv origin = o.startsWith("-") ? glvOfHistory(o.substring(1)) : glvOfLive(o);
                if (origin != null) {
                    hist.indirectOrigin = origin;
                    (origin.historical() != null ? origin.historical().indirectGlvs : origin.live().indirectGlvs).add(self);
                }
            });
            for (String d : strings(h, "descendants")) {
                Node live = node(d);
                if (live != null) {
                    Glv desc = new Glv(live, null);
                    hist.indirectGlvs.add(desc);
                    // A live descendant's link back: its thin segment's indirect origin.
                    live.indirectOrigin = self;
                }
            }
        }
    }

    private Glv glvOfHistory(String name) {
        Historical h = historical.get(name);
        return h == null ? null : new Glv(null, h);
    }

    private Glv glvOfLive(String name) {
        Node n = node(name);
        return n == null ? null : new Glv(n, null);
    }

    private static List<String> strings(ConfigSection s, String key) {
        List<String> out = new ArrayList<>();
        s.value(key).ifPresent(v -> {
            if (v instanceof ConfigValue.Arr arr) {
                for (ConfigValue e : arr.items()) {
                    if (e instanceof ConfigValue.Str str) {
                        out.add(str.value());
                    }
                }
            } else if (v instanceof ConfigValue.Str str) {
                out.add(str.value());
            }
        });
        return out;
    }

    private static long exactSum(long a, long b, String vgName, String what) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new ArithmeticException("VG " + vgName + ": " + what + " exceed 2^63");
        }
    }

    private VgTotals totals(String vgName) {
        long extents = 0;
        long free = 0;
        for (PvMetadata pm : vg.metadata().pvs()) {
            long allocated = allocatedExtents(pm.key());
            if (pm.peCount() < 0 || allocated > pm.peCount()) {
                // lvm2's vg_validate refuses this; a report would print a negative free size.
                throw new ArithmeticException("VG " + vgName + ": PV " + pm.key() + " has " + allocated
                        + " extents allocated of its " + pm.peCount() + " (free would be negative)");
            }
            extents = exactSum(extents, pm.peCount(), vgName, "pe_count of its PVs");
            free = exactSum(free, pm.peCount() - allocated, vgName, "free extents of its PVs");
        }
        long missing = 0;
        long mdas = 0;
        long used = 0;
        long mdaSize = Long.MAX_VALUE;
        long mdaFree = Long.MAX_VALUE;
        for (VgPv p : vg.pvs()) {
            if (p.missing()) {
                missing++;
                continue;
            }
            long count = PvCounts.mdaCount(p.device());
            mdas += count;
            used += PvCounts.mdaUsedCount(p.device());
            long size = PvCounts.mdaSize(p.device());
            if (size > 0) {
                mdaSize = Math.min(mdaSize, size);
            }
            if (count > 0) {
                mdaFree = Math.min(mdaFree, PvCounts.mdaFree(p.device()));
            }
        }
        return new VgTotals(extents, free, missing, mdas, used, mdaSize == Long.MAX_VALUE ? 0 : mdaSize,
                mdaFree == Long.MAX_VALUE ? 0 : mdaFree);
    }

    /**
     * Breadth-first from the LVs with an area on a missing PV, backwards along "uses as data or
     * metadata area": every LV reached is partial. Each LV and each reference is visited once,
     * so cycles end and the cost is linear (the recursive walk this replaces was exponential
     * in LVs for a self-referencing mirror).
     */
    private void markPartial() {
        Map<String, List<String>> usedBy = new HashMap<>();
        Deque<Node> queue = new ArrayDeque<>();
        for (Node n : byName.values()) {
            boolean direct = false;
            for (Segment seg : n.lv.segments()) {
                for (SegmentArea a : seg.areas()) {
                    if (a instanceof SegmentArea.OnPv p && missingPvKeys.contains(p.pvKey())) {
                        direct = true;
                    } else if (a instanceof SegmentArea.OnLv l) {
                        usedBy.computeIfAbsent(l.lvName(), k -> new ArrayList<>()).add(n.name());
                    }
                }
                for (String m : seg.metaAreas()) {
                    usedBy.computeIfAbsent(m, k -> new ArrayList<>()).add(n.name());
                }
            }
            if (direct && n.flags.add(Flag.PARTIAL)) {
                queue.add(n);
            }
        }
        while (!queue.isEmpty()) {
            for (String user : usedBy.getOrDefault(queue.poll().name(), List.of())) {
                Node u = node(user);
                if (u != null && u.flags.add(Flag.PARTIAL)) {
                    queue.add(u);
                }
            }
        }
    }

    // ---- lvm2's predicates --------------------------------------------------------------------

    static boolean isOrigin(Node n) {
        return !n.cows.isEmpty();
    }

    static boolean isCow(Node n) {
        return n.snapshotSeg != null && !n.is(Flag.THIN_VOLUME) && !isOrigin(n);
    }

    static boolean isExternalOrigin(Node n) {
        return n.externalCount > 0;
    }

    static boolean isMergingOrigin(Node n) {
        return n.is(Flag.MERGING) && n.mergingSnapshotSeg != null;
    }

    static boolean isMergingCow(Node n) {
        return isCow(n) && n.snapshotLv != null && n.snapshotLv.is(Flag.MERGING)
                && n.snapshotSeg.string("merging_store").map(s -> s.equals(n.name())).orElse(false);
    }

    static boolean isVisible(Node n) {
        if (n.is(Flag.SNAPSHOT)) {
            return false;
        }
        if (isCow(n)) {
            Node origin = n.cowOrigin;
            if (origin == null) {
                return n.is(Flag.VISIBLE);
            }
            if (origin.is(Flag.VIRTUAL_ORIGIN)) {
                return true;
            }
            if (isMergingCow(n)) {
                return false;
            }
            return origin.is(Flag.VISIBLE);
        }
        return n.is(Flag.VISIBLE);
    }

    static boolean isCacheType(Node n) {
        return n.is(Flag.CACHE) || n.is(Flag.CACHE_POOL) || n.is(Flag.CACHE_VOL) || n.is(Flag.CACHE_POOL_DATA)
                || n.is(Flag.CACHE_POOL_METADATA);
    }

    static boolean isRaidTypeLv(Node n) {
        return n.is(Flag.RAID) || n.is(Flag.RAID_IMAGE) || n.is(Flag.RAID_META);
    }

    static boolean isMirrorType(Node n) {
        return n.is(Flag.MIRROR) || n.is(Flag.MIRROR_LOG) || n.is(Flag.MIRROR_IMAGE);
    }

    private static boolean isThinType(Node n) {
        return n.is(Flag.THIN_POOL) || n.is(Flag.THIN_VOLUME) || n.is(Flag.THIN_POOL_DATA) || n.is(Flag.THIN_POOL_METADATA);
    }

    private static boolean isVdoType(Node n) {
        return n.is(Flag.VDO) || n.is(Flag.VDO_POOL) || n.is(Flag.VDO_POOL_DATA);
    }

    /** lvm2's get_only_segment_using_this_lv: the single user, or none when zero or several (or used twice). */
    static Use onlyUse(Node n) {
        return n.usedBy.size() == 1 && n.usedBy.get(0).count == 1 ? n.usedBy.get(0) : null;
    }

    private static boolean firstAreaIs(Segment seg, Node n) {
        return switch (seg.type()) {
            case "cache", "writecache", "integrity" -> seg.string("origin").map(n.name()::equals).orElse(false);
            default -> !seg.areas().isEmpty() && seg.areas().get(0) instanceof SegmentArea.OnLv l && l.lvName().equals(n.name());
        };
    }

    static boolean isCacheOrigin(Node n) {
        Use u = n.usedBy.size() == 1 ? n.usedBy.get(0) : null;
        return u != null && u.count == 1 && u.user.is(Flag.CACHE) && !u.user.is(Flag.PENDING_DELETE) && firstAreaIs(u.seg, n);
    }

    static boolean isWritecacheOrigin(Node n) {
        Use u = n.usedBy.size() == 1 ? n.usedBy.get(0) : null;
        return u != null && u.count == 1 && u.user.is(Flag.WRITECACHE) && !u.user.is(Flag.PENDING_DELETE) && firstAreaIs(u.seg, n);
    }

    private static boolean isWritecacheCachevol(Node n) {
        for (Use u : n.usedBy) {
            if (u.user.is(Flag.WRITECACHE) && u.seg.string("writecache").map(n.name()::equals).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isIntegrityOrigin(Node n) {
        for (Use u : n.usedBy) {
            if (u.user.is(Flag.INTEGRITY) && u.seg.string("origin").map(n.name()::equals).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    private static int thinSnapshotCount(Node n) {
        int count = 0;
        if (n.is(Flag.THIN_VOLUME)) {
            for (Use u : n.usedBy) {
                if (u.seg.type().equals("thin") && u.seg.string("origin").map(n.name()::equals).orElse(false)) {
                    count++;
                }
            }
        }
        return count;
    }

    private static boolean isThinSnapshot(Node n) {
        return n.is(Flag.THIN_VOLUME) && (n.thinOrigin != null || n.externalOrigin != null);
    }

    static boolean isUsedCachePool(Node n) {
        return n.is(Flag.CACHE_POOL) && !n.usedBy.isEmpty();
    }

    static boolean hasUnknownSegments(Node n) {
        for (Segment s : n.lv.segments()) {
            if (!KNOWN_TYPES.contains(s.type())) {
                return true;
            }
        }
        return false;
    }

    private static final Set<String> KNOWN_TYPES = Set.of("striped", "mirror", "snapshot", "thin", "thin-pool", "cache",
            "cache-pool", "writecache", "integrity", "vdo", "vdo-pool", "error", "zero", "raid0", "raid0_meta", "raid1", "raid10",
            "raid10_near", "raid4", "raid5", "raid5_n", "raid5_la", "raid5_ra", "raid5_ls", "raid5_rs", "raid6", "raid6_zr",
            "raid6_nr", "raid6_nc", "raid6_n_6", "raid6_la_6", "raid6_ra_6", "raid6_ls_6", "raid6_rs_6", "linear", "free");

    // ---- public API for the report fields ------------------------------------------------------

    private volatile KernelStatus kernelMemo;

    /** This VG's LVs as {@code state}'s host sees them; computed once per state (a report asks for many fields). */
    KernelStatus kernel(io.lvmcoord.scan.dm.DmState state) {
        KernelStatus k = kernelMemo;
        if (k == null || k.state() != state) {
            k = new KernelStatus(state, this);
            kernelMemo = k;
        }
        return k;
    }

    public VgView vg() {
        return vg;
    }

    public boolean includeHistory() {
        return includeHistory;
    }

    /** LVs in metadata order, with the internal snapshot LVs ({@code snapshotN}) left out as lvm2 does. */
    public List<LvMetadata> reportableLvs(boolean all) {
        return all ? allLvs : visibleLvs;
    }

    /** Historical LVs in metadata order, each as a row ({@code lvs -H}). */
    public List<LvMetadata> historicalLvs() {
        List<LvMetadata> out = new ArrayList<>();
        for (Historical h : historical.values()) {
            out.add(h.row);
        }
        return out;
    }

    /** lv_count: LVs lvm2 counts as visible (COWs by their origin, never the internal snapshot LVs). */
    public long visibleLvCount() {
        return visibleLvCount;
    }

    public long snapshotCount() {
        return snapshotCount;
    }

    public VgTotals totals() {
        return totals;
    }

    /** The VG's entry for the PV with local name {@code key} ({@code pv0}), or null when the metadata names none. */
    public VgPv pv(String key) {
        return pvByKey.get(key);
    }

    public long allocatedExtents(String pvKey) {
        return allocatedByPv.getOrDefault(pvKey, 0L);
    }

    public LvMetadata lv(String name) {
        Node n = node(name);
        return n == null ? null : n.lv;
    }

    Node nodeOf(LvMetadata lv) {
        Node n = byName.get(lv.name());
        return n != null && n.lv == lv ? n : null;
    }

    public boolean historical(LvMetadata lv) {
        return historicalByRow.containsKey(lv);
    }

    /** Removal time of a historical LV, 0 otherwise. */
    public long removalTime(LvMetadata lv) {
        Historical h = historicalByRow.get(lv);
        return h == null ? 0 : h.removalTime;
    }

    /** {@code name} or {@code [name]} for hidden LVs, {@code -name} for historical ones, as lvm2 displays LV names. */
    public String displayName(LvMetadata lv) {
        if (historical(lv)) {
            return "-" + lv.name();
        }
        Node n = nodeOf(lv);
        return n == null || isVisible(n) ? lv.name() : "[" + lv.name() + "]";
    }

    /** An LV reference by name, displayed as lvm2 displays the LV it names. */
    public String displayName(String lvName) {
        Node n = node(lvName);
        return n == null ? lvName : displayName(n.lv);
    }

    private String display(Node n) {
        return n == null ? "" : displayName(n.lv);
    }

    private static String uuid(Node n) {
        return n == null ? "" : n.lv.id();
    }

    /** The LV {@code relation} leads to from {@code lv}, shown by {@code shown} ("" when there is none). */
    private String related(LvMetadata lv, java.util.function.Function<Node, Node> relation, java.util.function.Function<Node, String> shown) {
        Node n = nodeOf(lv);
        return n == null ? "" : shown.apply(relation.apply(n));
    }

    /** True when some extent of the LV, directly or through sub-LVs, is on a missing PV. */
    public boolean partial(LvMetadata lv) {
        Node n = nodeOf(lv);
        return n != null && n.is(Flag.PARTIAL);
    }

    public boolean visible(LvMetadata lv) {
        Node n = nodeOf(lv);
        return historical(lv) || (n != null && isVisible(n));
    }

    public boolean thinPool(LvMetadata lv) {
        Node n = nodeOf(lv);
        return n != null && n.is(Flag.THIN_POOL);
    }

    /** lv_attr as lvm2 prints it when device-mapper gives no state. */
    public String attr(LvMetadata lv) {
        Node n = nodeOf(lv);
        if (n == null) {
            return historical(lv) ? "----h-----" : "";
        }
        char[] a = new char[10];
        a[0] = volumeTypeChar(n);
        a[1] = n.is(Flag.PVMOVE) ? '-' : n.is(Flag.WRITE) ? 'w' : n.is(Flag.READ) ? 'r' : '-';
        a[2] = allocChar(lv.allocationPolicy().isEmpty() ? "inherit" : lv.allocationPolicy());
        if (n.is(Flag.LOCKED)) {
            a[2] = Character.toUpperCase(a[2]);
        }
        a[3] = n.is(Flag.FIXED_MINOR) ? 'm' : '-';
        // Kernel state: lvm2 asks device-mapper; without an answer it prints 'X' (unknown), except
        // for thin pools, used cache pools and VDO pools, whose state query "succeeds" with
        // nothing active.
        if (n.is(Flag.THIN_POOL) || isUsedCachePool(n) || n.is(Flag.VDO_POOL)) {
            a[4] = '-';
            a[5] = '-';
        } else {
            a[4] = 'X';
            a[5] = 'X';
        }
        a[6] = targetTypeChar(n);
        a[7] = zeroChar(n);
        a[8] = healthChar(n);
        a[9] = n.is(Flag.ACTIVATION_SKIP) ? 'k' : '-';
        return new String(a);
    }

    private char volumeTypeChar(Node n) {
        if (n.is(Flag.PVMOVE)) {
            return 'p';
        }
        if (n.is(Flag.CONVERTING)) {
            return 'c';
        }
        if (isOrigin(n) || isExternalOrigin(n)) {
            return isMergingOrigin(n) ? 'O' : 'o';
        }
        if (n.is(Flag.CACHE_POOL_METADATA) || n.is(Flag.THIN_POOL_METADATA) || n.is(Flag.POOL_METADATA_SPARE)
                || n.is(Flag.RAID_META) || n.is(Flag.INTEGRITY_METADATA)) {
            return 'e';
        }
        if (isCacheType(n) || n.is(Flag.WRITECACHE)) {
            return 'C';
        }
        if (n.is(Flag.INTEGRITY)) {
            return 'g';
        }
        if (n.is(Flag.RAID)) {
            return n.is(Flag.NOTSYNCED) ? 'R' : 'r';
        }
        if (n.is(Flag.MIRROR)) {
            return n.is(Flag.NOTSYNCED) ? 'M' : 'm';
        }
        if (n.is(Flag.THIN_VOLUME)) {
            return isMergingOrigin(n) ? 'O' : n.lv.firstSegment() != null && n.is(Flag.MERGING) ? 'S' : 'V';
        }
        if (n.is(Flag.VDO_POOL)) {
            return 'd';
        }
        if (n.is(Flag.VDO_POOL_DATA)) {
            return 'D';
        }
        if (n.is(Flag.VIRTUAL)) {
            return 'v';
        }
        if (n.is(Flag.THIN_POOL)) {
            return 't';
        }
        if (n.is(Flag.THIN_POOL_DATA)) {
            return 'T';
        }
        if (n.is(Flag.MIRROR_IMAGE)) {
            // In sync is a kernel fact; without device-mapper lvm2 assumes not ('I').
            return 'I';
        }
        if (n.is(Flag.RAID_IMAGE)) {
            return 'I';
        }
        if (n.is(Flag.MIRROR_LOG)) {
            return 'l';
        }
        if (isCow(n)) {
            return isMergingCow(n) ? 'S' : 's';
        }
        if (isCacheOrigin(n) || isWritecacheOrigin(n)) {
            return 'o';
        }
        return '-';
    }

    private char targetTypeChar(Node n) {
        if (n.is(Flag.THIN_POOL) || n.is(Flag.THIN_VOLUME)) {
            return 't';
        }
        if (n.is(Flag.CACHE_POOL) || n.is(Flag.CACHE_VOL) || n.is(Flag.CACHE) || isCacheOrigin(n) || n.is(Flag.WRITECACHE)
                || isWritecacheOrigin(n)) {
            return 'C';
        }
        if (isRaidTypeLv(n)) {
            return 'r';
        }
        if (isMirrorType(n) || n.is(Flag.PVMOVE)) {
            return 'm';
        }
        if (isCow(n) || isOrigin(n)) {
            return 's';
        }
        if (hasUnknownSegments(n)) {
            return 'u';
        }
        if (n.is(Flag.VIRTUAL)) {
            return 'v';
        }
        return '-';
    }

    private char zeroChar(Node n) {
        Segment poolSeg = null;
        if (n.is(Flag.THIN_VOLUME) && n.pool != null) {
            poolSeg = n.pool.lv.firstSegment();
        } else if (n.is(Flag.THIN_POOL)) {
            poolSeg = n.lv.firstSegment();
        }
        return poolSeg != null && poolSeg.number("zero_new_blocks").orElse(0L) == 1 ? 'z' : '-';
    }

    private char healthChar(Node n) {
        if (n.is(Flag.PARTIAL)) {
            return 'p';
        }
        if (isRaidTypeLv(n)) {
            // Health, mismatches and reshaping are kernel facts; lvm2 assumes a healthy array
            // when it is not active. What the metadata says is reported.
            if (n.is(Flag.RAID)) {
                Segment s = n.lv.firstSegment();
                if (s != null) {
                    for (int i = s.areas().size() - 1; i > 0; i--) {
                        if (s.areas().get(i) instanceof SegmentArea.OnLv l) {
                            Node img = node(l.lvName());
                            if (img != null && img.is(Flag.REMOVE_AFTER_RESHAPE)) {
                                return 'R';
                            }
                        }
                    }
                }
            } else if (n.is(Flag.WRITEMOSTLY)) {
                return 'w';
            } else if (n.is(Flag.REMOVE_AFTER_RESHAPE)) {
                return 'R';
            }
        }
        return '-';
    }

    static char allocChar(String policy) {
        return switch (policy) {
            case "contiguous" -> 'c';
            case "cling" -> 'l';
            case "cling_by_tags" -> 't';
            case "normal" -> 'n';
            case "anywhere" -> 'a';
            case "inherit" -> 'i';
            default -> '-';
        };
    }

    /** lv_layout, in lvm2's order. */
    public List<String> layout(LvMetadata lv) {
        return layoutAndRole(lv).get(0);
    }

    /** lv_role, with "public" or "private" first, as lvm2 prints it. */
    public List<String> role(LvMetadata lv) {
        return layoutAndRole(lv).get(1);
    }

    private static void add(List<String> list, String... items) {
        Collections.addAll(list, items);
    }

    /** lvm2's lv_layout_and_role: each family of LV types adds its words, then linear/striped, then public/private. */
    private List<List<String>> layoutAndRole(LvMetadata lv) {
        List<String> layout = new ArrayList<>();
        List<String> role = new ArrayList<>();
        Node n = nodeOf(lv);
        if (n == null) {
            if (historical(lv)) {
                return List.of(List.of("none"), List.of("public", "history"));
            }
            return List.of(List.of("unknown"), List.of("public"));
        }
        boolean isPublic = true;
        if (isMirrorType(n) || n.is(Flag.PVMOVE)) {
            if (n.is(Flag.MIRROR_IMAGE)) {
                add(role, "mirror", "image");
                isPublic = false;
            } else if (n.is(Flag.MIRROR_LOG)) {
                add(role, "mirror", "log");
                if (n.is(Flag.MIRRORED)) {
                    add(layout, "mirror");
                }
                isPublic = false;
            } else if (n.is(Flag.PVMOVE)) {
                add(role, "pvmove");
                add(layout, "mirror");
                isPublic = false;
            } else {
                add(layout, "mirror");
            }
        }
        if (isRaidTypeLv(n)) {
            if (n.is(Flag.RAID_IMAGE)) {
                add(role, "raid", "image");
                isPublic = false;
            } else if (n.is(Flag.RAID_META)) {
                add(role, "raid", "metadata");
                isPublic = false;
            } else if (n.is(Flag.PVMOVE)) {
                add(role, "pvmove");
                add(layout, "raid");
                isPublic = false;
            } else {
                add(layout, "raid");
                layout.addAll(raidLayout(n.lv.firstSegment() == null ? "" : n.lv.firstSegment().type()));
            }
        }
        if (isThinType(n) || isExternalOrigin(n)) {
            boolean topLevel = true;
            if (n.is(Flag.THIN_POOL_METADATA)) {
                add(role, "thin", "pool", "metadata");
                topLevel = false;
            } else if (n.is(Flag.THIN_POOL_DATA)) {
                add(role, "thin", "pool", "data");
                topLevel = false;
            }
            if (!topLevel) {
                isPublic = false;
            } else {
                if (n.is(Flag.THIN_VOLUME)) {
                    addNoDup(layout, "thin");
                    addNoDup(layout, "sparse");
                    int snaps = thinSnapshotCount(n);
                    if (snaps > 0) {
                        addNoDup(role, "origin");
                        role.add("thinorigin");
                        if (snaps > 1) {
                            role.add("multithinorigin");
                        }
                    }
                    if (isThinSnapshot(n)) {
                        addNoDup(role, "snapshot");
                        role.add("thinsnapshot");
                    }
                } else if (n.is(Flag.THIN_POOL)) {
                    addNoDup(layout, "thin");
                    addNoDup(layout, "pool");
                    isPublic = false;
                }
                if (isExternalOrigin(n)) {
                    addNoDup(role, "origin");
                    role.add("extthinorigin");
                    if (n.externalCount > 1) {
                        role.add("multiextthinorigin");
                    }
                }
            }
        }
        if (isCacheType(n) || isCacheOrigin(n) || n.is(Flag.WRITECACHE) || isWritecacheOrigin(n)) {
            boolean topLevel = false;
            if (n.is(Flag.CACHE_POOL_METADATA)) {
                add(role, "cache", "pool", "metadata");
            } else if (n.is(Flag.CACHE_POOL_DATA)) {
                add(role, "cache", "pool", "data");
                if (n.is(Flag.CACHE)) {
                    addNoDup(layout, "cache");
                }
            } else if (isCacheOrigin(n)) {
                addNoDup(role, "cache");
                addNoDup(role, "origin");
                role.add("cacheorigin");
                if (n.is(Flag.CACHE)) {
                    addNoDup(layout, "cache");
                }
            } else if (isWritecacheOrigin(n)) {
                addNoDup(role, "writecache");
                addNoDup(role, "origin");
                role.add("writecacheorigin");
                if (n.is(Flag.WRITECACHE)) {
                    addNoDup(layout, "writecache");
                }
            } else {
                topLevel = true;
            }
            if (!topLevel) {
                isPublic = false;
            } else if (n.is(Flag.CACHE)) {
                addNoDup(layout, "cache");
            } else if (n.is(Flag.WRITECACHE)) {
                addNoDup(layout, "writecache");
            } else if (isWritecacheCachevol(n)) {
                addNoDup(layout, "writecache");
                addNoDup(layout, "cachevol");
                isPublic = false;
            } else if (n.is(Flag.CACHE_VOL)) {
                addNoDup(layout, "cache");
                addNoDup(layout, "cachevol");
                isPublic = false;
            } else if (n.is(Flag.CACHE_POOL)) {
                addNoDup(layout, "cache");
                addNoDup(layout, "pool");
                isPublic = false;
            }
        }
        if (n.is(Flag.INTEGRITY) || isIntegrityOrigin(n) || n.is(Flag.INTEGRITY_METADATA)) {
            if (n.is(Flag.INTEGRITY_METADATA)) {
                add(role, "integrity", "metadata");
                isPublic = false;
            } else if (isIntegrityOrigin(n)) {
                add(role, "integrity", "origin", "integrityorigin");
                isPublic = false;
            } else {
                addNoDup(layout, "integrity");
            }
        }
        if (isVdoType(n)) {
            if (n.is(Flag.VDO_POOL)) {
                add(layout, "vdo", "pool");
                isPublic = false;
            } else if (n.is(Flag.VDO_POOL_DATA)) {
                add(role, "vdo", "pool", "data");
                isPublic = false;
            } else if (n.is(Flag.VDO)) {
                add(layout, "vdo", "sparse");
            }
        }
        if (n.is(Flag.POOL_METADATA_SPARE)) {
            add(role, "pool", "spare");
            isPublic = false;
        }
        if (isOrigin(n)) {
            addNoDup(role, "origin");
            role.add("thickorigin");
            if (n.is(Flag.VIRTUAL) && !n.is(Flag.THIN_VOLUME)) {
                addNoDup(layout, "virtual");
                isPublic = false;
            }
            if (n.cows.size() > 1) {
                role.add("multithickorigin");
            }
        } else if (isCow(n)) {
            addNoDup(role, "snapshot");
            role.add("thicksnapshot");
        }
        if (n.is(Flag.LOCKD_SANLOCK_LV)) {
            add(role, "lockd", "sanlock");
            isPublic = false;
        }
        if (layout.isEmpty()) {
            boolean linear = false;
            boolean striped = false;
            for (Segment s : n.lv.segments()) {
                if (s.type().equals("striped") && s.areas().size() == 1) {
                    linear = true;
                } else if (s.type().equals("striped")) {
                    striped = true;
                }
            }
            if (linear) {
                layout.add("linear");
            }
            if (striped) {
                layout.add("striped");
            }
            if (!linear && !striped) {
                layout.add("unknown");
            }
        }
        role.add(0, isPublic ? "public" : "private");
        return List.of(layout, role);
    }

    /** lvm2's str_list_add: an item already listed is not added again. */
    private static void addNoDup(List<String> list, String item) {
        if (!list.contains(item)) {
            list.add(item);
        }
    }

    private static List<String> raidLayout(String type) {
        if (type.equals("raid0")) {
            return List.of("raid0");
        }
        if (type.equals("raid1") || type.equals("raid10") || type.equals("raid4")) {
            return List.of(type);
        }
        if (type.startsWith("raid5")) {
            // lvm2 names the raid5 layouts la/ra/ls/rs; raid5_n (and raid5 itself, an alias of ls
            // when written) add only "raid5".
            return switch (type) {
                case "raid5", "raid5_ls" -> List.of("raid5", "raid5_ls");
                case "raid5_la", "raid5_ra", "raid5_rs" -> List.of("raid5", type);
                default -> List.of("raid5");
            };
        }
        if (type.startsWith("raid6")) {
            return switch (type) {
                case "raid6", "raid6_zr" -> List.of("raid6", "raid6_zr");
                case "raid6_nr", "raid6_nc" -> List.of("raid6", type);
                default -> List.of("raid6");
            };
        }
        return List.of();
    }

    // ---- relations ----------------------------------------------------------------------------

    /** lvm2's lv_origin_lv. */
    private Node originNode(Node n) {
        if (isCow(n)) {
            return n.cowOrigin;
        }
        Segment s = n.lv.firstSegment();
        if (n.is(Flag.CACHE) && !n.is(Flag.PENDING_DELETE)) {
            return s == null ? null : node(s.string("origin").orElse(null));
        }
        if (n.is(Flag.THIN_VOLUME)) {
            return n.thinOrigin != null ? n.thinOrigin : n.externalOrigin;
        }
        if ((n.is(Flag.WRITECACHE) || n.is(Flag.INTEGRITY)) && s != null) {
            return node(s.string("origin").orElse(null));
        }
        return null;
    }

    public String origin(LvMetadata lv) {
        return related(lv, this::originNode, this::display);
    }

    public String originUuid(LvMetadata lv) {
        return related(lv, this::originNode, LvRelations::uuid);
    }

    /** origin_size in extents (lvm2's lv_origin_size), or 0 when the LV has none. */
    public long originExtents(LvMetadata lv) {
        Node n = nodeOf(lv);
        if (n == null) {
            return 0;
        }
        if (isCow(n)) {
            return n.snapshotLv == null ? 0 : extents(n.snapshotLv.lv);
        }
        if (n.is(Flag.THIN_VOLUME) && n.externalOrigin != null) {
            return extents(n.externalOrigin.lv);
        }
        if (isOrigin(n)) {
            return extents(n.lv);
        }
        return 0;
    }

    /** An LV's extents, summed exactly (LvMetadata.extents() would wrap past 2^63). */
    long extents(LvMetadata lv) {
        long sum = 0;
        for (Segment seg : lv.segments()) {
            if (seg.extentCount() < 0) {
                throw new ArithmeticException("VG " + vg.name() + ": LV " + lv.name() + " has a segment of " + seg.extentCount() + " extents");
            }
            sum = exactSum(sum, seg.extentCount(), vg.name(), "extents of LV " + lv.name());
        }
        return sum;
    }

    /** lvm2's lv_pool_lv. */
    private Node poolNode(Node n) {
        Segment s = n.lv.firstSegment();
        if (s == null) {
            return null;
        }
        if (n.is(Flag.THIN_VOLUME)) {
            return n.pool;
        }
        if (n.is(Flag.CACHE)) {
            return node(s.string("cache_pool").orElse(null));
        }
        if (n.is(Flag.VDO)) {
            return node(s.string("vdo_pool").orElse(null));
        }
        if (n.is(Flag.WRITECACHE)) {
            return node(s.string("writecache").orElse(null));
        }
        return null;
    }

    public String poolLv(LvMetadata lv) {
        return related(lv, this::poolNode, this::display);
    }

    public String poolLvUuid(LvMetadata lv) {
        return related(lv, this::poolNode, LvRelations::uuid);
    }

    /** lvm2's lv_data_lv: the first area of a cache, thin or vdo pool. */
    private Node dataNode(Node n) {
        Segment s = n.lv.firstSegment();
        if (s == null) {
            return null;
        }
        if (n.is(Flag.THIN_POOL)) {
            return node(s.string("pool").orElse(null));
        }
        if (n.is(Flag.CACHE_POOL) || n.is(Flag.VDO_POOL)) {
            return node(s.string("data").orElse(null));
        }
        return null;
    }

    public String dataLv(LvMetadata lv) {
        return related(lv, this::dataNode, this::display);
    }

    public String dataLvUuid(LvMetadata lv) {
        return related(lv, this::dataNode, LvRelations::uuid);
    }

    private Node metadataNode(Node n) {
        Segment s = n.lv.firstSegment();
        if (s == null || !(n.is(Flag.THIN_POOL) || n.is(Flag.CACHE_POOL))) {
            return null;
        }
        return node(s.string("metadata").orElse(null));
    }

    public String metadataLv(LvMetadata lv) {
        return related(lv, this::metadataNode, this::display);
    }

    public String metadataLvUuid(LvMetadata lv) {
        return related(lv, this::metadataNode, LvRelations::uuid);
    }

    private Node mirrorLogNode(Node n) {
        for (Segment s : n.lv.segments()) {
            boolean mirrored = s.type().equals("mirror") || s.type().equals("raid1") || s.type().equals("raid10");
            if (mirrored && s.string("mirror_log").isPresent()) {
                return node(s.string("mirror_log").get());
            }
        }
        return null;
    }

    public String mirrorLog(LvMetadata lv) {
        return related(lv, this::mirrorLogNode, this::display);
    }

    public String mirrorLogUuid(LvMetadata lv) {
        return related(lv, this::mirrorLogNode, LvRelations::uuid);
    }

    /** lvm2's lv_convert_lv: the temporary mirror layer of a mirror being converted. */
    private Node convertNode(Node n) {
        if (n.is(Flag.CONVERTING) || n.is(Flag.MIRRORED)) {
            Segment s = n.lv.firstSegment();
            if (s != null && !s.areas().isEmpty() && s.areas().get(0) instanceof SegmentArea.OnLv l
                    && l.lvName().contains("_mimagetmp")) {
                return node(l.lvName());
            }
        }
        return null;
    }

    public String convertLv(LvMetadata lv) {
        return related(lv, this::convertNode, this::display);
    }

    public String convertLvUuid(LvMetadata lv) {
        return related(lv, this::convertNode, LvRelations::uuid);
    }

    /** lvm2's lv_parent: the LV using a hidden image, log, pool data or metadata LV. */
    public String parent(LvMetadata lv) {
        Node n = nodeOf(lv);
        if (n == null || isVisible(n)) {
            return "";
        }
        boolean component = n.is(Flag.MIRROR_IMAGE) || n.is(Flag.MIRROR_LOG) || n.is(Flag.RAID_IMAGE) || n.is(Flag.RAID_META)
                || n.is(Flag.CACHE_POOL_DATA) || n.is(Flag.CACHE_POOL_METADATA) || n.is(Flag.THIN_POOL_DATA)
                || n.is(Flag.THIN_POOL_METADATA);
        Use u = component ? onlyUse(n) : null;
        return u == null ? "" : displayName(u.user.lv);
    }

    /** lv_metadata_size in sectors (lvm2's lv_metadata_size); empty when lvm2 prints nothing. */
    public java.util.OptionalLong metadataSectors(LvMetadata lv) {
        Node n = nodeOf(lv);
        if (n == null) {
            return java.util.OptionalLong.empty();
        }
        Segment s = n.lv.firstSegment();
        if (n.is(Flag.CACHE)) {
            Node pool = poolNode(n);
            if (pool != null && pool.is(Flag.CACHE_VOL)) {
                return java.util.OptionalLong.of(s.number("metadata_len").orElse(0L));
            }
        }
        if (n.is(Flag.THIN_POOL) || n.is(Flag.CACHE_POOL)) {
            Node meta = metadataNode(n);
            long ext = meta == null ? 0 : extents(meta.lv);
            return java.util.OptionalLong.of(Math.multiplyExact(ext, vg.metadata().extentSize()));
        }
        return java.util.OptionalLong.empty();
    }

    public String whenFull(LvMetadata lv) {
        Node n = nodeOf(lv);
        if (n == null || !n.is(Flag.THIN_POOL)) {
            return "";
        }
        return n.is(Flag.ERROR_WHEN_FULL) ? "error" : "queue";
    }

    public boolean initialImageSync(LvMetadata lv) {
        Node n = nodeOf(lv);
        return n != null && (n.is(Flag.RAID) || n.is(Flag.MIRRORED)) && !n.is(Flag.NOTSYNCED);
    }

    public boolean merging(LvMetadata lv) {
        Node n = nodeOf(lv);
        if (n == null) {
            return false;
        }
        if (isOrigin(n) || isExternalOrigin(n)) {
            return isMergingOrigin(n);
        }
        if (isCow(n)) {
            return isMergingCow(n);
        }
        return n.is(Flag.THIN_VOLUME) && n.is(Flag.MERGING);
    }

    public boolean converting(LvMetadata lv) {
        Node n = nodeOf(lv);
        return n != null && n.is(Flag.CONVERTING);
    }

    /** lv_permissions without device-mapper: read-only LVs say so, writable ones are "unknown". */
    public String permissions(LvMetadata lv) {
        Node n = nodeOf(lv);
        if (n == null) {
            return "unknown";
        }
        if (n.is(Flag.PVMOVE)) {
            return "";
        }
        if (n.is(Flag.WRITE)) {
            return "unknown";
        }
        return n.is(Flag.READ) ? "read-only" : "unknown";
    }

    public boolean raidType(LvMetadata lv) {
        Node n = nodeOf(lv);
        return n != null && isRaidTypeLv(n);
    }

    public boolean raid(LvMetadata lv) {
        Node n = nodeOf(lv);
        return n != null && n.is(Flag.RAID);
    }

    public boolean integrity(LvMetadata lv) {
        Node n = nodeOf(lv);
        return n != null && n.is(Flag.INTEGRITY);
    }

    /** lvm2's lv_is_cache: an LV with a cache segment. */
    public boolean cache(LvMetadata lv) {
        return is(lv, Flag.CACHE);
    }

    public boolean usedCachePool(LvMetadata lv) {
        Node n = nodeOf(lv);
        return n != null && isUsedCachePool(n);
    }

    public boolean mirror(LvMetadata lv) {
        return is(lv, Flag.MIRROR);
    }

    public boolean raidImage(LvMetadata lv) {
        return is(lv, Flag.RAID_IMAGE);
    }

    public boolean mirrorImage(LvMetadata lv) {
        return is(lv, Flag.MIRROR_IMAGE);
    }

    private boolean is(LvMetadata lv, Flag f) {
        Node n = nodeOf(lv);
        return n != null && n.is(f);
    }

    public boolean writecache(LvMetadata lv) {
        Node n = nodeOf(lv);
        return n != null && n.is(Flag.WRITECACHE);
    }

    /** The integrity segment whose settings a raid LV with integrity images (or an integrity LV) reports. */
    public Segment integritySettings(LvMetadata lv) {
        Node n = nodeOf(lv);
        if (n == null) {
            return null;
        }
        if (n.is(Flag.RAID)) {
            // lvm2 reports the settings of the first integrity image (lv_get_raid_integrity_settings).
            Segment s = n.lv.firstSegment();
            if (s == null) {
                return null;
            }
            for (SegmentArea a : s.areas()) {
                if (a instanceof SegmentArea.OnLv l) {
                    Node img = node(l.lvName());
                    Segment is = img == null ? null : img.lv.firstSegment();
                    if (is != null && is.type().equals("integrity")) {
                        return is;
                    }
                }
            }
            return null;
        }
        return n.is(Flag.INTEGRITY) ? n.lv.firstSegment() : null;
    }

    /** lv_modules: the device-mapper targets the LV needs, as lvm2 lists them (sorted on output). */
    public List<String> modules(LvMetadata lv) {
        Node n = nodeOf(lv);
        Set<String> out = new TreeSet<>();
        if (n == null) {
            return List.of();
        }
        Set<Node> seen = new HashSet<>();
        Deque<Node> todo = new ArrayDeque<>();
        todo.add(n);
        while (!todo.isEmpty()) {
            Node cur = todo.poll();
            if (!seen.add(cur)) {
                continue;
            }
            for (Segment s : cur.lv.segments()) {
                segmentModules(s, out, todo);
            }
            if (isOrigin(cur)) {
                todo.addAll(cur.cows);
            }
            if (isCow(cur)) {
                out.add("snapshot");
            }
            for (Segment s : cur.lv.segments()) {
                for (SegmentArea a : s.areas()) {
                    if (a instanceof SegmentArea.OnLv l && node(l.lvName()) != null) {
                        todo.add(node(l.lvName()));
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    private void segmentModules(Segment s, Set<String> out, Deque<Node> todo) {
        String t = s.type();
        switch (t) {
            case "thin" -> {
                out.add("thin-pool");
                out.add("thin");
            }
            case "thin-pool" -> out.add("thin-pool");
            case "mirror" -> {
                s.string("mirror_log").map(this::node).ifPresent(todo::add);
                out.add("mirror");
            }
            case "cache", "cache-pool" -> out.add("cache");
            case "snapshot" -> out.add("snapshot");
            case "error" -> out.add("error");
            case "zero" -> out.add("zero");
            case "integrity" -> out.add("integrity");
            case "writecache" -> out.add("writecache");
            case "vdo", "vdo-pool" -> out.add("kvdo");
            default -> {
                if (isRaidType(t)) {
                    out.add("raid");
                }
            }
        }
    }

    /** The snapshot segment joining a COW to its origin (it holds the chunk size), or null. */
    public Segment snapshotSegment(LvMetadata cow) {
        Node n = nodeOf(cow);
        return n == null ? null : n.snapshotSeg;
    }

    /** The raid segment using {@code image} as an image, or null: lvm2's only segment using the LV. */
    public Segment raidSegmentUsing(LvMetadata image) {
        Node n = nodeOf(image);
        Use u = n == null || !n.is(Flag.RAID_IMAGE) ? null : onlyUse(n);
        return u == null || !isRaidType(u.seg.type()) ? null : u.seg;
    }

    /** thin_count of a thin pool segment: the segments using the pool (its thin volumes). */
    public long thinCount(LvMetadata lv) {
        Node n = nodeOf(lv);
        return n == null ? 0 : n.usedBy.size();
    }

    public boolean cacheVol(String lvName) {
        Node n = node(lvName);
        return n != null && n.is(Flag.CACHE_VOL);
    }

    // ---- ancestors and descendants -------------------------------------------------------------

    private Glv glvOf(LvMetadata lv) {
        Historical h = historicalByRow.get(lv);
        if (h != null) {
            return new Glv(null, h);
        }
        Node n = nodeOf(lv);
        return n == null ? null : new Glv(n, null);
    }

    /** lv_ancestors / lv_full_ancestors: origins up the snapshot chain (full: through historical LVs). */
    public List<String> ancestors(LvMetadata lv, boolean full, boolean includeHistorical) {
        List<String> out = new ArrayList<>();
        Glv glv = glvOf(lv);
        Set<Object> seen = new HashSet<>();
        while (glv != null && seen.add(glv.historical() != null ? glv.historical() : glv.live())) {
            Glv next = null;
            if (glv.historical() != null) {
                if (full && glv.historical().indirectOrigin != null) {
                    next = glv.historical().indirectOrigin;
                }
            } else if (isCow(glv.live())) {
                next = glv.live().cowOrigin == null ? null : new Glv(glv.live().cowOrigin, null);
            } else if (glv.live().is(Flag.THIN_VOLUME)) {
                Node l = glv.live();
                if (l.thinOrigin != null) {
                    next = new Glv(l.thinOrigin, null);
                } else if (l.externalOrigin != null) {
                    next = new Glv(l.externalOrigin, null);
                } else if (full && l.indirectOrigin != null) {
                    next = l.indirectOrigin;
                }
            }
            if (next == null) {
                break;
            }
            if (next.historical() == null || includeHistorical) {
                out.add(next.display());
            }
            glv = next;
        }
        return out;
    }

    /** lv_descendants / lv_full_descendants, depth first in lvm2's order. */
    public List<String> descendants(LvMetadata lv, boolean full, boolean includeHistorical) {
        List<String> out = new ArrayList<>();
        Glv glv = glvOf(lv);
        if (glv != null) {
            descend(glv, full, includeHistorical, out, new HashSet<>());
        }
        return out;
    }

    private void descend(Glv glv, boolean full, boolean includeHistorical, List<String> out, Set<Object> seen) {
        // Iterative over an explicit stack, so a cycle in crafted metadata cannot overflow it.
        Deque<Glv> stack = new ArrayDeque<>();
        stack.push(glv);
        seen.add(key(glv));
        List<Glv> order = new ArrayList<>();
        while (!stack.isEmpty()) {
            Glv cur = stack.pop();
            List<Glv> children = children(cur, full);
            for (int i = children.size() - 1; i >= 0; i--) {
                Glv c = children.get(i);
                if (seen.add(key(c))) {
                    stack.push(c);
                }
            }
            if (cur != glv) {
                order.add(cur);
            }
        }
        for (Glv g : order) {
            if (g.historical() == null || includeHistorical) {
                out.add(g.display());
            }
        }
    }

    private static Object key(Glv g) {
        return g.historical() != null ? g.historical() : g.live();
    }

    private List<Glv> children(Glv glv, boolean full) {
        List<Glv> out = new ArrayList<>();
        if (glv.historical() != null) {
            if (full) {
                out.addAll(glv.historical().indirectGlvs);
            }
        } else if (isOrigin(glv.live())) {
            for (Node cow : glv.live().cows) {
                out.add(new Glv(cow, null));
            }
        } else {
            for (Use u : glv.live().usedBy) {
                Node user = u.user;
                if (user.is(Flag.THIN_VOLUME) && (user.thinOrigin == glv.live() || user.externalOrigin == glv.live())) {
                    out.add(new Glv(user, null));
                }
            }
            if (full) {
                out.addAll(glv.live().indirectGlvs);
            }
        }
        return out;
    }
}
