package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.PvCounts;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.metadata.LvMetadata;
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
import java.time.ZonedDateTime;
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
 *
 * <p>Every field is a total function of the model except for one deliberate case: a size or
 * count that metadata makes impossible (negative, or past 2^63 bytes) is an
 * {@link ArithmeticException} naming the VG and the value, never a wrapped number. lvm2 itself
 * refuses such metadata when it validates a VG, so the report builder reports that VG as lvm2
 * reports a VG it cannot process, and the other VGs are untouched. VG-wide figures come from
 * {@link LvRelations#totals()}, computed once per VG, so no row loops over the VG's PVs.
 */
public final class Fields {
    /** Seconds in 400 Gregorian years: the calendar repeats exactly after it. */
    private static final long GREGORIAN_CYCLE_SECONDS = 146_097L * 86_400;
    /** Epoch seconds java.time formats in any zone (its limit is about 3.16e16, year 1e9). */
    private static final long JAVA_TIME_SAFE_SECONDS = 30_000_000_000_000_000L;

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
        def(t, s, "pv_used", r -> new Cell.Size(r.pv().inVg() ? bytes(allocated(r.pv()), extentBytes(r.pv().vg()), "pv_used", r.pv().vg()) : 0));
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
        def(t, s, "pv_ba_start", r -> new Cell.Size(r.pv().inVg() ? bytes(r.pv().vgPv().meta().baStart(), 512, "ba_start", r.pv().vg()) : 0));
        def(t, s, "pv_ba_size", r -> new Cell.Size(r.pv().inVg() ? bytes(r.pv().vgPv().meta().baSize(), 512, "ba_size", r.pv().vg()) : 0));
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
        return bytes(vg.metadata().extentSize(), 512, "extent_size", vg);
    }

    /**
     * {@code count * unitBytes}, or an {@link ArithmeticException} naming the VG when the metadata
     * makes it impossible (a negative count, or a product past 2^63): lvm2 would not process such
     * a VG, and a wrapped number would print as a plausible size.
     */
    static long bytes(long count, long unitBytes, String what, VgView vg) {
        if (count < 0) {
            throw new ArithmeticException("VG " + vg.name() + ": " + what + " is negative (" + count + ")");
        }
        try {
            return Math.multiplyExact(count, unitBytes);
        } catch (ArithmeticException e) {
            throw new ArithmeticException("VG " + vg.name() + ": " + what + " of " + count + " x " + unitBytes + " bytes exceeds 2^63");
        }
    }

    private static long allocated(PvEntry p) {
        return p.relations().allocatedExtents(p.vgPv().meta().key());
    }

    private static long pvSize(PvEntry p) {
        return switch (p.kind()) {
            case IN_VG, MISSING -> p.vgPv().meta().peCount() > 0 ? bytes(p.vgPv().meta().peCount(), extentBytes(p.vg()), "pv_size", p.vg())
                    : p.devSize();
            case ORPHAN, UNKNOWN_VG -> p.scan().label().deviceSize();
            case DUPLICATE, NOT_PV -> 0;
        };
    }

    private static long pvFree(PvEntry p) {
        return switch (p.kind()) {
            case IN_VG, MISSING -> bytes(p.vgPv().meta().peCount() - allocated(p), extentBytes(p.vg()),
                    "pv_free of " + p.vgPv().meta().key(), p.vg());
            case ORPHAN -> p.scan().label().deviceSize();
            case UNKNOWN_VG, DUPLICATE, NOT_PV -> 0;
        };
    }

    private static long peStart(PvEntry p) {
        return switch (p.kind()) {
            case IN_VG, MISSING -> bytes(p.vgPv().meta().peStart(), 512, "pe_start of " + p.vgPv().meta().key(), p.vg());
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
        def(t, s, "vg_attr", r -> vg(r, v -> Cell.text(vgAttr(v, totals(r, v)))));
        def(t, s, "vg_permissions", r -> vg(r, v -> Cell.text(v.metadata().writeable() ? "writeable" : "read-only")));
        def(t, s, "vg_extendable", r -> vg(r, v -> Cell.flag(v.metadata().resizeable(), "extendable")));
        def(t, s, "vg_exported", r -> vg(r, v -> Cell.flag(v.metadata().exported(), "exported")));
        def(t, s, "vg_autoactivation", r -> vg(r, v -> Cell.flag(!v.metadata().flags().contains("NOAUTOACTIVATE"), "enabled")));
        def(t, s, "vg_partial", r -> vg(r, v -> Cell.flag(totals(r, v).missingPvCount() > 0, "partial")));
        def(t, s, "vg_allocation_policy", r -> vg(r, v -> Cell.text(v.metadata().allocationPolicy())));
        def(t, s, "vg_clustered", r -> vg(r, v -> Cell.flag(v.metadata().clustered(), "clustered")));
        def(t, s, "vg_shared", r -> vg(r, v -> Cell.flag(v.metadata().shared(), "shared")));
        def(t, s, "vg_size", r -> vgSize(r, v -> bytes(totals(r, v).extentCount(), extentBytes(v), "vg_size", v)));
        def(t, s, "vg_free", r -> vgSize(r, v -> bytes(totals(r, v).freeCount(), extentBytes(v), "vg_free", v)));
        def(t, s, "vg_sysid", r -> vg(r, v -> Cell.text(v.metadata().systemId())));
        def(t, s, "vg_systemid", r -> vg(r, v -> Cell.text(v.metadata().systemId())));
        def(t, s, "vg_lock_type", r -> vg(r, v -> Cell.text(v.metadata().lockType())));
        def(t, s, "vg_lock_args", r -> vg(r, v -> Cell.text(v.metadata().lockArgs())));
        def(t, s, "vg_extent_size", r -> vgSize(r, Fields::extentBytes));
        def(t, s, "vg_extent_count", r -> vgNum(r, v -> totals(r, v).extentCount()));
        def(t, s, "vg_free_count", r -> vgNum(r, v -> totals(r, v).freeCount()));
        def(t, s, "max_lv", r -> vgNum(r, v -> v.metadata().maxLv()));
        def(t, s, "max_pv", r -> vgNum(r, v -> v.metadata().maxPv()));
        def(t, s, "pv_count", r -> vgNum(r, v -> (long) v.pvs().size()));
        def(t, s, "vg_missing_pv_count", r -> vgNum(r, v -> totals(r, v).missingPvCount()));
        def(t, s, "lv_count", r -> vgNum(r, v -> relations(r, v).visibleLvCount()));
        def(t, s, "snap_count", r -> vgNum(r, v -> relations(r, v).snapshotCount()));
        def(t, s, "vg_seqno", r -> vgNum(r, v -> v.metadata().seqno()));
        def(t, s, "vg_tags", r -> vg(r, v -> Cell.text(tags(v.metadata().tags()))));
        def(t, s, "vg_profile", r -> vg(r, v -> Cell.text(v.metadata().profile())));
        def(t, s, "vg_mda_count", r -> vgNum(r, v -> totals(r, v).mdaCount()));
        def(t, s, "vg_mda_used_count", r -> vgNum(r, v -> totals(r, v).mdaUsedCount()));
        def(t, s, "vg_mda_size", r -> vgSize(r, v -> totals(r, v).mdaSize()));
        def(t, s, "vg_mda_free", r -> vgSize(r, v -> totals(r, v).mdaFree()));
        def(t, s, "vg_mda_copies", r -> vg(r, v -> Cell.text(v.metadata().metadataCopies() == 0 ? "unmanaged"
                : Long.toString(v.metadata().metadataCopies()))));
    }

    private static LvRelations relations(Row r, VgView v) {
        return r.relations() != null ? r.relations() : new LvRelations(v);
    }

    private static LvRelations.VgTotals totals(Row r, VgView v) {
        return relations(r, v).totals();
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

    private static String vgAttr(VgView v, LvRelations.VgTotals totals) {
        VgMetadata m = v.metadata();
        return "" + (m.writeable() ? 'w' : 'r') + (m.resizeable() ? 'z' : '-') + (m.exported() ? 'x' : '-')
                + (totals.missingPvCount() > 0 ? 'p' : '-') + LvRelations.allocChar(m.allocationPolicy())
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
        def(t, s, "lv_read_ahead", r -> r.lv().readAhead() < 0 ? Cell.text("auto") : new Cell.Size(bytes(r.lv().readAhead(), 512, "read_ahead", r.vg())));
        def(t, s, "lv_size", r -> new Cell.Size(bytes(extents(r), extentBytes(r.vg()), "size of LV " + r.lv().name(), r.vg())));
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
        def(t, s, "lv_time", r -> Cell.text(lvTime(r.lv().creationTime(), zone)));
        def(t, s, "lv_host", r -> Cell.text(r.lv().creationHost()));
    }

    /** An LV's extents, summed exactly (LvMetadata.extents() would wrap past 2^63). */
    private static long extents(Row r) {
        long n = 0;
        for (Segment seg : r.lv().segments()) {
            if (seg.extentCount() < 0) {
                throw new ArithmeticException("VG " + r.vg().name() + ": LV " + r.lv().name() + " has a segment of " + seg.extentCount() + " extents");
            }
            try {
                n = Math.addExact(n, seg.extentCount());
            } catch (ArithmeticException e) {
                throw new ArithmeticException("VG " + r.vg().name() + ": extents of LV " + r.lv().name() + " exceed 2^63");
            }
        }
        return n;
    }

    /**
     * lv_time as lvm2 prints it: {@code strftime("%Y-%m-%d %T %z", localtime(&t))}, or "" for 0 and
     * for a time glibc's {@code localtime} cannot represent (its {@code tm_year} is an int, so
     * years past 2147485547 fail and lvm2 prints an empty field). Times past java.time's range
     * (about year 1e9) are shifted by whole 400-year cycles, after which the Gregorian calendar
     * repeats exactly, and the cycles are added back to the year, so any {@code long} formats
     * and nothing throws. Years below 1000 print with four digits as glibc's {@code %Y} does
     * since 2.29 (older glibc printed them unpadded).
     */
    static String lvTime(long seconds, ZoneId zone) {
        if (seconds == 0) {
            return "";
        }
        long cycles = 0;
        if (seconds > JAVA_TIME_SAFE_SECONDS) {
            cycles = Math.floorDiv(seconds - JAVA_TIME_SAFE_SECONDS, GREGORIAN_CYCLE_SECONDS) + 1;
        } else if (seconds < -JAVA_TIME_SAFE_SECONDS) {
            cycles = -(Math.floorDiv(-JAVA_TIME_SAFE_SECONDS - seconds, GREGORIAN_CYCLE_SECONDS) + 1);
        }
        ZonedDateTime t = Instant.ofEpochSecond(seconds - cycles * GREGORIAN_CYCLE_SECONDS).atZone(zone);
        long year = t.getYear() + 400 * cycles;
        long tmYear = year - 1900;
        if (tmYear > Integer.MAX_VALUE || tmYear < Integer.MIN_VALUE) {
            return "";
        }
        // %z: hours and minutes of the offset, seconds dropped (glibc divides tm_gmtoff by 60).
        int offsetMinutes = t.getOffset().getTotalSeconds() / 60;
        char sign = offsetMinutes < 0 ? '-' : '+';
        int abs = Math.abs(offsetMinutes);
        String y = year < 0 ? "-" + pad4(-year) : pad4(year);
        return String.format("%s-%02d-%02d %02d:%02d:%02d %c%02d%02d", y, t.getMonthValue(), t.getDayOfMonth(), t.getHour(),
                t.getMinute(), t.getSecond(), sign, abs / 60, abs % 60);
    }

    private static String pad4(long v) {
        String d = Long.toString(v);
        return d.length() >= 4 ? d : "0".repeat(4 - d.length()) + d;
    }

    // ---- SEG ------------------------------------------------------------------------------

    private void defineSeg(Map<String, String[]> t) {
        ReportType s = ReportType.SEG;
        def(t, s, "segtype", r -> Cell.text(segtype(r.seg())));
        def(t, s, "stripes", r -> new Cell.Num(stripes(r.seg())));
        def(t, s, "data_stripes", r -> new Cell.Num(stripes(r.seg())));
        def(t, s, "stripe_size", r -> new Cell.Size(bytes(r.seg().stripeSize(), 512, "stripe_size", r.vg())));
        def(t, s, "region_size", r -> new Cell.Size(bytes(r.seg().regionSize(), 512, "region_size", r.vg())));
        def(t, s, "chunk_size", r -> new Cell.Size(bytes(r.seg().chunkSize(), 512, "chunk_size", r.vg())));
        def(t, s, "seg_start", r -> new Cell.Size(bytes(r.seg().startExtent(), extentBytes(r.vg()), "start_extent", r.vg())));
        def(t, s, "seg_start_pe", r -> new Cell.Num(r.seg().startExtent()));
        def(t, s, "seg_size", r -> new Cell.Size(bytes(r.seg().extentCount(), extentBytes(r.vg()), "extent_count", r.vg())));
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
                VgPv pv = r.relations().pv(p.pvKey());
                name = pv == null || pv.missing() ? "[unknown]" : pv.device().device();
                start = p.startExtent();
            } else {
                SegmentArea.OnLv l = (SegmentArea.OnLv) a;
                name = l.lvName();
                start = l.startExtent();
            }
            if (ranges) {
                long len = a instanceof SegmentArea.OnPv ? perArea : r.seg().extentCount();
                long last;
                try {
                    last = Math.addExact(start, len) - 1;
                } catch (ArithmeticException e) {
                    throw new ArithmeticException("VG " + r.vg().name() + ": LV " + r.lv().name() + " area " + name + " from extent "
                            + start + " for " + len + " extents ends past 2^63");
                }
                out.add(name + ":" + start + "-" + last);
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
