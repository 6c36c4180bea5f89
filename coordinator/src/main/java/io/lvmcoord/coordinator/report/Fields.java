package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.PvCounts;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.PvMetadata;
import io.lvmcoord.scan.metadata.Segment;
import io.lvmcoord.scan.metadata.SegmentArea;
import io.lvmcoord.scan.metadata.VgMetadata;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The report fields we compute, keyed by lvm2's field id. Names, headings, types and widths come
 * from lvm2's own column table (resource {@code lvm2-fields.txt}); a field lvm2 knows but we do
 * not compute is reported as such instead of being printed wrong.
 */
public final class Fields {
    private static final DateTimeFormatter LV_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z");

    private final Map<String, FieldDef> supported = new LinkedHashMap<>();
    private final Map<String, String> known = new HashMap<>();
    private final ZoneId zone;

    public Fields(ZoneId zone) {
        this.zone = zone;
        Map<String, String[]> table = loadTable();
        for (Map.Entry<String, String[]> e : table.entrySet()) {
            known.put(e.getKey(), e.getValue()[0]);
        }
        definePv(table);
        defineVg(table);
        defineLv(table);
        defineSeg(table);
    }

    public Optional<FieldDef> find(String id) {
        return Optional.ofNullable(supported.get(id));
    }

    /** True for an lvm2 field id that we do not (yet) compute. */
    public boolean knownButUnsupported(String id) {
        return known.containsKey(id) && !supported.containsKey(id);
    }

    public List<String> supportedIds() {
        return List.copyOf(supported.keySet());
    }

    private static Map<String, String[]> loadTable() {
        Map<String, String[]> table = new LinkedHashMap<>();
        try (InputStream in = Fields.class.getResourceAsStream("lvm2-fields.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] p = line.split("\\|", -1);
                table.putIfAbsent(p[0], new String[]{p[1], p[2], p[3], p[4]});
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the lvm2 field table", e);
        }
        return table;
    }

    private void def(Map<String, String[]> table, ReportType scope, String id, Function<Row, Cell> f) {
        String[] t = table.get(id);
        if (t == null) {
            throw new IllegalStateException("field " + id + " is not in lvm2's table");
        }
        supported.put(id, new FieldDef(id, scope, t[1], t[2], Integer.parseInt(t[3]), f));
    }

    // ---- PV -------------------------------------------------------------------------------

    private void definePv(Map<String, String[]> t) {
        ReportType s = ReportType.PV;
        def(t, s, "pv_name", r -> new Cell.Text(r.pv().name()));
        def(t, s, "pv_uuid", r -> Cell.text(pvUuid(r.pv())));
        def(t, s, "pv_fmt", r -> Cell.text(r.pv().kind() == PvEntry.Kind.NOT_PV ? "" : "lvm2"));
        def(t, s, "pv_attr", r -> Cell.text(pvAttr(r.pv())));
        def(t, s, "pv_size", r -> new Cell.Size(pvSize(r.pv())));
        def(t, s, "dev_size", r -> new Cell.Size(r.pv().kind() == PvEntry.Kind.MISSING ? 0 : r.pv().devSize()));
        def(t, s, "pv_free", r -> new Cell.Size(pvFree(r.pv())));
        def(t, s, "pv_used", r -> new Cell.Size(r.pv().inVg() ? allocated(r.pv()) * extentBytes(r.pv().vg()) : 0));
        def(t, s, "pe_start", r -> new Cell.Size(peStart(r.pv())));
        def(t, s, "pv_pe_count", r -> new Cell.Num(r.pv().inVg() ? r.pv().vgPv().meta().peCount() : 0));
        def(t, s, "pv_pe_alloc_count", r -> new Cell.Num(r.pv().inVg() ? allocated(r.pv()) : 0));
        def(t, s, "pv_mda_count", r -> new Cell.Num(hasOwnMdas(r.pv()) ? PvCounts.mdaCount(r.pv().scan()) : 0));
        def(t, s, "pv_mda_used_count", r -> new Cell.Num(hasOwnMdas(r.pv()) ? PvCounts.mdaUsedCount(r.pv().scan()) : 0));
        def(t, s, "pv_mda_size", r -> new Cell.Size(hasOwnMdas(r.pv()) ? PvCounts.mdaSize(r.pv().scan()) : 0));
        def(t, s, "pv_mda_free", r -> new Cell.Size(hasOwnMdas(r.pv()) ? PvCounts.mdaFree(r.pv().scan()) : 0));
        def(t, s, "pv_tags", r -> Cell.text(r.pv().inVg() ? tags(r.pv().vgPv().meta().tags()) : ""));
        def(t, s, "pv_missing", r -> Cell.flag(pvMissing(r.pv()), "missing"));
        def(t, s, "pv_in_use", r -> Cell.flag(pvInUse(r.pv()), "used"));
        def(t, s, "pv_duplicate", r -> Cell.flag(r.pv().kind() == PvEntry.Kind.DUPLICATE, "duplicate"));
        def(t, s, "pv_allocatable", r -> Cell.flag(r.pv().inVg() && r.pv().vgPv().meta().allocatable(), "allocatable"));
        def(t, s, "pv_exported", r -> Cell.flag(r.pv().inVg() && r.pv().vg().metadata().exported(), "exported"));
        def(t, s, "pv_ext_vsn", r -> {
            PvEntry p = r.pv();
            boolean has = p.scan() != null && p.kind() != PvEntry.Kind.DUPLICATE;
            return new Cell.Num(has ? p.scan().label().extVersion() : -1, !has);
        });
        def(t, s, "pv_ba_start", r -> new Cell.Size(r.pv().inVg() ? r.pv().vgPv().meta().baStart() * 512 : 0));
        def(t, s, "pv_ba_size", r -> new Cell.Size(r.pv().inVg() ? r.pv().vgPv().meta().baSize() * 512 : 0));
        def(t, s, "pv_device_id", r -> Cell.text(r.pv().inVg() ? r.pv().vgPv().meta().deviceId() : ""));
        def(t, s, "pv_device_id_type", r -> Cell.text(r.pv().inVg() ? r.pv().vgPv().meta().deviceIdType() : ""));
    }

    private static String pvUuid(PvEntry p) {
        return switch (p.kind()) {
            case NOT_PV -> "";
            case MISSING -> p.vgPv().meta().id();
            default -> p.scan().label().pvUuidDashed();
        };
    }

    private static String pvAttr(PvEntry p) {
        char a;
        if (p.kind() == PvEntry.Kind.DUPLICATE) {
            a = 'd';
        } else if (p.inVg() && p.vgPv().meta().allocatable()) {
            a = 'a';
        } else if (pvInUse(p)) {
            a = 'u';
        } else {
            a = '-';
        }
        char x = p.inVg() && p.vg().metadata().exported() ? 'x' : '-';
        char m = pvMissing(p) ? 'm' : '-';
        return "" + a + x + m;
    }

    private static boolean pvMissing(PvEntry p) {
        return p.kind() == PvEntry.Kind.MISSING || (p.inVg() && p.vgPv().meta().flaggedMissing());
    }

    private static boolean pvInUse(PvEntry p) {
        return switch (p.kind()) {
            case IN_VG, MISSING, UNKNOWN_VG -> true;
            case DUPLICATE, ORPHAN -> p.scan().label().extUsed();
            case NOT_PV -> false;
        };
    }

    /** Metadata areas are reported for the device itself; missing PVs and unused duplicates show none. */
    private static boolean hasOwnMdas(PvEntry p) {
        return p.scan() != null && p.kind() != PvEntry.Kind.DUPLICATE;
    }

    private static long extentBytes(VgView vg) {
        return vg.metadata().extentSize() * 512;
    }

    private static long allocated(PvEntry p) {
        return p.relations().allocatedExtents(p.vgPv().meta().key());
    }

    private static long pvSize(PvEntry p) {
        return switch (p.kind()) {
            case IN_VG, MISSING -> p.vgPv().meta().peCount() > 0 ? p.vgPv().meta().peCount() * extentBytes(p.vg()) : p.devSize();
            case ORPHAN, UNKNOWN_VG -> p.scan().label().deviceSize();
            case DUPLICATE, NOT_PV -> 0;
        };
    }

    private static long pvFree(PvEntry p) {
        return switch (p.kind()) {
            case IN_VG, MISSING -> (p.vgPv().meta().peCount() - allocated(p)) * extentBytes(p.vg());
            case ORPHAN -> p.scan().label().deviceSize();
            case UNKNOWN_VG, DUPLICATE, NOT_PV -> 0;
        };
    }

    private static long peStart(PvEntry p) {
        return switch (p.kind()) {
            case IN_VG, MISSING -> p.vgPv().meta().peStart() * 512;
            case ORPHAN, UNKNOWN_VG -> p.scan().label().peStart();
            case DUPLICATE, NOT_PV -> 0;
        };
    }

    // ---- VG -------------------------------------------------------------------------------

    private void defineVg(Map<String, String[]> t) {
        ReportType s = ReportType.VG;
        def(t, s, "vg_fmt", r -> vg(r, v -> Cell.text("lvm2")));
        def(t, s, "vg_uuid", r -> vg(r, v -> Cell.text(v.metadata().id())));
        def(t, s, "vg_name", r -> r.pv() != null && r.pv().kind() == PvEntry.Kind.UNKNOWN_VG ? Cell.text("[unknown]")
                : vg(r, v -> Cell.text(v.metadata().name())));
        def(t, s, "vg_attr", r -> vg(r, v -> Cell.text(vgAttr(v))));
        def(t, s, "vg_permissions", r -> vg(r, v -> Cell.text(v.metadata().writeable() ? "writeable" : "read-only")));
        def(t, s, "vg_extendable", r -> vg(r, v -> Cell.flag(v.metadata().resizeable(), "extendable")));
        def(t, s, "vg_exported", r -> vg(r, v -> Cell.flag(v.metadata().exported(), "exported")));
        def(t, s, "vg_autoactivation", r -> vg(r, v -> Cell.flag(!v.metadata().flags().contains("NOAUTOACTIVATE"), "enabled")));
        def(t, s, "vg_partial", r -> vg(r, v -> Cell.flag(v.partial(), "partial")));
        def(t, s, "vg_allocation_policy", r -> vg(r, v -> Cell.text(v.metadata().allocationPolicy())));
        def(t, s, "vg_clustered", r -> vg(r, v -> Cell.flag(v.metadata().clustered(), "clustered")));
        def(t, s, "vg_shared", r -> vg(r, v -> Cell.flag(v.metadata().shared(), "shared")));
        def(t, s, "vg_size", r -> vgSize(r, v -> extentCount(v) * extentBytes(v)));
        def(t, s, "vg_free", r -> vgSize(r, v -> freeCount(r, v) * extentBytes(v)));
        def(t, s, "vg_sysid", r -> vg(r, v -> Cell.text(v.metadata().systemId())));
        def(t, s, "vg_systemid", r -> vg(r, v -> Cell.text(v.metadata().systemId())));
        def(t, s, "vg_lock_type", r -> vg(r, v -> Cell.text(v.metadata().lockType())));
        def(t, s, "vg_lock_args", r -> vg(r, v -> Cell.text(v.metadata().lockArgs())));
        def(t, s, "vg_extent_size", r -> vgSize(r, Fields::extentBytes));
        def(t, s, "vg_extent_count", r -> vgNum(r, Fields::extentCount));
        def(t, s, "vg_free_count", r -> vgNum(r, v -> freeCount(r, v)));
        def(t, s, "max_lv", r -> vgNum(r, v -> v.metadata().maxLv()));
        def(t, s, "max_pv", r -> vgNum(r, v -> v.metadata().maxPv()));
        def(t, s, "pv_count", r -> vgNum(r, v -> (long) v.pvs().size()));
        def(t, s, "vg_missing_pv_count", r -> vgNum(r, VgView::missingPvCount));
        def(t, s, "lv_count", r -> vgNum(r, v -> relations(r, v).visibleLvCount()));
        def(t, s, "snap_count", r -> vgNum(r, v -> relations(r, v).snapshotCount()));
        def(t, s, "vg_seqno", r -> vgNum(r, v -> v.metadata().seqno()));
        def(t, s, "vg_tags", r -> vg(r, v -> Cell.text(tags(v.metadata().tags()))));
        def(t, s, "vg_profile", r -> vg(r, v -> Cell.text(v.metadata().profile())));
        def(t, s, "vg_mda_count", r -> vgNum(r, VgView::mdaCount));
        def(t, s, "vg_mda_used_count", r -> vgNum(r, VgView::mdaUsedCount));
        def(t, s, "vg_mda_size", r -> vgSize(r, v -> v.pvs().stream().filter(p -> !p.missing())
                .mapToLong(p -> PvCounts.mdaSize(p.device())).filter(x -> x > 0).min().orElse(0)));
        def(t, s, "vg_mda_free", r -> vgSize(r, v -> v.pvs().stream().filter(p -> !p.missing() && PvCounts.mdaCount(p.device()) > 0)
                .mapToLong(p -> PvCounts.mdaFree(p.device())).min().orElse(0)));
        def(t, s, "vg_mda_copies", r -> vg(r, v -> Cell.text(v.metadata().metadataCopies() == 0 ? "unmanaged"
                : Long.toString(v.metadata().metadataCopies()))));
    }

    private static LvRelations relations(Row r, VgView v) {
        return r.relations() != null ? r.relations() : new LvRelations(v);
    }

    private static Cell vg(Row r, Function<VgView, Cell> f) {
        return r.vg() == null ? Cell.EMPTY : f.apply(r.vg());
    }

    private static Cell vgNum(Row r, Function<VgView, Long> f) {
        return r.vg() == null ? new Cell.Num(-1, true) : new Cell.Num(f.apply(r.vg()));
    }

    private static Cell vgSize(Row r, Function<VgView, Long> f) {
        return r.vg() == null ? new Cell.Size(0) : new Cell.Size(f.apply(r.vg()));
    }

    private static long extentCount(VgView v) {
        return v.metadata().pvs().stream().mapToLong(PvMetadata::peCount).sum();
    }

    private static long freeCount(Row r, VgView v) {
        LvRelations rel = relations(r, v);
        long free = 0;
        for (PvMetadata pv : v.metadata().pvs()) {
            free += pv.peCount() - rel.allocatedExtents(pv.key());
        }
        return free;
    }

    private static String vgAttr(VgView v) {
        VgMetadata m = v.metadata();
        return "" + (m.writeable() ? 'w' : 'r') + (m.resizeable() ? 'z' : '-') + (m.exported() ? 'x' : '-')
                + (v.partial() ? 'p' : '-') + LvRelations.allocChar(m.allocationPolicy())
                + (m.clustered() ? 'c' : m.shared() ? 's' : '-');
    }

    // ---- LV -------------------------------------------------------------------------------

    private void defineLv(Map<String, String[]> t) {
        ReportType s = ReportType.LV;
        def(t, s, "lv_uuid", r -> Cell.text(r.lv().id()));
        def(t, s, "lv_name", r -> new Cell.Text(r.relations().displayName(r.lv().name()), r.lv().name()));
        def(t, s, "lv_full_name", r -> Cell.text(r.vg().name() + "/" + r.lv().name()));
        def(t, s, "lv_path", r -> Cell.text(r.lv().visible() ? "/dev/" + r.vg().name() + "/" + r.lv().name() : ""));
        def(t, s, "lv_dm_path", r -> Cell.text("/dev/mapper/" + r.vg().name().replace("-", "--") + "-" + r.lv().name().replace("-", "--")));
        def(t, s, "lv_layout", r -> Cell.text(String.join(",", r.relations().layout(r.lv()))));
        def(t, s, "lv_role", r -> Cell.text(String.join(",", r.relations().role(r.lv()))));
        def(t, s, "lv_allocation_policy", r -> Cell.text(r.lv().allocationPolicy().isEmpty() ? "inherit" : r.lv().allocationPolicy()));
        def(t, s, "lv_allocation_locked", r -> Cell.flag(r.lv().status().contains("LOCKED"), "allocation locked"));
        def(t, s, "lv_fixed_minor", r -> Cell.flag(r.lv().status().contains("FIXED_MINOR"), "fixed minor"));
        def(t, s, "lv_skip_activation", r -> Cell.flag(r.lv().flags().contains("ACTIVATION_SKIP"), "skip activation"));
        def(t, s, "lv_autoactivation", r -> Cell.flag(!r.lv().flags().contains("NOAUTOACTIVATE"), "enabled"));
        def(t, s, "lv_attr", r -> Cell.text(r.relations().attr(r.lv())));
        def(t, s, "lv_major", r -> new Cell.Num(r.lv().major()));
        def(t, s, "lv_minor", r -> new Cell.Num(r.lv().minor()));
        def(t, s, "lv_read_ahead", r -> r.lv().readAhead() < 0 ? Cell.text("auto") : new Cell.Size(r.lv().readAhead() * 512));
        def(t, s, "lv_size", r -> new Cell.Size(r.lv().extents() * extentBytes(r.vg())));
        def(t, s, "seg_count", r -> new Cell.Num(r.lv().segments().size()));
        def(t, s, "origin", r -> Cell.text(r.relations().origin(r.lv())));
        def(t, s, "pool_lv", r -> Cell.text(r.relations().poolLv(r.lv())));
        def(t, s, "data_lv", r -> Cell.text(r.relations().dataLv(r.lv())));
        def(t, s, "metadata_lv", r -> Cell.text(r.relations().metadataLv(r.lv())));
        def(t, s, "mirror_log", r -> Cell.text(r.relations().mirrorLog(r.lv())));
        def(t, s, "move_pv", r -> Cell.EMPTY);
        def(t, s, "convert_lv", r -> Cell.EMPTY);
        // Percentages come from the kernel's target status; without it lvm2 prints nothing.
        // Activation state is the kernel's; lvm2 without device-mapper prints it empty.
        def(t, s, "lv_active", r -> Cell.EMPTY);
        def(t, s, "data_percent", r -> Cell.EMPTY);
        def(t, s, "metadata_percent", r -> Cell.EMPTY);
        def(t, s, "copy_percent", r -> Cell.EMPTY);
        def(t, s, "snap_percent", r -> Cell.EMPTY);
        def(t, s, "lv_tags", r -> Cell.text(tags(r.lv().tags())));
        def(t, s, "lv_profile", r -> Cell.text(r.lv().profile()));
        def(t, s, "lv_lockargs", r -> Cell.text(r.lv().lockArgs()));
        def(t, s, "lv_time", r -> Cell.text(r.lv().creationTime() == 0 ? ""
                : LV_TIME.format(Instant.ofEpochSecond(r.lv().creationTime()).atZone(zone))));
        def(t, s, "lv_host", r -> Cell.text(r.lv().creationHost()));
    }

    // ---- SEG ------------------------------------------------------------------------------

    private void defineSeg(Map<String, String[]> t) {
        ReportType s = ReportType.SEG;
        def(t, s, "segtype", r -> Cell.text(segtype(r.seg())));
        def(t, s, "stripes", r -> new Cell.Num(stripes(r.seg())));
        def(t, s, "data_stripes", r -> new Cell.Num(stripes(r.seg())));
        def(t, s, "stripe_size", r -> new Cell.Size(r.seg().stripeSize() * 512));
        def(t, s, "region_size", r -> new Cell.Size(r.seg().regionSize() * 512));
        def(t, s, "chunk_size", r -> new Cell.Size(r.seg().chunkSize() * 512));
        def(t, s, "seg_start", r -> new Cell.Size(r.seg().startExtent() * extentBytes(r.vg())));
        def(t, s, "seg_start_pe", r -> new Cell.Num(r.seg().startExtent()));
        def(t, s, "seg_size", r -> new Cell.Size(r.seg().extentCount() * extentBytes(r.vg())));
        def(t, s, "seg_size_pe", r -> new Cell.Num(r.seg().extentCount()));
        def(t, s, "seg_tags", r -> Cell.text(tags(r.seg().tags())));
        def(t, s, "devices", r -> Cell.text(devices(r, r.seg().areas(), false)));
        def(t, s, "metadata_devices", r -> Cell.text(String.join(",", r.seg().metaAreas().stream().map(m -> m + "(0)").toList())));
        def(t, s, "seg_pe_ranges", r -> Cell.text(devices(r, r.seg().areas(), true)));
        def(t, s, "cache_mode", r -> Cell.text(r.seg().string("cache_mode").orElse("")));
        def(t, s, "cache_policy", r -> Cell.text(r.seg().string("policy").orElse("")));
        def(t, s, "discards", r -> Cell.text(r.seg().string("discards").orElse("")));
        def(t, s, "transaction_id", r -> r.seg().number("transaction_id").map(n -> (Cell) new Cell.Num(n)).orElse(Cell.EMPTY));
        def(t, s, "thin_id", r -> r.seg().number("device_id").map(n -> (Cell) new Cell.Num(n)).orElse(Cell.EMPTY));
    }

    private static String segtype(Segment seg) {
        if (seg.type().equals("striped") && seg.areas().size() == 1) {
            return "linear";
        }
        return seg.type();
    }

    private static long stripes(Segment seg) {
        if (seg.type().equals("thin") || seg.type().equals("error") || seg.type().equals("zero") || seg.type().equals("snapshot")) {
            return seg.areas().size();
        }
        return Math.max(1, seg.areas().size());
    }

    /** lvm2's devices ({@code dev(startPE)}) and seg_pe_ranges ({@code dev:first-last}) for a segment's areas. */
    private static String devices(Row r, List<SegmentArea> areas, boolean ranges) {
        List<String> out = new ArrayList<>();
        long perArea = areas.isEmpty() ? 0 : r.seg().extentCount() / areas.size();
        for (SegmentArea a : areas) {
            String name;
            long start;
            if (a instanceof SegmentArea.OnPv p) {
                VgPv pv = r.vg().pvs().stream().filter(x -> x.meta().key().equals(p.pvKey())).findFirst().orElse(null);
                name = pv == null || pv.missing() ? "[unknown]" : pv.device().device();
                start = p.startExtent();
            } else {
                SegmentArea.OnLv l = (SegmentArea.OnLv) a;
                name = l.lvName();
                start = l.startExtent();
            }
            if (ranges) {
                long len = a instanceof SegmentArea.OnPv ? perArea : r.seg().extentCount();
                out.add(name + ":" + start + "-" + (start + len - 1));
            } else {
                out.add(name + "(" + start + ")");
            }
        }
        // lvm2 joins devices with ',' but PE ranges with ' ' (they were once pvmove arguments).
        return String.join(ranges ? " " : ",", out);
    }

    /** lvm2 sorts tag lists when it prints them. */
    private static String tags(List<String> tags) {
        List<String> sorted = new ArrayList<>(tags);
        Collections.sort(sorted);
        return String.join(",", sorted);
    }
}
