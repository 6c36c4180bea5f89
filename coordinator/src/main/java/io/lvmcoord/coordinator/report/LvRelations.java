package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.PvCounts;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.PvMetadata;
import io.lvmcoord.scan.metadata.Segment;
import io.lvmcoord.scan.metadata.SegmentArea;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What lvm2 derives about LVs from the way they reference each other: which hidden LV is a
 * pool's data or metadata, a raid image, a cache origin, a snapshot's COW; and from there the
 * {@code lv_attr}, {@code lv_layout} and {@code lv_role} strings. Also the per-PV allocated
 * extents and the VG's totals. Computed once per VG, from metadata only; the kernel state
 * characters of {@code lv_attr} are 'X' (unknown), exactly as lvm2 prints them without
 * device-mapper.
 *
 * <p>The metadata is input, so references may form cycles (a cache LV whose {@code cache_pool}
 * names itself, a mirror whose image is the mirror) or long chains. Every walk is therefore done
 * once, here, without recursion: {@link #partial} is a breadth-first search backwards from the
 * LVs with extents on a missing PV (linear in LVs plus references), and the pool and origin
 * lookups follow exactly one reference, as lvm2 does. Everything a report row asks for after
 * construction is a map lookup, so a report is linear in its rows. Extent sums use exact
 * arithmetic: a sum past 2^63 is an {@link ArithmeticException} naming the VG, which the report
 * builder turns into lvm2's "Cannot process volume group" for that VG alone.
 */
public final class LvRelations {

    /** How a sub-LV is used by its parent. */
    enum Use {
        CACHE_POOL_DATA, CACHE_POOL_META, THIN_POOL_DATA, THIN_POOL_META, RAID_IMAGE, RAID_META, MIRROR_IMAGE,
        MIRROR_LOG, CACHE_ORIGIN, WRITECACHE_ORIGIN, INTEGRITY_ORIGIN, VDO_POOL_DATA, COW
    }

    private final VgView vg;
    private final Map<String, LvMetadata> byName = new LinkedHashMap<>();
    private final Map<String, Use> uses = new HashMap<>();
    private final Map<String, String> parent = new HashMap<>();
    /** Old-style snapshots: COW LV name -> origin LV name. */
    private final Map<String, String> cowOrigin = new HashMap<>();
    private final Map<String, Integer> originSnapshotCount = new HashMap<>();
    private final Map<String, Integer> thinOriginCount = new HashMap<>();
    private final Set<String> snapshotSegmentLvs = new HashSet<>();
    private final Map<String, Long> allocatedByPv = new HashMap<>();
    private final Set<String> missingPvKeys = new HashSet<>();
    private final Map<String, VgPv> pvByKey = new HashMap<>();
    /** LVs with an extent, directly or through sub-LVs, on a missing PV. */
    private final Set<String> partialLvs = new HashSet<>();
    private final List<LvMetadata> visibleLvs;
    private final List<LvMetadata> allLvs;
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
        this.vg = vg;
        String vgName = vg.metadata().name();
        for (VgPv pv : vg.pvs()) {
            pvByKey.putIfAbsent(pv.meta().key(), pv);
            if (pv.missing()) {
                missingPvKeys.add(pv.meta().key());
            }
        }
        for (LvMetadata lv : vg.metadata().lvs()) {
            byName.put(lv.name(), lv);
        }
        for (LvMetadata lv : vg.metadata().lvs()) {
            for (Segment seg : lv.segments()) {
                link(lv, seg);
                for (SegmentArea a : seg.areas()) {
                    if (a instanceof SegmentArea.OnPv p) {
                        long perArea = seg.extentCount() / seg.areas().size();
                        allocatedByPv.merge(p.pvKey(), perArea, (x, y) -> exactSum(x, y, vgName, "allocated extents of " + p.pvKey()));
                    }
                }
            }
        }
        markPartial();
        List<LvMetadata> visible = new ArrayList<>();
        List<LvMetadata> all = new ArrayList<>();
        for (LvMetadata lv : vg.metadata().lvs()) {
            if (snapshotSegmentLvs.contains(lv.name())) {
                continue;
            }
            all.add(lv);
            if (lv.visible()) {
                visible.add(lv);
            }
        }
        this.visibleLvs = List.copyOf(visible);
        this.allLvs = List.copyOf(all);
        this.totals = totals(vgName);
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
        Deque<String> queue = new ArrayDeque<>();
        for (LvMetadata lv : byName.values()) {
            boolean direct = false;
            for (Segment seg : lv.segments()) {
                for (SegmentArea a : seg.areas()) {
                    if (a instanceof SegmentArea.OnPv p && missingPvKeys.contains(p.pvKey())) {
                        direct = true;
                    } else if (a instanceof SegmentArea.OnLv l) {
                        usedBy.computeIfAbsent(l.lvName(), k -> new ArrayList<>()).add(lv.name());
                    }
                }
                for (String m : seg.metaAreas()) {
                    usedBy.computeIfAbsent(m, k -> new ArrayList<>()).add(lv.name());
                }
            }
            if (direct && partialLvs.add(lv.name())) {
                queue.add(lv.name());
            }
        }
        while (!queue.isEmpty()) {
            for (String user : usedBy.getOrDefault(queue.poll(), List.of())) {
                if (partialLvs.add(user)) {
                    queue.add(user);
                }
            }
        }
    }

    private void link(LvMetadata lv, Segment seg) {
        switch (seg.type()) {
            case "cache-pool" -> {
                seg.string("data").ifPresent(n -> use(n, Use.CACHE_POOL_DATA, lv));
                seg.string("metadata").ifPresent(n -> use(n, Use.CACHE_POOL_META, lv));
            }
            case "thin-pool" -> {
                seg.string("pool").ifPresent(n -> use(n, Use.THIN_POOL_DATA, lv));
                seg.string("metadata").ifPresent(n -> use(n, Use.THIN_POOL_META, lv));
            }
            case "mirror" -> {
                for (SegmentArea a : seg.areas()) {
                    if (a instanceof SegmentArea.OnLv l) {
                        use(l.lvName(), Use.MIRROR_IMAGE, lv);
                    }
                }
                seg.string("mirror_log").ifPresent(n -> use(n, Use.MIRROR_LOG, lv));
            }
            case "cache" -> seg.string("origin").ifPresent(n -> use(n, Use.CACHE_ORIGIN, lv));
            case "writecache" -> seg.string("origin").ifPresent(n -> use(n, Use.WRITECACHE_ORIGIN, lv));
            case "integrity" -> seg.string("origin").ifPresent(n -> use(n, Use.INTEGRITY_ORIGIN, lv));
            case "vdo-pool" -> seg.string("data").ifPresent(n -> use(n, Use.VDO_POOL_DATA, lv));
            case "snapshot" -> {
                snapshotSegmentLvs.add(lv.name());
                String origin = seg.string("origin").orElse("");
                seg.string("cow_store").ifPresent(cow -> {
                    cowOrigin.put(cow, origin);
                    uses.put(cow, Use.COW);
                    parent.put(cow, lv.name());
                });
                originSnapshotCount.merge(origin, 1, Integer::sum);
            }
            case "thin" -> seg.string("origin").ifPresent(o -> thinOriginCount.merge(o, 1, Integer::sum));
            default -> {
                if (seg.type().startsWith("raid")) {
                    for (SegmentArea a : seg.areas()) {
                        if (a instanceof SegmentArea.OnLv l) {
                            use(l.lvName(), Use.RAID_IMAGE, lv);
                        }
                    }
                    for (String m : seg.metaAreas()) {
                        use(m, Use.RAID_META, lv);
                    }
                }
            }
        }
    }

    private void use(String child, Use how, LvMetadata by) {
        uses.put(child, how);
        parent.put(child, by.name());
    }

    public VgView vg() {
        return vg;
    }

    /** LVs in metadata order, with the internal snapshot LVs ({@code snapshotN}) left out as lvm2 does. */
    public List<LvMetadata> reportableLvs(boolean all) {
        return all ? allLvs : visibleLvs;
    }

    /** Count of LVs vgs reports as lv_count: visible ones, with snapshot COWs but not their internal LV. */
    public long visibleLvCount() {
        return visibleLvs.size();
    }

    public VgTotals totals() {
        return totals;
    }

    /** The VG's entry for the PV with local name {@code key} ({@code pv0}), or null when the metadata names none. */
    public VgPv pv(String key) {
        return pvByKey.get(key);
    }

    public long snapshotCount() {
        return snapshotSegmentLvs.size();
    }

    public long allocatedExtents(String pvKey) {
        return allocatedByPv.getOrDefault(pvKey, 0L);
    }

    /** {@code name} or {@code [name]} for hidden LVs, as lvm2 displays LV references. */
    public String displayName(String lvName) {
        LvMetadata lv = byName.get(lvName);
        if (lv == null) {
            return lvName;
        }
        return lv.visible() || cowOrigin.containsKey(lvName) ? lvName : "[" + lvName + "]";
    }

    private String typeOf(LvMetadata lv) {
        Segment s = lv.firstSegment();
        return s == null ? "" : s.type();
    }

    private boolean isOrigin(LvMetadata lv) {
        return originSnapshotCount.containsKey(lv.name());
    }

    private boolean isThinOrigin(LvMetadata lv) {
        return thinOriginCount.containsKey(lv.name());
    }

    /** True when some extent of the LV, directly or through sub-LVs, is on a missing PV. */
    public boolean partial(LvMetadata lv) {
        return partialLvs.contains(lv.name());
    }

    public String attr(LvMetadata lv) {
        char[] a = "----------".toCharArray();
        String type = typeOf(lv);
        Use use = uses.get(lv.name());
        a[0] = volumeTypeChar(lv, type, use);
        a[1] = lv.status().contains("PVMOVE") ? '-' : lv.status().contains("WRITE") ? 'w' : lv.status().contains("READ") ? 'r' : '-';
        a[2] = allocChar(lv.allocationPolicy().isEmpty() ? "inherit" : lv.allocationPolicy());
        if (lv.status().contains("LOCKED")) {
            a[2] = Character.toUpperCase(a[2]);
        }
        a[3] = lv.status().contains("FIXED_MINOR") ? 'm' : '-';
        // Kernel state (active, open) is not in the metadata: 'X' is lvm2's "unknown".
        a[4] = 'X';
        a[5] = 'X';
        a[6] = targetTypeChar(lv, type, use);
        a[7] = zeroChar(lv, type);
        a[8] = partial(lv) ? 'p' : (type.startsWith("raid") || use == Use.RAID_IMAGE || use == Use.RAID_META) ? 'X' : '-';
        a[9] = lv.flags().contains("ACTIVATION_SKIP") ? 'k' : '-';
        return new String(a);
    }

    private char volumeTypeChar(LvMetadata lv, String type, Use use) {
        if (lv.status().contains("PVMOVE")) {
            return 'p';
        }
        if (lv.status().contains("CONVERTING")) {
            return 'c';
        }
        if (isOrigin(lv)) {
            return 'o';
        }
        if (use == Use.CACHE_POOL_META || use == Use.THIN_POOL_META || use == Use.RAID_META || lv.name().endsWith("_pmspare")) {
            return 'e';
        }
        if (type.equals("cache") || type.equals("cache-pool") || type.equals("writecache") || use == Use.CACHE_POOL_DATA) {
            return 'C';
        }
        if (type.equals("integrity")) {
            return 'g';
        }
        if (type.startsWith("raid")) {
            return lv.status().contains("NOTSYNCED") ? 'R' : 'r';
        }
        if (type.equals("mirror")) {
            return lv.status().contains("NOTSYNCED") ? 'M' : 'm';
        }
        if (type.equals("thin")) {
            return 'V';
        }
        if (type.equals("vdo-pool")) {
            return 'd';
        }
        if (use == Use.VDO_POOL_DATA) {
            return 'D';
        }
        if (type.equals("error") || type.equals("zero") || type.equals("vdo")) {
            return 'v';
        }
        if (type.equals("thin-pool")) {
            return 't';
        }
        if (use == Use.THIN_POOL_DATA) {
            return 'T';
        }
        if (use == Use.MIRROR_IMAGE) {
            return 'i';
        }
        if (use == Use.RAID_IMAGE) {
            return lv.visible() ? 'I' : 'i';
        }
        if (use == Use.MIRROR_LOG) {
            return 'l';
        }
        if (use == Use.COW) {
            return 's';
        }
        if (use == Use.CACHE_ORIGIN || use == Use.WRITECACHE_ORIGIN) {
            return 'o';
        }
        return '-';
    }

    private char targetTypeChar(LvMetadata lv, String type, Use use) {
        if (type.equals("thin-pool") || type.equals("thin")) {
            return 't';
        }
        if (type.equals("cache-pool") || type.equals("cache") || type.equals("writecache") || use == Use.CACHE_ORIGIN
                || use == Use.WRITECACHE_ORIGIN || lv.flags().contains("CACHE_VOL")) {
            return 'C';
        }
        if (type.startsWith("raid") || use == Use.RAID_IMAGE || use == Use.RAID_META) {
            return 'r';
        }
        if (type.equals("mirror") || use == Use.MIRROR_IMAGE || use == Use.MIRROR_LOG || lv.status().contains("PVMOVE")) {
            return 'm';
        }
        if (use == Use.COW || isOrigin(lv)) {
            return 's';
        }
        if (lv.segments().stream().anyMatch(s -> !KNOWN_TYPES.contains(s.type()))) {
            return 'u';
        }
        if (type.equals("error") || type.equals("zero")) {
            return 'v';
        }
        return '-';
    }

    private static final Set<String> KNOWN_TYPES = Set.of("striped", "mirror", "snapshot", "thin", "thin-pool", "cache",
            "cache-pool", "writecache", "integrity", "vdo", "vdo-pool", "error", "zero", "raid0", "raid0_meta", "raid1", "raid10",
            "raid4", "raid5", "raid5_n", "raid5_la", "raid5_ra", "raid5_ls", "raid5_rs", "raid6", "raid6_zr", "raid6_nr",
            "raid6_nc", "raid6_n_6", "raid6_la_6", "raid6_ra_6", "raid6_ls_6", "raid6_rs_6");

    private char zeroChar(LvMetadata lv, String type) {
        Segment poolSeg = null;
        if (type.equals("thin-pool")) {
            poolSeg = lv.firstSegment();
        } else if (type.equals("thin")) {
            LvMetadata pool = lv.firstSegment().string("thin_pool").map(byName::get).orElse(null);
            poolSeg = pool == null ? null : pool.firstSegment();
        }
        return poolSeg != null && poolSeg.number("zero_new_blocks").orElse(0L) == 1 ? 'z' : '-';
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

    public List<String> layout(LvMetadata lv) {
        List<String> layout = new ArrayList<>();
        String type = typeOf(lv);
        Use use = uses.get(lv.name());
        if (type.equals("mirror") && use == null) {
            layout.add("mirror");
        } else if (type.startsWith("raid") && use == null) {
            layout.add("raid");
            layout.addAll(raidLayout(type));
        } else if (type.equals("thin")) {
            layout.add("thin");
            layout.add("sparse");
        } else if (type.equals("thin-pool")) {
            layout.add("thin");
            layout.add("pool");
        } else if (type.equals("cache-pool")) {
            layout.add("cache");
            layout.add("pool");
        } else if (type.equals("cache")) {
            layout.add("cache");
        } else if (type.equals("writecache")) {
            layout.add("writecache");
        } else if (type.equals("integrity")) {
            layout.add("integrity");
        } else if (type.equals("vdo-pool")) {
            layout.add("vdo");
            layout.add("pool");
        } else if (type.equals("vdo")) {
            layout.add("vdo");
            layout.add("sparse");
        } else if (type.equals("error") || type.equals("zero")) {
            layout.add("virtual");
        }
        if (layout.isEmpty()) {
            boolean linear = false;
            boolean striped = false;
            for (Segment s : lv.segments()) {
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
        return layout;
    }

    private static List<String> raidLayout(String type) {
        if (type.equals("raid0") || type.equals("raid0_meta")) {
            return List.of("raid0");
        }
        if (type.equals("raid1") || type.equals("raid10") || type.equals("raid4")) {
            return List.of(type);
        }
        if (type.startsWith("raid5")) {
            return type.length() > 5 ? List.of("raid5", type) : List.of("raid5");
        }
        if (type.startsWith("raid6")) {
            return type.length() > 5 ? List.of("raid6", type) : List.of("raid6");
        }
        return List.of();
    }

    public List<String> role(LvMetadata lv) {
        List<String> role = new ArrayList<>();
        boolean isPublic = true;
        Use use = uses.get(lv.name());
        String type = typeOf(lv);
        if (use != null) {
            switch (use) {
                case MIRROR_IMAGE -> role.addAll(List.of("mirror", "image"));
                case MIRROR_LOG -> role.addAll(List.of("mirror", "log"));
                case RAID_IMAGE -> role.addAll(List.of("raid", "image"));
                case RAID_META -> role.addAll(List.of("raid", "metadata"));
                case THIN_POOL_DATA -> role.addAll(List.of("thin", "pool", "data"));
                case THIN_POOL_META -> role.addAll(List.of("thin", "pool", "metadata"));
                case CACHE_POOL_DATA -> role.addAll(List.of("cache", "pool", "data"));
                case CACHE_POOL_META -> role.addAll(List.of("cache", "pool", "metadata"));
                case CACHE_ORIGIN -> role.addAll(List.of("cache", "origin", "cacheorigin"));
                case WRITECACHE_ORIGIN -> role.addAll(List.of("writecache", "origin", "writecacheorigin"));
                case INTEGRITY_ORIGIN -> role.addAll(List.of("integrity", "origin", "integrityorigin"));
                case VDO_POOL_DATA -> role.addAll(List.of("vdo", "pool", "data"));
                case COW -> {
                }
            }
            if (use != Use.COW) {
                isPublic = false;
            }
        }
        if (type.equals("thin-pool") || type.equals("cache-pool") || type.equals("vdo-pool")) {
            isPublic = false;
        }
        if (type.equals("thin")) {
            if (isThinOrigin(lv)) {
                role.add("origin");
                role.add("thinorigin");
                if (thinOriginCount.get(lv.name()) > 1) {
                    role.add("multithinorigin");
                }
            }
            if (lv.firstSegment().string("origin").isPresent()) {
                role.add("snapshot");
                role.add("thinsnapshot");
            }
        }
        if (lv.name().endsWith("_pmspare")) {
            role.add("pool");
            role.add("spare");
            isPublic = false;
        }
        if (isOrigin(lv)) {
            role.add("origin");
            role.add("thickorigin");
            if (originSnapshotCount.get(lv.name()) > 1) {
                role.add("multithickorigin");
            }
        } else if (use == Use.COW) {
            role.add("snapshot");
            role.add("thicksnapshot");
        }
        role.add(0, isPublic ? "public" : "private");
        return role;
    }

    /** pool_lv: a thin volume's pool, a cache LV's cache pool. */
    public String poolLv(LvMetadata lv) {
        Segment s = lv.firstSegment();
        if (s == null) {
            return "";
        }
        return switch (s.type()) {
            case "thin" -> s.string("thin_pool").map(this::displayName).orElse("");
            case "cache" -> s.string("cache_pool").map(this::displayName).orElse("");
            case "writecache" -> s.string("writecache").map(this::displayName).orElse("");
            case "vdo" -> s.string("vdo_pool").map(this::displayName).orElse("");
            default -> "";
        };
    }

    public String origin(LvMetadata lv) {
        if (cowOrigin.containsKey(lv.name())) {
            return displayName(cowOrigin.get(lv.name()));
        }
        Segment s = lv.firstSegment();
        if (s == null) {
            return "";
        }
        return switch (s.type()) {
            case "thin", "cache", "writecache", "integrity" -> s.string("origin").map(this::displayName).orElse("");
            default -> "";
        };
    }

    public String dataLv(LvMetadata lv) {
        Segment s = lv.firstSegment();
        if (s == null) {
            return "";
        }
        return switch (s.type()) {
            case "thin-pool" -> s.string("pool").map(this::displayName).orElse("");
            case "cache-pool", "vdo-pool" -> s.string("data").map(this::displayName).orElse("");
            case "cache" -> s.string("cache_pool").map(byName::get).map(pool -> poolSub(pool, "data")).orElse("");
            default -> "";
        };
    }

    /**
     * A cache LV's data/metadata LV is its cache pool's: one reference followed, never more (lvm2
     * reads {@code first_seg(lv)->pool_lv} once), so a pool naming itself or another cache LV
     * ends here with "" rather than walking a cycle.
     */
    private String poolSub(LvMetadata pool, String key) {
        Segment ps = pool.firstSegment();
        return ps != null && ps.type().equals("cache-pool") ? ps.string(key).map(this::displayName).orElse("") : "";
    }

    public String metadataLv(LvMetadata lv) {
        Segment s = lv.firstSegment();
        if (s == null) {
            return "";
        }
        return switch (s.type()) {
            case "thin-pool", "cache-pool" -> s.string("metadata").map(this::displayName).orElse("");
            case "cache" -> s.string("cache_pool").map(byName::get).map(pool -> poolSub(pool, "metadata")).orElse("");
            default -> "";
        };
    }

    public String mirrorLog(LvMetadata lv) {
        Segment s = lv.firstSegment();
        return s != null && s.type().equals("mirror") ? s.string("mirror_log").map(this::displayName).orElse("") : "";
    }

    public LvMetadata lv(String name) {
        return byName.get(name);
    }
}
