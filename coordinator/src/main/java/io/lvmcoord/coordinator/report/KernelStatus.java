package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.report.LvRelations.Flag;
import io.lvmcoord.coordinator.report.LvRelations.Node;
import io.lvmcoord.coordinator.report.LvRelations.Use;
import io.lvmcoord.scan.dm.DmDevice;
import io.lvmcoord.scan.dm.DmState;
import io.lvmcoord.scan.dm.DmStatus;
import io.lvmcoord.scan.dm.DmStatusLine;
import io.lvmcoord.scan.dm.DmStatusParser;
import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.Segment;
import io.lvmcoord.scan.metadata.SegmentArea;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One VG's LVs as a host's device-mapper sees them: which dm device answers for an LV (lvm2's dm
 * UUIDs with their layer suffixes), its info ({@code DM_DEV_STATUS}) and the status of the target
 * that maps a segment, chosen as lvm2's {@code lv_info_with_seg_status} chooses: a thin pool's
 * state is its {@code -tpool} layer's, an origin's status its {@code -real} layer's, a used cache
 * pool's status its cache LV's, a COW's the snapshot's. The report fields and {@code lv_attr}
 * read only this; {@link LvRelations} gives the LV types.
 */
final class KernelStatus {

    /** What {@code DM_DEV_STATUS} says of one device; {@link #NONE} when there is no such device. */
    record Info(boolean exists, boolean suspended, int openCount, int major, int minor, boolean readOnly, boolean liveTable,
                boolean inactiveTable, long readAhead) {
        static final Info NONE = new Info(false, false, 0, 0, 0, false, false, false, 0);
    }

    /** lvm2's seg_status type: no status wanted or supported, a target it could not match or parse, or a parsed status. */
    enum SegType { NONE, UNKNOWN, PARSED }

    /**
     * An LV (or one of its segments) as lvm2's reports see it: {@code infoOk} false where lvm2's
     * query itself fails (then lv_attr shows 'X'), the device's info, and its segment's status.
     */
    record LvStatus(boolean infoOk, Info info, SegType segType, DmStatus status, Segment seg) {
        boolean is(Class<? extends DmStatus> kind) {
            return segType == SegType.PARSED && kind.isInstance(status);
        }
    }

    /** Layer suffixes lvm2 once left off dm UUIDs (before 2.02.106): a device may still carry the bare LV UUID. */
    private static final Set<String> OLD_STYLE_SUFFIXES = Set.of("pool", "cdata", "cmeta", "cvol", "tdata", "tmeta", "vdata",
            "vpool", "imeta");

    /** The kernel's default read-ahead of a new block device, 128 KiB (VM_READAHEAD_PAGES), in sectors. */
    private static final long KERNEL_DEFAULT_READ_AHEAD = 256;

    private final DmState state;
    private final Map<DmDevice.LvmId, DmDevice> devices;
    private final LvRelations rel;
    private final String vgId;
    private final long extentSectors;
    private final Map<String, LvStatus> lvStatuses = new ConcurrentHashMap<>();

    KernelStatus(DmState state, LvRelations rel) {
        this.state = state;
        this.devices = state.byLvmId();
        this.rel = rel;
        this.vgId = rel.vg().metadata().id().replace("-", "");
        this.extentSectors = rel.vg().metadata().extentSize();
    }

    DmState state() {
        return state;
    }

    // ---- which device ----------------------------------------------------------------------------

    /** lvm2's build_dm_uuid without an explicit layer: internal LVs carry a suffix so that scanners skip them. */
    private String defaultLayer(Node n) {
        if (LvRelations.isCacheOrigin(n) || LvRelations.isWritecacheOrigin(n) || n.is(Flag.CACHE) && n.is(Flag.PENDING_DELETE)) {
            return "real";
        }
        if (n.is(Flag.CACHE_POOL_DATA)) {
            return "cdata";
        }
        if (n.is(Flag.CACHE_POOL_METADATA)) {
            return "cmeta";
        }
        if (n.is(Flag.CACHE_VOL)) {
            return "cvol";
        }
        if (n.is(Flag.THIN_POOL)) {
            return "pool";
        }
        if (n.is(Flag.THIN_POOL_DATA)) {
            return "tdata";
        }
        if (n.is(Flag.THIN_POOL_METADATA)) {
            return "tmeta";
        }
        if (n.is(Flag.VDO_POOL)) {
            return "pool";
        }
        if (n.is(Flag.VDO_POOL_DATA)) {
            return "vdata";
        }
        return "";
    }

    /** lvm2's lv_layer: the layer below an LV that holds its real mapping, or null. */
    private static String lvLayer(Node n) {
        if (n.is(Flag.THIN_POOL)) {
            return "tpool";
        }
        if (n.is(Flag.VDO_POOL)) {
            return "vpool";
        }
        if (LvRelations.isOrigin(n) || LvRelations.isExternalOrigin(n) || LvRelations.isWritecacheOrigin(n)) {
            return "real";
        }
        return null;
    }

    /** dev_manager_info's lookup: the LV's device with {@code layer} (or its default suffix), or the pre-suffix UUID. */
    private DmDevice device(Node n, String layer) {
        String l = layer != null ? layer : defaultLayer(n);
        String lvId = n.lv.id().replace("-", "");
        DmDevice d = devices.get(new DmDevice.LvmId(vgId, lvId, l));
        if (d == null && OLD_STYLE_SUFFIXES.contains(l)) {
            d = devices.get(new DmDevice.LvmId(vgId, lvId, ""));
        }
        return d;
    }

    private Info info(DmDevice d, boolean withReadAhead, Node n) {
        if (d == null) {
            return Info.NONE;
        }
        long ra = withReadAhead ? readAhead(d, n) : 0;
        return new Info(true, d.suspended(), d.openCount(), d.major(), d.minor(), d.readOnly(), d.liveTable(), d.inactiveTable(), ra);
    }

    /**
     * The device's read-ahead in sectors. A recording without it (vmlab's first captures) gives what
     * lvm2 leaves after activation: for "auto" it asks for twice the widest stripe set and keeps the
     * kernel's 128 KiB default when that is larger (DM_READ_AHEAD_MINIMUM_FLAG); a fixed value is set as is.
     */
    private long readAhead(DmDevice d, Node n) {
        if (d.readAhead() != DmDevice.UNKNOWN_READ_AHEAD) {
            return d.readAhead();
        }
        long set = n.lv.readAhead();
        boolean auto = n.lv.raw() != null && n.lv.raw().value("read_ahead").isEmpty() || set == 0;
        if (!auto) {
            return set == -1 || set == 0xFFFF_FFFFL ? 0 : set;
        }
        long widest = 0;
        for (Segment s : n.lv.segments()) {
            widest = Math.max(widest, s.stripeSize() * s.areas().size());
        }
        return Math.max(KERNEL_DEFAULT_READ_AHEAD, widest * 2);
    }

    /** lvm2's _lv_info without status: does the LV's device (or its layer's) exist, and its info. */
    Info info(LvMetadata lv, boolean useLayer) {
        Node n = rel.nodeOf(lv);
        return n == null ? Info.NONE : info(n, useLayer, true);
    }

    private Info info(Node n, boolean useLayer, boolean withReadAhead) {
        if (!useLayer && isNewThinPool(n) && device(n, null) == null) {
            useLayer = true;
        }
        return info(device(n, useLayer ? lvLayer(n) : null), withReadAhead, n);
    }

    /** A thin pool that has never had a transaction: lvm2 activates it without the public layer. */
    private static boolean isNewThinPool(Node n) {
        return n.is(Flag.THIN_POOL) && n.lv.firstSegment() != null && n.lv.firstSegment().number("transaction_id").orElse(0L) == 0;
    }

    /** lvm2's lv_is_active: the LV's own device exists on this host. */
    boolean active(LvMetadata lv) {
        return info(lv, false).exists();
    }

    // ---- info with segment status -----------------------------------------------------------------

    /** lvm2's lv_info_with_seg_status for the LV's first segment (what LV reports show). */
    LvStatus status(LvMetadata lv) {
        return lvStatuses.computeIfAbsent(lv.name(), k -> status(lv, lv.firstSegment()));
    }

    /** lvm2's lv_info_with_seg_status for one segment of the LV (segment reports). */
    LvStatus status(LvMetadata lv, Segment seg) {
        Node n = rel.nodeOf(lv);
        if (n == null || seg == null) {
            return new LvStatus(false, Info.NONE, SegType.NONE, null, seg);
        }
        if (LvRelations.isUsedCachePool(n)) {
            // A used cache pool is never active itself: its status is the cache LV's.
            Use u = LvRelations.onlyUse(n);
            if (u == null) {
                return new LvStatus(false, Info.NONE, SegType.NONE, null, seg);
            }
            Probe p = probe(u.user, device(u.user, null), u.seg, false);
            return new LvStatus(true, Info.NONE, p.type, p.status, u.seg);
        }
        if (n.is(Flag.THIN_POOL)) {
            // Always the -tpool layer's status; the pool itself counts as active only with its public device.
            DmDevice tpool = device(n, lvLayer(n));
            Probe p = probe(n, tpool, seg, false);
            Info i = info(tpool, false, n);
            if (i.exists() && p.type == SegType.PARSED && p.status instanceof DmStatus.ThinPool tp
                    && !info(n, false, false).exists() && !tp.needsCheck()) {
                i = Info.NONE;
            }
            return new LvStatus(true, i, p.type, p.status, seg);
        }
        if (LvRelations.isExternalOrigin(n)) {
            Info i = info(n, false, true);
            Probe p = probe(n, device(n, lvLayer(n)), seg, false);
            return new LvStatus(true, i, p.type, p.status, seg);
        }
        if (LvRelations.isOrigin(n)) {
            DmDevice own = device(n, null);
            Info i = info(own, true, n);
            Probe p = LvRelations.isMergingOrigin(n) ? probe(n, own, seg, true) : new Probe(SegType.NONE, null);
            if (i.exists() && !(p.type == SegType.PARSED && p.status instanceof DmStatus.Snapshot)) {
                p = probe(n, device(n, lvLayer(n)), seg, false);
            }
            return new LvStatus(true, i, p.type, p.status, seg);
        }
        Segment statusSeg = seg;
        Node statusNode = n;
        if (LvRelations.isCow(n)) {
            if (LvRelations.isMergingCow(n) && n.cowOrigin != null) {
                Node origin = n.cowOrigin;
                DmDevice od = device(origin, null);
                Info i = info(od, true, origin);
                Probe p = probe(origin, od, origin.lv.firstSegment(), true);
                if (p.type == SegType.PARSED && (p.status instanceof DmStatus.Snapshot
                        || origin.is(Flag.THIN_VOLUME) && p.status instanceof DmStatus.Thin)) {
                    return new LvStatus(true, i, p.type, p.status, origin.lv.firstSegment());
                }
            }
            // lvm2 reports a COW through its snapshot segment (the internal snapshotN LV's).
            statusSeg = n.snapshotSeg;
        }
        if (n.is(Flag.VDO)) {
            Info i = info(n, false, true);
            Probe p = new Probe(SegType.NONE, null);
            Segment vdoSeg = seg;
            if (i.exists()) {
                Node pool = seg.string("vdo_pool").map(rel::node).orElse(null);
                if (pool != null) {
                    p = probe(pool, device(pool, lvLayer(pool)), pool.lv.firstSegment(), false);
                }
            }
            return new LvStatus(true, i, p.type, p.status, vdoSeg);
        }
        if (n.is(Flag.VDO_POOL)) {
            DmDevice vpool = device(n, lvLayer(n));
            Probe p = probe(n, vpool, seg, false);
            Info i = info(vpool, false, n);
            if (i.exists() && p.type == SegType.PARSED && !info(n, false, false).exists()) {
                i = Info.NONE;
            }
            return new LvStatus(true, i, p.type, p.status, seg);
        }
        DmDevice d = device(statusNode, null);
        Probe p = probe(statusNode, d, statusSeg, false);
        return new LvStatus(true, info(d, true, n), p.type, p.status, statusSeg);
    }

    private record Probe(SegType type, DmStatus status) {
    }

    /**
     * lvm2's _info_run with a status: the target of {@code d} that maps {@code seg} (same start and
     * length, in sectors), parsed as {@code seg}'s type wants it; UNKNOWN when there is none, it is
     * of another type, or its text does not parse.
     */
    private Probe probe(Node n, DmDevice d, Segment seg, boolean mergingOriginOwnDevice) {
        if (d == null || seg == null || d.statuses().isEmpty()) {
            // No device, or one without a live table: libdevmapper finds no target, and lvm2 leaves the status unset.
            return new Probe(SegType.NONE, null);
        }
        long start = extentSectors * seg.startExtent();
        long length = extentSectors * segLen(seg);
        long crop = n.is(Flag.THIN_POOL_METADATA) && length > DM_THIN_MAX_METADATA_SIZE ? DM_THIN_MAX_METADATA_SIZE : 0;
        DmStatusLine match = null;
        for (DmStatusLine t : d.statuses()) {
            if (t.start() == start && (t.length() == length || crop != 0 && t.length() == crop)) {
                match = t;
                break;
            }
        }
        String segType = seg.type();
        if (LvRelations.isMergingOrigin(n)) {
            if (match != null && match.target().equals("snapshot-origin")) {
                return new Probe(SegType.NONE, null);
            }
            if (match != null && match.target().equals("snapshot-merge")) {
                segType = "snapshot";
            }
        }
        if (match == null) {
            return new Probe(SegType.UNKNOWN, null);
        }
        if (!n.lv.status().contains("LOCKED") && !segType.equals(match.target()) && !compatible(segType, match.target())) {
            return new Probe(SegType.UNKNOWN, null);
        }
        String want = switch (segType) {
            case "cache" -> "cache";
            case "thin" -> "thin";
            case "thin-pool" -> "thin-pool";
            case "snapshot" -> "snapshot";
            case "writecache" -> "writecache";
            default -> LvRelations.isRaidType(segType) ? "raid" : null;
        };
        if (want == null) {
            return new Probe(SegType.NONE, null);
        }
        DmStatusParser.Result r = DmStatusParser.parse(want, match.params());
        if (r instanceof DmStatusParser.Result.Read read) {
            return new Probe(SegType.PARSED, read.status());
        }
        return new Probe(SegType.UNKNOWN, null);
    }

    /** The largest metadata device a thin pool maps (DM_THIN_MAX_METADATA_SIZE, sectors). */
    private static final long DM_THIN_MAX_METADATA_SIZE = 255L * (1 << 14) * (4096 / 512) - 256 * 1024;

    /** A segment's mapped length: raid segments leave out the space kept for reshaping. */
    private static long segLen(Segment seg) {
        if (LvRelations.isRaidType(seg.type())) {
            long reshape = seg.number("reshape_count").orElse(0L);
            int parity = parityDevs(seg.type());
            return seg.extentCount() - (seg.areas().size() - parity) * reshape;
        }
        return seg.extentCount();
    }

    private static int parityDevs(String type) {
        if (type.startsWith("raid6")) {
            return 2;
        }
        if (type.startsWith("raid4") || type.startsWith("raid5")) {
            return 1;
        }
        return 0;
    }

    /** segtype's target_status_compatible: kernel targets that serve a segment type of another name. */
    private static boolean compatible(String segType, String target) {
        return switch (segType) {
            case "striped", "vdo" -> target.equals("linear");
            case "snapshot" -> target.equals("snapshot-merge");
            case "vdo-pool" -> target.equals("vdo");
            default -> LvRelations.isRaidType(segType) && target.contains("raid");
        };
    }

    // ---- raid and mirror -----------------------------------------------------------------------

    /** dev_manager_raid_status: the raid target's status of the LV's top device, or null when not active or not raid. */
    DmStatus.Raid raidStatus(LvMetadata lv) {
        Node n = rel.nodeOf(lv);
        if (n == null || !info(n, false, false).exists()) {
            return null;
        }
        DmDevice d = device(n, lvLayer(n));
        if (d == null || d.statuses().isEmpty() || !d.statuses().get(0).target().equals("raid")) {
            return null;
        }
        return DmStatusParser.parse("raid", d.statuses().get(0).params()) instanceof DmStatusParser.Result.Read r
                && r.status() instanceof DmStatus.Raid raid ? raid : null;
    }

    /** lvm2's lv_raid_healthy: an inactive LV counts as healthy; an array with a dead ('D') image, or a dead image, does not. */
    boolean raidHealthy(LvMetadata lv) {
        Node n = rel.nodeOf(lv);
        if (n == null || !active(lv)) {
            return true;
        }
        Node array = n;
        Segment raidSeg;
        if (n.is(Flag.RAID)) {
            raidSeg = n.lv.firstSegment();
        } else {
            Use u = LvRelations.onlyUse(n);
            if (u == null) {
                return false;
            }
            array = u.user;
            raidSeg = u.seg;
        }
        if (raidSeg == null || !LvRelations.isRaidType(raidSeg.type())) {
            return false;
        }
        DmStatus.Raid st = raidStatus(array.lv);
        if (st == null) {
            return false;
        }
        if (n.is(Flag.RAID)) {
            return st.devHealth().indexOf('D') < 0;
        }
        int s = areaIndex(raidSeg, n);
        return s >= 0 && s < st.devHealth().length() && st.devHealth().charAt(s) != 'D';
    }

    /** lvm2's lv_raid_image_in_sync: an active image whose health character is 'A'. */
    boolean raidImageInSync(LvMetadata lv) {
        Node n = rel.nodeOf(lv);
        if (n == null || !active(lv)) {
            return false;
        }
        Use u = LvRelations.onlyUse(n);
        if (u == null || !LvRelations.isRaidType(u.seg.type())) {
            return false;
        }
        DmStatus.Raid st = raidStatus(u.user.lv);
        int s = areaIndex(u.seg, n);
        return st != null && s >= 0 && s < st.devHealth().length() && st.devHealth().charAt(s) == 'A';
    }

    /** Which image (or metadata image) of a raid segment an LV is. */
    private static int areaIndex(Segment raidSeg, Node n) {
        List<SegmentArea> areas = raidSeg.areas();
        for (int s = 0; s < areas.size(); s++) {
            if (areas.get(s) instanceof SegmentArea.OnLv l && l.lvName().equals(n.name())) {
                return s;
            }
        }
        List<String> metas = raidSeg.metaAreas();
        for (int s = 0; s < metas.size(); s++) {
            if (metas.get(s).equals(n.name())) {
                return s;
            }
        }
        return -1;
    }

    /**
     * lvm2's lv_mirror_percent (and lv_raid_percent): regions in sync over all regions, summed over
     * the mirror or raid targets of the LV's top device; a mirror shrunk to one image is in sync.
     * {@link Percent#INVALID} when the LV is not active.
     */
    int mirrorPercent(LvMetadata lv) {
        if (lv.segments().size() == 1 && lv.firstSegment().areas().size() == 1) {
            return Percent.HUNDRED;
        }
        Node n = rel.nodeOf(lv);
        if (n == null || !info(n, false, false).exists()) {
            return Percent.INVALID;
        }
        DmDevice d = device(n, lvLayer(n));
        if (d == null) {
            return Percent.INVALID;
        }
        long insync = 0;
        long total = 0;
        for (DmStatusLine t : d.statuses()) {
            if (DmStatusParser.parse(t.target(), t.params()) instanceof DmStatusParser.Result.Read r) {
                if (r.status() instanceof DmStatus.Mirror m) {
                    insync += m.insyncRegions();
                    total += m.totalRegions();
                } else if (r.status() instanceof DmStatus.Raid raid) {
                    insync += raid.insyncRegions();
                    total += raid.totalRegions();
                }
            }
        }
        return Percent.of(insync, total);
    }

    /** lvm2's lv_mirror_image_in_sync: the mirror this image belongs to is 100% in sync. */
    boolean mirrorImageInSync(LvMetadata lv) {
        Node n = rel.nodeOf(lv);
        Use u = n == null ? null : LvRelations.onlyUse(n);
        return u != null && u.user.is(Flag.MIRROR) && mirrorPercent(u.user.lv) == Percent.HUNDRED;
    }

    /**
     * lvm2's copy_percent over a mirror's segments: each mirrored segment counts the extents its
     * target has copied (regions in sync, scaled to the segment), any other segment counts whole.
     */
    int copyPercent(LvMetadata lv) {
        Node n = rel.nodeOf(lv);
        DmDevice d = n == null ? null : device(n, lvLayer(n));
        long numerator = 0;
        long denominator = 0;
        for (Segment s : lv.segments()) {
            long areaLen = s.extentCount() / Math.max(1, stripesOf(s));
            denominator += areaLen;
            boolean mirrored = (s.type().equals("mirror") || LvRelations.isRaidType(s.type()) && !s.type().startsWith("raid0"))
                    && s.areas().size() > 1;
            if (!mirrored) {
                numerator += areaLen;
                continue;
            }
            long start = extentSectors * s.startExtent();
            DmStatusLine t = d == null ? null : d.statuses().stream().filter(x -> x.start() == start).findFirst().orElse(null);
            if (t != null && DmStatusParser.parse(t.target(), t.params()) instanceof DmStatusParser.Result.Read r
                    && r.status() instanceof DmStatus.Mirror m && m.totalRegions() > 0) {
                numerator += areaLen * m.insyncRegions() / m.totalRegions();
            }
        }
        return denominator == 0 ? Percent.HUNDRED : Percent.of(numerator, denominator);
    }

    /** A segment's area length divides its extents by its stripes (striped, raid0); mirrors keep them whole. */
    private static int stripesOf(Segment s) {
        return s.type().equals("striped") || s.type().startsWith("raid0") ? s.areas().size() : 1;
    }

    // ---- lv_attr -----------------------------------------------------------------------------------

    /**
     * lv_attr with the kernel's answer: the image-in-sync letter, the 'R' read-only activation
     * override, state and open (5th and 6th) and the health letter, on top of what the metadata
     * gives ({@code base}, lvm2's no-device-mapper attr).
     */
    String attr(LvMetadata lv, String base) {
        Node n = rel.nodeOf(lv);
        if (n == null || base.length() != 10 || base.charAt(4) == 'h') {
            return base;
        }
        char[] a = base.toCharArray();
        LvStatus st = status(lv);
        if (a[0] == 'I') {
            if (n.is(Flag.MIRROR_IMAGE)) {
                a[0] = mirrorImageInSync(lv) ? 'i' : 'I';
            } else if (n.is(Flag.RAID_IMAGE)) {
                a[0] = !LvRelations.isVisible(n) && raidImageInSync(lv) ? 'i' : 'I';
            }
        }
        if (!st.infoOk() || st.segType() == SegType.UNKNOWN) {
            a[4] = 'X';
            a[5] = 'X';
        } else if (st.info().exists()) {
            Info i = st.info();
            a[4] = i.suspended() ? 's' : i.liveTable() ? 'a' : i.inactiveTable() ? 'i' : 'd';
            if (i.liveTable() && st.status() instanceof DmStatus.Snapshot snap && st.segType() == SegType.PARSED) {
                if (snap.invalid()) {
                    a[4] = i.suspended() ? 'S' : 'I';
                } else if (snap.mergeFailed()) {
                    a[4] = i.suspended() ? 'M' : 'm';
                }
            }
            boolean needsCheck = n.is(Flag.THIN_POOL) && st.is(DmStatus.ThinPool.class) && ((DmStatus.ThinPool) st.status()).needsCheck()
                    || n.is(Flag.CACHE) && st.is(DmStatus.Cache.class) && ((DmStatus.Cache) st.status()).needsCheck();
            if (needsCheck) {
                a[4] = i.suspended() ? 'C' : 'c';
            }
            if (a[1] != 'r' && i.readOnly()) {
                a[1] = 'R';
            }
            a[5] = i.openCount() > 0 ? 'o' : '-';
        } else {
            a[4] = '-';
            a[5] = '-';
        }
        a[8] = healthChar(n, lv, st, a[8]);
        return new String(a);
    }

    private char healthChar(Node n, LvMetadata lv, LvStatus st, char metadataOnly) {
        if (n.is(Flag.PARTIAL)) {
            return 'p';
        }
        if (LvRelations.isRaidTypeLv(n)) {
            if (!raidHealthy(lv)) {
                return 'r';
            }
            if (n.is(Flag.RAID)) {
                DmStatus.Raid raid = raidStatus(lv);
                if (raid != null && raid.mismatchCount() != 0) {
                    return 'm';
                }
                if (raid != null && "reshape".equals(raid.syncAction())) {
                    return 's';
                }
            }
            return metadataOnly;
        }
        if (st.segType() == SegType.PARSED) {
            if (st.status() instanceof DmStatus.Cache c) {
                return c.fail() ? 'F' : c.readOnly() ? 'M' : '-';
            }
            if (st.status() instanceof DmStatus.ThinPool tp) {
                return tp.fail() ? 'F' : tp.outOfDataSpace() ? 'D' : tp.readOnly() ? 'M' : '-';
            }
            if (st.status() instanceof DmStatus.Thin t) {
                return t.fail() ? 'F' : '-';
            }
            if (st.status() instanceof DmStatus.Writecache w) {
                return w.error() != 0 ? 'E' : '-';
            }
            return '-';
        }
        return st.segType() == SegType.UNKNOWN ? 'X' : '-';
    }

    // ---- percentages ---------------------------------------------------------------------------------

    /** libdevmapper's dm_percent_t: hundredths of a thousandth of a percent, or INVALID. */
    static final class Percent {
        static final int ONE = 1_000_000;
        static final int HUNDRED = 100 * ONE;
        static final int INVALID = -1;

        private Percent() {
        }

        /** dm_make_percent: exact 0 and 100 only when exact, never rounded onto them. */
        static int of(long numerator, long denominator) {
            if (denominator == 0) {
                return HUNDRED;
            }
            if (numerator == 0) {
                return 0;
            }
            if (numerator == denominator) {
                return HUNDRED;
            }
            int p = (int) (HUNDRED * ((double) numerator / (double) denominator));
            return p == HUNDRED ? HUNDRED - 1 : p == 0 ? 1 : p;
        }

        /**
         * dm_report_field_percent: "" when invalid, else the value as a C float with two decimals,
         * nudged off 0.00 and 100.00 when not exact (dm_percent_to_round_float), printed as glibc does.
         */
        static String render(int percent) {
            if (percent == INVALID) {
                return "";
            }
            float f = (float) percent / ONE;
            float r = ONE * .01f;
            if (percent < r && percent > 0) {
                f = .01f;
            } else if (percent > HUNDRED - r && percent < HUNDRED) {
                f = (float) (HUNDRED - r) / ONE;
            }
            return new java.math.BigDecimal((double) f).setScale(2, java.math.RoundingMode.HALF_EVEN).toPlainString();
        }
    }

    enum PercentOf { DATA, METADATA, DIRTY }

    /** lvm2's lvseg_percent_with_info_and_seg_status. */
    int percent(LvMetadata lv, LvStatus st, PercentOf what) {
        if (st.segType() != SegType.PARSED) {
            return Percent.INVALID;
        }
        DmStatus s = st.status();
        if (s instanceof DmStatus.Cache c) {
            if (c.fail() || c.error()) {
                return Percent.INVALID;
            }
            return switch (what) {
                case DIRTY -> c.usedBlocks() != 0 ? Percent.of(c.dirtyBlocks(), c.usedBlocks()) : 0;
                case METADATA -> Percent.of(c.metadataUsedBlocks(), c.metadataTotalBlocks());
                case DATA -> Percent.of(c.usedBlocks(), c.totalBlocks());
            };
        }
        if (s instanceof DmStatus.Writecache w) {
            return what != PercentOf.DATA ? Percent.INVALID : Percent.of(w.totalBlocks() - w.freeBlocks(), w.totalBlocks());
        }
        if (s instanceof DmStatus.Raid r) {
            return what == PercentOf.DIRTY ? Percent.of(r.insyncRegions(), r.totalRegions()) : Percent.INVALID;
        }
        if (s instanceof DmStatus.Snapshot snap) {
            if (snap.mergeFailed()) {
                return Percent.INVALID;
            }
            if (snap.invalid()) {
                return Percent.HUNDRED;
            }
            if (snap.hasMetadataSectors() && snap.usedSectors() == snap.metadataSectors()) {
                return 0;
            }
            return Percent.of(snap.usedSectors(), snap.totalSectors());
        }
        if (s instanceof DmStatus.ThinPool tp) {
            if (tp.fail() || tp.error()) {
                return Percent.INVALID;
            }
            return what == PercentOf.METADATA ? Percent.of(tp.usedMetadataBlocks(), tp.totalMetadataBlocks())
                    : Percent.of(tp.usedDataBlocks(), tp.totalDataBlocks());
        }
        if (s instanceof DmStatus.Thin t) {
            if (t.fail() || what != PercentOf.DATA) {
                return Percent.INVALID;
            }
            // The pool allocates whole chunks: the size rounds up to one.
            Node pool = st.seg().string("thin_pool").map(rel::node).orElse(null);
            long chunk = pool == null || pool.lv.firstSegment() == null ? 0 : pool.lv.firstSegment().chunkSize();
            long size = rel.extents(lv) * extentSectors;
            long csize = chunk == 0 ? size : (size + chunk - 1) / chunk * chunk;
            return t.mappedSectors() <= csize ? Percent.of(t.mappedSectors(), csize) : Percent.HUNDRED;
        }
        return Percent.INVALID;
    }
}
