package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.PvCounts;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.dm.DmState;
import io.lvmcoord.scan.dm.DmStatus;
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
    private final Map<String, String> known = new LinkedHashMap<>();
    private final Map<String, String> descriptions = new LinkedHashMap<>();
    private final Map<String, String> types = new LinkedHashMap<>();
    private final ZoneId zone;
    private final DeviceNumbers deviceNumbers;
    /** The reporting host's device-mapper state; empty where there is no device-mapper (lvm2 then prints 'X' and blanks). */
    private final Optional<DmState> kernel;
    /** lvm.conf activation/monitoring: whether lvm2 asks dmeventd to monitor what it activates (seg_monitor). */
    private final boolean monitoring;
    /** lvmcoord's own fields ({@link LvmcoordFields}): found by name only, never in lvm2's listings. */
    private final Map<String, FieldDef> lvmcoordFields;
    private final ActiveHosts activeHosts;

    /** The hosts where an LV (by VG and LV UUID, dashed) is active, sorted: the cluster activation map. */
    @FunctionalInterface
    public interface ActiveHosts {
        List<String> of(String vgUuid, String lvUuid);

        ActiveHosts NONE = (vg, lv) -> List.of();
    }

    /**
     * A device's major and minor number as the reporting host sees them (pv_major, pv_minor),
     * or empty when the name is not a device node there (an image file, a PV on another host).
     */
    @FunctionalInterface
    public interface DeviceNumbers {
        Optional<long[]> of(String device);

        DeviceNumbers NONE = device -> Optional.empty();
    }

    public Fields(ZoneId zone) {
        this(zone, DeviceNumbers.NONE);
    }

    public Fields(ZoneId zone, DeviceNumbers deviceNumbers) {
        this(zone, deviceNumbers, Optional.empty(), true, ActiveHosts.NONE);
    }

    public Fields(ZoneId zone, DeviceNumbers deviceNumbers, Optional<DmState> kernel) {
        this(zone, deviceNumbers, kernel, true, ActiveHosts.NONE);
    }

    public Fields(ZoneId zone, DeviceNumbers deviceNumbers, ActiveHosts activeHosts) {
        this(zone, deviceNumbers, Optional.empty(), true, activeHosts);
    }

    /**
     * @param kernel      the reporting host's device-mapper state (empty: none, as lvm2 without device-mapper)
     * @param monitoring  lvm.conf activation/monitoring
     * @param activeHosts the cluster activation map, for lv_active_hosts
     */
    public Fields(ZoneId zone, DeviceNumbers deviceNumbers, Optional<DmState> kernel, boolean monitoring, ActiveHosts activeHosts) {
        this.zone = zone;
        this.deviceNumbers = deviceNumbers;
        this.kernel = kernel;
        this.monitoring = monitoring;
        this.activeHosts = activeHosts;
        this.lvmcoordFields = LvmcoordFields.define(activeHosts);
        Map<String, String[]> table = loadTable();
        for (Map.Entry<String, String[]> e : table.entrySet()) {
            known.put(e.getKey(), e.getValue()[0]);
            descriptions.put(e.getKey(), e.getValue()[4]);
            types.put(e.getKey(), e.getValue()[1]);
        }
        definePv(table);
        defineVg(table);
        defineLv(table);
        defineSeg(table);
        definePvSeg(table);
    }

    /** Whether lvm2 files the field under the PV label (pv_name, pv_uuid, dev_size, ...), not the PV. */
    public boolean isLabelField(String id) {
        return "LABEL".equals(known.get(id));
    }

    /** The same fields reading device numbers with {@code numbers} (a report of another host's view reads none). */
    public Fields withDeviceNumbers(DeviceNumbers numbers) {
        return new Fields(zone, numbers, kernel, monitoring, activeHosts);
    }

    /** The same fields computing kernel state from {@code state} (a host's dm devices), or as without device-mapper when empty. */
    public Fields withKernel(Optional<DmState> state) {
        return new Fields(zone, deviceNumbers, state, monitoring, activeHosts);
    }

    /** The same fields with lvm.conf's activation/monitoring ({@code seg_monitor} is empty everywhere when off). */
    public Fields withMonitoring(boolean on) {
        return new Fields(zone, deviceNumbers, kernel, on, activeHosts);
    }

    public Optional<DmState> kernel() {
        return kernel;
    }

    /** The same fields with {@code lv_active_hosts} read from {@code hosts}. */
    public Fields withActiveHosts(ActiveHosts hosts) {
        return new Fields(zone, deviceNumbers, kernel, monitoring, hosts);
    }

    public Optional<FieldDef> find(String id) {
        return Optional.ofNullable(supported.get(id)).or(() -> Optional.ofNullable(lvmcoordFields.get(id)));
    }

    /**
     * libdevmapper's field lookup: the first field, in lvm2's table order, whose id without
     * underscores equals the name without underscores (case ignored), or does after the
     * report's {@code prefix} ({@code lv_}, ...) is taken off the id.
     */
    public Optional<FieldDef> resolve(String name, String prefix) {
        String canon = name.replace("_", "");
        String p = prefix.replace("_", "");
        for (String id : known.keySet()) {
            String cid = id.replace("_", "");
            boolean same = cid.equalsIgnoreCase(canon)
                    || (cid.regionMatches(true, 0, p, 0, p.length()) && cid.substring(p.length()).equalsIgnoreCase(canon));
            if (same && supported.containsKey(id)) {
                return Optional.of(supported.get(id));
            }
        }
        return LvmcoordFields.resolve(lvmcoordFields, name, prefix);
    }

    public List<String> supportedIds() {
        return List.copyOf(supported.keySet());
    }

    /**
     * What {@code -o all} means for a report: every field of lvm2's table whose kind the report
     * shows, in the table's order (lvm2 2.03.16: pvs shows LABEL and PVS fields, pvs --segments
     * LABEL and PVSEGS, vgs VGS, lvs the LV kinds then VGS, lvs --segments LVS, VGS and SEGS).
     */
    public List<String> allIds(ReportType type) {
        List<String> kinds = switch (type) {
            case PV -> List.of("LABEL", "PVS");
            case PVSEG -> List.of("LABEL", "PVSEGS");
            case VG -> List.of("VGS");
            case LV -> List.of("LVS", "LVSINFO", "LVSSTATUS", "LVSINFOSTATUS", "VGS");
            case SEG -> List.of("LVS", "VGS", "SEGS");
        };
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : known.entrySet()) {
            if (kinds.contains(e.getValue())) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /**
     * {@code lv_all}, {@code pv_all}, {@code vg_all}, {@code seg_all}, {@code pvseg_all}: every
     * field of the kinds lvm2 gives that prefix (lv: the LV kinds; pv: PVS and LABEL), in the
     * table's order; empty for any other name.
     */
    public Optional<List<String>> prefixedAll(String name) {
        List<String> kinds = switch (name.replace("_", "").toLowerCase(java.util.Locale.ROOT)) {
            case "lvall" -> List.of("LVS", "LVSINFO", "LVSSTATUS", "LVSINFOSTATUS");
            case "pvall" -> List.of("PVS", "LABEL");
            case "vgall" -> List.of("VGS");
            case "segall" -> List.of("SEGS");
            case "pvsegall" -> List.of("PVSEGS");
            default -> null;
        };
        if (kinds == null) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : known.entrySet()) {
            if (kinds.contains(e.getValue())) {
                out.add(e.getKey());
            }
        }
        return Optional.of(out);
    }

    /** lvm2's sections of {@code -o help}, in its order: report kind, title, and the name of its "all" entry. */
    private static final List<String[]> HELP_SECTIONS = List.of(
            new String[]{"LVS", "Logical Volume Fields", "lv_all"},
            new String[]{"LVSINFO", "Logical Volume Device Info Fields", "lv_all"},
            new String[]{"LVSSTATUS", "Logical Volume Device Status Fields", "lv_all"},
            new String[]{"LVSINFOSTATUS", "Logical Volume Device Info and Status Combined Fields", "lv_all"},
            new String[]{"LABEL", "Physical Volume Label Fields", "pv_all"},
            new String[]{"PVS", "Physical Volume Fields", "pv_all"},
            new String[]{"VGS", "Volume Group Fields", "vg_all"},
            new String[]{"SEGS", "Logical Volume Segment Fields", "seg_all"},
            new String[]{"PVSEGS", "Physical Volume Segment Fields", "pvseg_all"});

    /**
     * What lvm2 prints for {@code -o help} (and before "Unrecognised field" when a field is
     * unknown): every field by section with its description, then the special fields. The same
     * for pvs, vgs and lvs. Lines without their line ends, for stderr.
     */
    public List<String> helpLines() {
        return listing(false).stream().map(l -> "  " + l).toList();
    }

    /**
     * The field listing lvm2 prints before an unknown or uncomparable selection field: as
     * {@link #helpLines()} but without the "all" entries, each field followed by its selection
     * type, and without the two-blank indent (the selection error adds it).
     */
    public List<String> selectionListing() {
        List<String> l = new ArrayList<>(listing(true));
        // lvm2 ends this listing without the blank line that closes its sections in -o help.
        l.remove(l.size() - 1);
        return l;
    }

    /** The time zone lv_time prints in (and selection's times are read in). */
    public ZoneId zone() {
        return zone;
    }

    private List<String> listing(boolean forSelection) {
        int width = 0;
        for (String id : known.keySet()) {
            width = Math.max(width, id.length());
        }
        List<String> out = new ArrayList<>();
        for (String[] section : HELP_SECTIONS) {
            out.add(section[1]);
            out.add("-".repeat(section[1].length()));
            if (!forSelection) {
                out.add(helpLine(section[2], "All fields in this section.", width, null));
            }
            for (Map.Entry<String, String> e : known.entrySet()) {
                if (e.getValue().equals(section[0])) {
                    String type = forSelection ? selectType(e.getKey()).kind().displayName() : null;
                    out.add(helpLine(e.getKey(), descriptions.get(e.getKey()), width, type));
                }
            }
            out.add(" ");
        }
        out.add("Special Fields");
        out.add("--------------");
        out.add(helpLine("selected", "Set if item passes selection criteria.", width, forSelection ? "number" : null));
        out.add(helpLine("help", "Show help.", width, forSelection ? "unselectable number" : null));
        out.add(helpLine("?", "Show help.", width, forSelection ? "unselectable number" : null));
        out.add(" ");
        return out;
    }

    private static String helpLine(String id, String description, int width, String type) {
        return "  " + id + " ".repeat(Math.max(0, width - id.length() + 1)) + "- " + description + (type == null ? "" : " [" + type + "]");
    }

    /** A field's type as selection compares it (lvm2's table type). */
    public io.lvmcoord.coordinator.report.select.FieldType selectType(String id) {
        return io.lvmcoord.coordinator.report.select.FieldType.valueOf(types.get(id));
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
                table.putIfAbsent(p[0], new String[]{p[1], p[2], p[3], p[4], p.length > 5 ? p[5] : ""});
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
        // The device number of the PV's device node on the reporting host; 0:0 for a missing PV
        // (as lvm2) and for a name that is not a device node here (an image file).
        def(t, s, "pv_major", r -> Cell.text(Long.toString(deviceNumber(r.pv(), 0))));
        def(t, s, "pv_minor", r -> Cell.text(Long.toString(deviceNumber(r.pv(), 1))));
        def(t, s, "pv_device_id", r -> Cell.text(r.pv().inVg() ? r.pv().vgPv().meta().deviceId() : ""));
        def(t, s, "pv_device_id_type", r -> Cell.text(r.pv().inVg() ? r.pv().vgPv().meta().deviceIdType() : ""));
    }

    private long deviceNumber(PvEntry p, int part) {
        if (p.kind() == PvEntry.Kind.MISSING) {
            return 0;
        }
        return deviceNumbers.of(p.name()).map(n -> n[part]).orElse(0L);
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
        def(t, s, "lv_name", r -> new Cell.Text(r.relations().displayName(r.lv()), r.lv().name()));
        def(t, s, "lv_full_name", r -> Cell.text(r.vg().name() + "/" + r.lv().name()));
        def(t, s, "lv_path", r -> Cell.text(r.relations().visible(r.lv()) && !r.relations().thinPool(r.lv())
                ? "/dev/" + r.vg().name() + "/" + r.lv().name() : ""));
        def(t, s, "lv_dm_path", r -> Cell.text("/dev/mapper/" + r.vg().name().replace("-", "--") + "-" + r.lv().name().replace("-", "--")));
        def(t, s, "lv_parent", r -> Cell.text(r.relations().parent(r.lv())));
        def(t, s, "lv_layout", r -> Cell.text(String.join(",", r.relations().layout(r.lv()))));
        def(t, s, "lv_role", r -> Cell.text(String.join(",", r.relations().role(r.lv()))));
        def(t, s, "lv_initial_image_sync", r -> Cell.flag(r.relations().initialImageSync(r.lv()), "initial image sync"));
        // Whether an image is in sync is the kernel's answer; without it lvm2 says no.
        def(t, s, "lv_image_synced", r -> kernelText(r, k -> imageSynced(r, k) ? "image synced" : ""));
        def(t, s, "lv_merging", r -> Cell.flag(r.relations().merging(r.lv()), "merging"));
        def(t, s, "lv_converting", r -> Cell.flag(r.relations().converting(r.lv()), "converting"));
        def(t, s, "lv_allocation_policy", r -> Cell.text(historical(r) ? "unknown"
                : r.lv().allocationPolicy().isEmpty() ? "inherit" : r.lv().allocationPolicy()));
        def(t, s, "lv_allocation_locked", r -> Cell.flag(r.lv().status().contains("LOCKED"), "allocation locked"));
        def(t, s, "lv_fixed_minor", r -> Cell.flag(r.lv().status().contains("FIXED_MINOR"), "fixed minor"));
        def(t, s, "lv_skip_activation", r -> Cell.flag(r.lv().flags().contains("ACTIVATION_SKIP"), "skip activation"));
        def(t, s, "lv_autoactivation", r -> Cell.flag(!r.lv().flags().contains("NOAUTOACTIVATE"), "enabled"));
        def(t, s, "lv_when_full", r -> Cell.text(r.relations().whenFull(r.lv())));
        // Activation state is the kernel's; lvm2 without device-mapper prints it empty. Nothing
        // is active "remotely" on a host's own view (lvm2 has no cluster-wide answer).
        def(t, s, "lv_active", r -> kernelText(r, k -> k.active(r.lv()) ? "active" : ""));
        def(t, s, "lv_active_locally", r -> kernelText(r, k -> k.active(r.lv()) ? "active locally" : ""));
        def(t, s, "lv_active_remotely", r -> Cell.EMPTY);
        def(t, s, "lv_active_exclusively", r -> kernelText(r, k -> k.active(r.lv()) ? "active exclusively" : ""));
        def(t, s, "lv_major", r -> new Cell.Num(r.lv().major()));
        def(t, s, "lv_minor", r -> new Cell.Num(r.lv().minor()));
        def(t, s, "lv_read_ahead", r -> readAhead(r));
        def(t, s, "lv_size", r -> new Cell.Size(bytes(r.relations().extents(r.lv()), extentBytes(r.vg()), "size of LV " + r.lv().name(), r.vg())));
        def(t, s, "lv_metadata_size", r -> r.relations().metadataSectors(r.lv()).isPresent()
                ? new Cell.Size(bytes(r.relations().metadataSectors(r.lv()).getAsLong(), 512, "metadata size", r.vg())) : Cell.EMPTY);
        def(t, s, "seg_count", r -> new Cell.Num(historical(r) ? 1 : r.lv().segments().size()));
        def(t, s, "origin", r -> Cell.text(r.relations().origin(r.lv())));
        def(t, s, "origin_uuid", r -> Cell.text(r.relations().originUuid(r.lv())));
        def(t, s, "origin_size", r -> {
            long ext = r.relations().originExtents(r.lv());
            return ext == 0 ? Cell.EMPTY : new Cell.Size(bytes(ext, extentBytes(r.vg()), "origin_size", r.vg()));
        });
        def(t, s, "lv_ancestors", r -> Cell.text(String.join(",", r.relations().ancestors(r.lv(), false, r.relations().includeHistory()))));
        def(t, s, "lv_full_ancestors", r -> Cell.text(String.join(",", r.relations().ancestors(r.lv(), true, r.relations().includeHistory()))));
        def(t, s, "lv_descendants", r -> Cell.text(String.join(",", r.relations().descendants(r.lv(), false, r.relations().includeHistory()))));
        def(t, s, "lv_full_descendants", r -> Cell.text(String.join(",", r.relations().descendants(r.lv(), true, r.relations().includeHistory()))));
        // Mismatches and the sync action are the kernel's raid status: empty without it.
        def(t, s, "raid_mismatch_count", r -> {
            DmStatus.Raid raid = raidStatus(r);
            return raid == null ? Cell.EMPTY : new Cell.Num(raid.mismatchCount());
        });
        def(t, s, "raid_sync_action", r -> {
            DmStatus.Raid raid = raidStatus(r);
            return raid == null || raid.syncAction() == null ? Cell.EMPTY : Cell.text(raid.syncAction());
        });
        def(t, s, "raid_write_behind", r -> raidNumber(r, "writebehind"));
        def(t, s, "raid_min_recovery_rate", r -> raidNumber(r, "min_recovery_rate"));
        def(t, s, "raid_max_recovery_rate", r -> raidNumber(r, "max_recovery_rate"));
        def(t, s, "raidintegritymode", r -> {
            Segment is = r.relations().integritySettings(r.lv());
            String mode = is == null ? "" : is.string("mode").orElse("");
            return Cell.text(mode.startsWith("B") ? "bitmap" : mode.startsWith("J") ? "journal" : "");
        });
        def(t, s, "raidintegrityblocksize", r -> {
            Segment is = r.relations().integritySettings(r.lv());
            return new Cell.Num(is == null ? -1 : is.number("block_size").orElse(0L));
        });
        def(t, s, "integritymismatches", r -> Cell.EMPTY);
        // pvmove is not modelled as a running operation: the metadata of a pvmove in progress
        // names its source PV through the temporary LV's first area.
        def(t, s, "move_pv", r -> Cell.text(movePv(r, false)));
        def(t, s, "move_pv_uuid", r -> Cell.text(movePv(r, true)));
        def(t, s, "convert_lv", r -> Cell.text(r.relations().convertLv(r.lv())));
        def(t, s, "convert_lv_uuid", r -> Cell.text(r.relations().convertLvUuid(r.lv())));
        def(t, s, "mirror_log", r -> Cell.text(r.relations().mirrorLog(r.lv())));
        def(t, s, "mirror_log_uuid", r -> Cell.text(r.relations().mirrorLogUuid(r.lv())));
        def(t, s, "data_lv", r -> Cell.text(r.relations().dataLv(r.lv())));
        def(t, s, "data_lv_uuid", r -> Cell.text(r.relations().dataLvUuid(r.lv())));
        def(t, s, "metadata_lv", r -> Cell.text(r.relations().metadataLv(r.lv())));
        def(t, s, "metadata_lv_uuid", r -> Cell.text(r.relations().metadataLvUuid(r.lv())));
        def(t, s, "pool_lv", r -> Cell.text(r.relations().poolLv(r.lv())));
        def(t, s, "pool_lv_uuid", r -> Cell.text(r.relations().poolLvUuid(r.lv())));
        def(t, s, "lv_tags", r -> Cell.text(tags(r.lv().tags())));
        def(t, s, "lv_profile", r -> Cell.text(r.lv().profile()));
        def(t, s, "lv_lockargs", r -> Cell.text(r.lv().lockArgs()));
        def(t, s, "lv_time", r -> Cell.text(lvTime(r.lv().creationTime(), zone)));
        def(t, s, "lv_time_removed", r -> Cell.text(lvTime(r.relations().removalTime(r.lv()), zone)));
        def(t, s, "lv_host", r -> Cell.text(r.lv().creationHost()));
        def(t, s, "lv_modules", r -> Cell.text(String.join(",", r.relations().modules(r.lv()))));
        def(t, s, "lv_historical", r -> Cell.flag(historical(r), "historical"));
        def(t, s, "writecache_block_size", r -> new Cell.Num(r.relations().writecache(r.lv())
                ? r.lv().firstSegment().number("writecache_block_size").filter(n -> n != 0).orElse(-1L) : -1));
        // ---- LVSINFO and LVSSTATUS: the kernel's view of the LV, as lvm2 prints it when
        // device-mapper answers nothing (numbers -1, flags "unknown", status values empty).
        def(t, s, "lv_kernel_major", r -> kernelInfoNum(r, KernelStatus.Info::major));
        def(t, s, "lv_kernel_minor", r -> kernelInfoNum(r, KernelStatus.Info::minor));
        def(t, s, "lv_kernel_read_ahead", r -> {
            KernelStatus.LvStatus st = status(r);
            return st == null || !st.info().exists() ? new Cell.Num(-1) : new Cell.Size(st.info().readAhead() * 512);
        });
        def(t, s, "lv_permissions", r -> {
            KernelStatus.LvStatus st = status(r);
            if (st == null || r.lv().status().contains("PVMOVE") || !r.lv().status().contains("WRITE")) {
                return Cell.text(r.relations().permissions(r.lv()));
            }
            return Cell.text(!st.info().exists() ? "unknown" : st.info().readOnly() ? "read-only-override" : "writeable");
        });
        def(t, s, "lv_suspended", r -> infoFlag(r, KernelStatus.Info::suspended, "suspended"));
        def(t, s, "lv_live_table", r -> infoFlag(r, KernelStatus.Info::liveTable, "live table present"));
        def(t, s, "lv_inactive_table", r -> infoFlag(r, KernelStatus.Info::inactiveTable, "inactive table present"));
        def(t, s, "lv_device_open", r -> infoFlag(r, i -> i.openCount() > 0, "open"));
        def(t, s, "lv_check_needed", r -> {
            KernelStatus.LvStatus st = status(r);
            if (st != null && st.status() instanceof DmStatus.ThinPool tp && st.segType() == KernelStatus.SegType.PARSED
                    && r.relations().thinPool(r.lv())) {
                return Cell.flag(tp.needsCheck(), "check needed");
            }
            if (st != null && st.status() instanceof DmStatus.Cache c && st.segType() == KernelStatus.SegType.PARSED
                    && r.relations().cache(r.lv())) {
                return Cell.flag(c.needsCheck(), "check needed");
            }
            return Cell.text("unknown");
        });
        def(t, s, "lv_merge_failed", r -> snapshotFlag(r, DmStatus.Snapshot::mergeFailed, "merge failed"));
        def(t, s, "lv_snapshot_invalid", r -> snapshotFlag(r, DmStatus.Snapshot::invalid, "snapshot invalid"));
        def(t, s, "data_percent", r -> percent(r, KernelStatus.PercentOf.DATA));
        def(t, s, "snap_percent", r -> percent(r, KernelStatus.PercentOf.DATA));
        def(t, s, "metadata_percent", r -> {
            KernelStatus.LvStatus st = status(r);
            return st != null && (st.is(DmStatus.Cache.class) || st.is(DmStatus.ThinPool.class))
                    ? percent(r, KernelStatus.PercentOf.METADATA) : Cell.EMPTY;
        });
        def(t, s, "copy_percent", this::copyPercent);
        def(t, s, "sync_percent", this::copyPercent);
        def(t, s, "cache_total_blocks", r -> cacheNum(r, DmStatus.Cache::totalBlocks));
        def(t, s, "cache_used_blocks", r -> cacheNum(r, DmStatus.Cache::usedBlocks));
        def(t, s, "cache_dirty_blocks", r -> cacheNum(r, DmStatus.Cache::dirtyBlocks));
        def(t, s, "cache_read_hits", r -> cacheNum(r, DmStatus.Cache::readHits));
        def(t, s, "cache_read_misses", r -> cacheNum(r, DmStatus.Cache::readMisses));
        def(t, s, "cache_write_hits", r -> cacheNum(r, DmStatus.Cache::writeHits));
        def(t, s, "cache_write_misses", r -> cacheNum(r, DmStatus.Cache::writeMisses));
        def(t, s, "kernel_cache_settings", r -> {
            DmStatus.Cache c = cacheStatus(r);
            if (c == null) {
                return Cell.EMPTY;
            }
            List<String> out = new ArrayList<>();
            pairs(c.coreArgs(), out);
            pairs(c.policyArgs(), out);
            return Cell.text(String.join(",", out));
        });
        def(t, s, "kernel_cache_policy", r -> {
            DmStatus.Cache c = cacheStatus(r);
            return Cell.text(c == null || c.policyName() == null ? "" : c.policyName());
        });
        def(t, s, "kernel_metadata_format", r -> {
            DmStatus.Cache c = cacheStatus(r);
            return c == null ? Cell.EMPTY : new Cell.Num(c.features().contains("metadata2") ? 2 : 1);
        });
        def(t, s, "lv_health_status", this::healthStatus);
        def(t, s, "kernel_discards", r -> {
            KernelStatus.LvStatus st = status(r);
            if (st != null && st.segType() == KernelStatus.SegType.PARSED && st.status() instanceof DmStatus.ThinPool tp) {
                return Cell.text(switch (tp.discards()) {
                    case IGNORE -> "ignore";
                    case NO_PASSDOWN -> "nopassdown";
                    case PASSDOWN -> "passdown";
                });
            }
            DmStatus.Cache c = cacheStatus(r);
            return Cell.text(c != null && c.features().contains("no_discard_passdown") ? "nopassdown" : "");
        });
        def(t, s, "writecache_total_blocks", r -> writecacheNum(r, DmStatus.Writecache::totalBlocks));
        def(t, s, "writecache_free_blocks", r -> writecacheNum(r, DmStatus.Writecache::freeBlocks));
        def(t, s, "writecache_writeback_blocks", r -> writecacheNum(r, DmStatus.Writecache::writebackBlocks));
        def(t, s, "writecache_error", r -> writecacheNum(r, DmStatus.Writecache::error));
        // VDO's kernel statistics come from the vdo target's status, which no recording here has
        // (the lab kernel has no kvdo): lvm2 prints them empty when the pool's status is not VDO's.
        for (String id : List.of("vdo_operating_mode", "vdo_compression_state", "vdo_index_state", "vdo_used_size",
                "vdo_saving_percent")) {
            def(t, s, id, r -> Cell.EMPTY);
        }
        def(t, s, "lv_attr", r -> {
            String base = r.relations().attr(r.lv());
            KernelStatus k = kernel(r);
            return Cell.text(k == null ? base : k.attr(r.lv(), base));
        });
    }

    // ---- kernel state (device-mapper) ------------------------------------------------------------

    /** The row's VG as this report's host's device-mapper sees it, or null without device-mapper. */
    private KernelStatus kernel(Row r) {
        return kernel.isEmpty() || r.relations() == null || r.lv() == null ? null : r.relations().kernel(kernel.get());
    }

    /** lv_info_with_seg_status for the row: the LV's first segment, or the row's segment in a segment report. */
    private KernelStatus.LvStatus status(Row r) {
        KernelStatus k = kernel(r);
        if (k == null || historical(r)) {
            return null;
        }
        return r.seg() != null && r.seg() != r.lv().firstSegment() ? k.status(r.lv(), r.seg()) : k.status(r.lv());
    }

    private Cell kernelText(Row r, Function<KernelStatus, String> f) {
        KernelStatus k = kernel(r);
        return k == null || historical(r) ? Cell.EMPTY : Cell.text(f.apply(k));
    }

    private Cell kernelInfoNum(Row r, java.util.function.ToIntFunction<KernelStatus.Info> f) {
        KernelStatus.LvStatus st = status(r);
        return new Cell.Num(st == null || !st.info().exists() ? -1 : f.applyAsInt(st.info()));
    }

    /** A yes/no of the device's info: "unknown" when there is no device (or no device-mapper). */
    private Cell infoFlag(Row r, java.util.function.Predicate<KernelStatus.Info> f, String word) {
        KernelStatus.LvStatus st = status(r);
        return st == null || !st.info().exists() ? Cell.text("unknown") : Cell.flag(f.test(st.info()), word);
    }

    private Cell snapshotFlag(Row r, java.util.function.Predicate<DmStatus.Snapshot> f, String word) {
        KernelStatus.LvStatus st = status(r);
        return st != null && st.is(DmStatus.Snapshot.class) ? Cell.flag(f.test((DmStatus.Snapshot) st.status()), word)
                : Cell.text("unknown");
    }

    private Cell percent(Row r, KernelStatus.PercentOf what) {
        KernelStatus.LvStatus st = status(r);
        return st == null ? Cell.EMPTY : Cell.text(KernelStatus.Percent.render(kernel(r).percent(r.lv(), st, what)));
    }

    /** lvm2's _copypercent_disp: raid and cache sync from the segment status, a mirror's from its targets' regions. */
    private Cell copyPercent(Row r) {
        KernelStatus.LvStatus st = status(r);
        if (st == null) {
            return Cell.EMPTY;
        }
        KernelStatus k = kernel(r);
        LvRelations rel = r.relations();
        Segment first = r.lv().firstSegment();
        boolean raid0 = first != null && first.type().startsWith("raid0");
        int p = KernelStatus.Percent.INVALID;
        if (rel.integrity(r.lv()) || rel.cache(r.lv()) || rel.usedCachePool(r.lv())
                || !rel.merging(r.lv()) && rel.raid(r.lv()) && !raid0) {
            p = k.percent(r.lv(), st, KernelStatus.PercentOf.DIRTY);
        } else if (rel.raid(r.lv()) && !raid0) {
            p = k.mirrorPercent(r.lv());
        } else if (rel.mirror(r.lv())) {
            int m = k.mirrorPercent(r.lv());
            p = m == KernelStatus.Percent.INVALID ? m : k.copyPercent(r.lv());
        }
        return Cell.text(KernelStatus.Percent.render(p));
    }

    private boolean imageSynced(Row r, KernelStatus k) {
        if (r.relations().raidImage(r.lv())) {
            return !r.relations().visible(r.lv()) && k.raidImageInSync(r.lv());
        }
        return r.relations().mirrorImage(r.lv()) && k.mirrorImageInSync(r.lv());
    }

    /** The raid status of a raid LV (lvm2's lv_raid_status), or null: not raid, not active, or no device-mapper. */
    private DmStatus.Raid raidStatus(Row r) {
        KernelStatus k = kernel(r);
        return k == null || historical(r) || !r.relations().raid(r.lv()) ? null : k.raidStatus(r.lv());
    }

    private DmStatus.Cache cacheStatus(Row r) {
        KernelStatus.LvStatus st = status(r);
        return st != null && st.is(DmStatus.Cache.class) ? (DmStatus.Cache) st.status() : null;
    }

    private Cell cacheNum(Row r, java.util.function.ToLongFunction<DmStatus.Cache> f) {
        DmStatus.Cache c = cacheStatus(r);
        return c == null ? Cell.EMPTY : new Cell.Num(f.applyAsLong(c));
    }

    private Cell writecacheNum(Row r, java.util.function.ToLongFunction<DmStatus.Writecache> f) {
        KernelStatus.LvStatus st = status(r);
        return st != null && st.is(DmStatus.Writecache.class) ? new Cell.Num(f.applyAsLong((DmStatus.Writecache) st.status()))
                : Cell.EMPTY;
    }

    /** Cache core and policy arguments as lvm2 lists them: key=value per pair. */
    private static void pairs(List<String> args, List<String> out) {
        for (int i = 0; i + 1 < args.size(); i += 2) {
            out.add(args.get(i) + "=" + args.get(i + 1));
        }
    }

    /** lvm2's _lvhealthstatus_disp. */
    private Cell healthStatus(Row r) {
        KernelStatus k = kernel(r);
        KernelStatus.LvStatus st = status(r);
        LvRelations rel = r.relations();
        if (k == null || st == null) {
            return Cell.EMPTY;
        }
        if (rel.partial(r.lv())) {
            return Cell.text("partial");
        }
        if (rel.raidType(r.lv())) {
            if (!k.raidHealthy(r.lv())) {
                return Cell.text("refresh needed");
            }
            if (rel.raid(r.lv())) {
                DmStatus.Raid raid = k.raidStatus(r.lv());
                return Cell.text(raid != null && raid.mismatchCount() != 0 ? "mismatches exist" : "");
            }
            return Cell.text(r.lv().status().contains("WRITEMOSTLY") ? "writemostly" : "");
        }
        if (st.segType() == KernelStatus.SegType.NONE) {
            return Cell.EMPTY;
        }
        if (rel.cache(r.lv())) {
            if (!st.is(DmStatus.Cache.class)) {
                return Cell.text("undefined");
            }
            DmStatus.Cache c = (DmStatus.Cache) st.status();
            return Cell.text(c.fail() ? "failed" : c.readOnly() ? "metadata_read_only" : "");
        }
        if (rel.writecache(r.lv())) {
            if (!st.is(DmStatus.Writecache.class)) {
                return Cell.text("undefined");
            }
            return Cell.text(((DmStatus.Writecache) st.status()).error() != 0 ? "error" : "");
        }
        if (rel.thinPool(r.lv())) {
            if (!st.is(DmStatus.ThinPool.class)) {
                return Cell.text("undefined");
            }
            DmStatus.ThinPool tp = (DmStatus.ThinPool) st.status();
            return Cell.text(tp.fail() ? "failed" : tp.outOfDataSpace() ? "out_of_data" : tp.readOnly() ? "metadata_read_only" : "");
        }
        return Cell.EMPTY;
    }

    /**
     * lvm2 reads read_ahead as a 32-bit number: absent or 0 means "auto", -1 (all ones) means
     * none, printed as a size of 0; anything else is sectors.
     */
    private static Cell readAhead(Row r) {
        if (historical(r)) {
            return new Cell.Size(0);
        }
        long ra = r.lv().readAhead();
        if (r.lv().raw() != null && r.lv().raw().value("read_ahead").isEmpty() || ra == 0) {
            return Cell.text("auto");
        }
        if (ra == -1 || ra == 0xFFFF_FFFFL) {
            return new Cell.Size(0);
        }
        return new Cell.Size(bytes(ra, 512, "read_ahead", r.vg()));
    }

    private static boolean historical(Row r) {
        return r.relations().historical(r.lv());
    }

    /** A raid1 setting lvm2 prints only when set (and only for raid LVs and their images). */
    private static Cell raidNumber(Row r, String key) {
        if (!r.relations().raidType(r.lv()) || r.lv().firstSegment() == null) {
            return Cell.EMPTY;
        }
        long v = r.lv().firstSegment().number(key).orElse(0L);
        return v == 0 ? Cell.EMPTY : new Cell.Num(v);
    }

    /** The source PV of a pvmove: the first PV area of the LV's pvmove segment. */
    private static String movePv(Row r, boolean uuid) {
        if (!r.lv().status().contains("PVMOVE")) {
            return "";
        }
        for (Segment seg : r.lv().segments()) {
            SegmentArea first = seg.areas().isEmpty() ? null : seg.areas().get(0);
            if (first instanceof SegmentArea.OnLv l) {
                LvMetadata image = r.relations().lv(l.lvName());
                first = image == null || image.firstSegment() == null || image.firstSegment().areas().isEmpty() ? null
                        : image.firstSegment().areas().get(0);
            }
            if (first instanceof SegmentArea.OnPv p) {
                VgPv pv = r.relations().pv(p.pvKey());
                if (pv == null) {
                    return "";
                }
                if (uuid) {
                    return pv.meta().id();
                }
                return pv.missing() ? "[unknown]" : pv.device().device();
            }
        }
        return "";
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

    // ---- PVSEG ---------------------------------------------------------------------------

    private void definePvSeg(Map<String, String[]> t) {
        ReportType s = ReportType.PVSEG;
        def(t, s, "pvseg_start", r -> new Cell.Num(r.pvseg() == null ? 0 : r.pvseg().start()));
        def(t, s, "pvseg_size", r -> new Cell.Num(r.pvseg() == null ? 0 : r.pvseg().size()));
    }

    // ---- SEG ------------------------------------------------------------------------------

    private void defineSeg(Map<String, String[]> t) {
        ReportType s = ReportType.SEG;
        def(t, s, "segtype", r -> Cell.text(segtype(r.seg())));
        def(t, s, "stripes", r -> new Cell.Num(areaCount(r.seg())));
        def(t, s, "data_stripes", r -> new Cell.Num(dataStripes(r.seg())));
        def(t, s, "reshape_len", r -> reshapable(r) == null ? Cell.EMPTY
                : new Cell.Size(bytes(reshapeLe(r), extentBytes(r.vg()), "reshape_len", r.vg())));
        def(t, s, "reshape_len_le", r -> reshapable(r) == null ? Cell.EMPTY : new Cell.Num(reshapeLe(r)));
        def(t, s, "data_copies", r -> new Cell.Num(dataCopies(r.seg())));
        def(t, s, "data_offset", r -> dataOffset(r, false));
        def(t, s, "new_data_offset", r -> dataOffset(r, true));
        def(t, s, "parity_chunks", r -> {
            long p = parityChunks(r.seg());
            return p == 0 ? Cell.EMPTY : new Cell.Num(p);
        });
        def(t, s, "stripe_size", r -> new Cell.Size(bytes(r.seg().stripeSize(), 512, "stripe_size", r.vg())));
        def(t, s, "region_size", r -> new Cell.Size(bytes(r.seg().regionSize(), 512, "region_size", r.vg())));
        def(t, s, "chunk_size", r -> new Cell.Size(bytes(chunkSectors(r), 512, "chunk_size", r.vg())));
        def(t, s, "thin_count", r -> r.seg().type().equals("thin-pool") ? new Cell.Num(r.relations().thinCount(r.lv())) : Cell.EMPTY);
        def(t, s, "discards", r -> {
            Segment pool = thinPoolSegment(r);
            return pool == null ? Cell.EMPTY : Cell.text(pool.string("discards").orElse("passdown"));
        });
        def(t, s, "cache_metadata_format", r -> {
            Segment c = cacheSettingsSegment(r);
            long f = c == null ? 0 : c.number("metadata_format").orElse(0L);
            return f == 1 || f == 2 ? new Cell.Num(f) : Cell.EMPTY;
        });
        def(t, s, "cache_mode", r -> {
            Segment c = cacheSettingsSegment(r);
            return Cell.text(c == null ? "" : c.string("cache_mode").orElse(""));
        });
        def(t, s, "zero", r -> {
            Segment pool = thinPoolSegment(r);
            return pool == null ? Cell.text("unknown") : Cell.flag(pool.number("zero_new_blocks").orElse(0L) == 1, "zero");
        });
        def(t, s, "transaction_id", r -> r.seg().type().equals("thin-pool") || r.seg().type().equals("thin")
                ? new Cell.Num(r.seg().number("transaction_id").orElse(0L)) : Cell.EMPTY);
        def(t, s, "thin_id", r -> r.seg().type().equals("thin") ? new Cell.Num(r.seg().number("device_id").orElse(0L)) : Cell.EMPTY);
        def(t, s, "seg_start", r -> new Cell.Size(bytes(r.seg().startExtent(), extentBytes(r.vg()), "start_extent", r.vg())));
        def(t, s, "seg_start_pe", r -> new Cell.Num(r.seg().startExtent()));
        def(t, s, "seg_size", r -> new Cell.Size(bytes(r.seg().extentCount(), extentBytes(r.vg()), "extent_count", r.vg())));
        def(t, s, "seg_size_pe", r -> new Cell.Num(r.seg().extentCount()));
        def(t, s, "seg_tags", r -> Cell.text(tags(r.seg().tags())));
        def(t, s, "seg_pe_ranges", r -> Cell.text(devices(r, r.seg().areas(), true)));
        def(t, s, "seg_le_ranges", r -> Cell.text(leRanges(r, dataAreas(r))));
        def(t, s, "seg_metadata_le_ranges", r -> Cell.text(leRanges(r, r.seg().metaAreas().stream()
                .map(m -> (SegmentArea) new SegmentArea.OnLv(m, 0)).toList())));
        def(t, s, "devices", r -> Cell.text(devices(r, dataAreas(r), false)));
        def(t, s, "metadata_devices", r -> Cell.text(String.join(",", r.seg().metaAreas().stream().map(m -> m + "(0)").toList())));
        // dmeventd monitoring is a running daemon's state; lvm2 without it says raid0 (which
        // cannot be monitored) and a pvmove's mirror (never monitored) are not monitored, and
        // leaves the others empty.
        def(t, s, "seg_monitor", this::segMonitor);
        def(t, s, "cache_policy", r -> {
            Segment c = cacheSettingsSegment(r);
            return Cell.text(c == null ? "" : c.string("policy").orElse(""));
        });
        def(t, s, "cache_settings", r -> Cell.text(String.join(",", cacheSettings(r))));
        for (String id : List.of("vdo_compression", "vdo_deduplication", "vdo_use_metadata_hints", "vdo_minimum_io_size",
                "vdo_block_map_cache_size", "vdo_block_map_era_length", "vdo_use_sparse_index", "vdo_index_memory_size",
                "vdo_slab_size", "vdo_ack_threads", "vdo_bio_threads", "vdo_bio_rotation", "vdo_cpu_threads",
                "vdo_hash_zone_threads", "vdo_logical_threads", "vdo_physical_threads", "vdo_max_discard", "vdo_write_policy",
                "vdo_header_size")) {
            def(t, s, id, r -> vdoSetting(r, id));
        }
    }

    private static String segtype(Segment seg) {
        if (seg.type().equals("striped") && seg.areas().size() == 1) {
            return "linear";
        }
        return seg.type();
    }

    /**
     * lvm2's area_len: the extents each area holds. Mirror and raid1 images hold the whole LV,
     * raid10 images share it among data copies, striped and parity raid split it among the data
     * devices.
     */
    static long areaLen(Segment seg) {
        String t = seg.type();
        long len = seg.extentCount();
        long areas = seg.areas().size();
        if (areas == 0) {
            return 0;
        }
        if (t.equals("mirror") || t.equals("raid1")) {
            return len;
        }
        if (t.equals("raid10")) {
            return len * dataCopies(seg) / areas;
        }
        if (t.startsWith("raid")) {
            return len / Math.max(1, areas - parityDevs(t));
        }
        return len / areas;
    }

    /** A VDO LV's one area is its whole pool (the virtual extents map onto the pool's). */
    private static Optional<Long> vdoPoolExtents(Row r) {
        if (!r.seg().type().equals("vdo")) {
            return Optional.empty();
        }
        LvMetadata pool = r.seg().string("vdo_pool").map(r.relations()::lv).orElse(null);
        return Optional.of(pool == null ? 0 : r.relations().extents(pool));
    }

    /** lvm2's area_count: raid metadata areas are not counted; thin, error and zero have none. */
    private static long areaCount(Segment seg) {
        return switch (seg.type()) {
            case "thin", "error", "zero", "snapshot", "free" -> 0;
            case "thin-pool", "cache-pool", "cache", "writecache", "integrity", "vdo-pool", "vdo" -> 1;
            default -> seg.areas().size();
        };
    }

    /** Data areas as lvm2 lists them: pools and caches have their data LV (or origin) as area 0. */
    private static List<SegmentArea> dataAreas(Row r) {
        Segment seg = r.seg();
        String key = switch (seg.type()) {
            case "thin-pool" -> "pool";
            case "cache-pool", "vdo-pool" -> "data";
            case "cache", "writecache", "integrity" -> "origin";
            case "vdo" -> "vdo_pool";
            default -> null;
        };
        if (key == null) {
            return seg.areas();
        }
        return seg.string(key).map(n -> List.<SegmentArea>of(new SegmentArea.OnLv(n, 0))).orElse(List.of());
    }

    private static long parityDevs(String type) {
        if (type.startsWith("raid6")) {
            return 2;
        }
        return type.startsWith("raid4") || type.startsWith("raid5") ? 1 : 0;
    }

    private static long dataCopies(Segment seg) {
        String t = seg.type();
        if (seg.number("data_copies").isPresent()) {
            return seg.number("data_copies").get();
        }
        if (t.equals("raid1")) {
            return seg.areas().size();
        }
        if (t.equals("raid10")) {
            return 2;
        }
        if (t.startsWith("raid4") || t.startsWith("raid5")) {
            return 2;
        }
        if (t.startsWith("raid6")) {
            return 3;
        }
        return 1;
    }

    private static long dataStripes(Segment seg) {
        long stripes = areaCount(seg) - parityDevs(seg.type());
        if (seg.type().equals("raid10")) {
            stripes /= dataCopies(seg);
        }
        return stripes;
    }

    private long parityChunks(Segment seg) {
        long devs = parityDevs(seg.type());
        return devs != 0 ? devs : dataCopies(seg) - 1;
    }

    /**
     * dmeventd monitoring (lvseg_monitor_dup). raid0 (which cannot be monitored) and a pvmove's
     * mirror (never monitored) are "not monitored". For the others lvm2 asks dmeventd about an
     * active LV; lvmcoord cannot ask another process's daemon and reports what lvm2's activation
     * sets up with monitoring on (lvm.conf activation/monitoring, default 1): an active LV of a
     * monitored segment type is "monitored". Without an active device the field is empty, and with
     * monitoring off it is empty everywhere (lvm2's dmeventd_monitor_mode is then not 1).
     */
    private Cell segMonitor(Row r) {
        if (!monitoring) {
            return Cell.EMPTY;
        }
        Segment seg = r.seg();
        LvMetadata lv = r.lv();
        Segment segm = seg;
        KernelStatus k = kernel(r);
        Segment snap = r.relations().snapshotSegment(lv);
        if (snap != null) {
            segm = snap;
        }
        String type = segm.type();
        boolean monitorable = type.equals("mirror") || type.equals("snapshot") || type.equals("thin-pool") || type.equals("vdo-pool")
                || LvRelations.isRaidType(type);
        if (!monitorable) {
            return Cell.EMPTY;
        }
        if (type.startsWith("raid0") || type.equals("mirror") && lv.status().contains("PVMOVE")) {
            return Cell.text("not monitored");
        }
        if (k == null || historical(r) || !k.info(lv, true).exists()) {
            return Cell.EMPTY;
        }
        // dmeventd's snapshot plugin stops watching a snapshot that became invalid or overflowed.
        KernelStatus.LvStatus st = snap != null ? k.status(lv) : null;
        if (st != null && st.status() instanceof DmStatus.Snapshot s && st.segType() == KernelStatus.SegType.PARSED
                && (s.invalid() || s.overflow() || s.totalSectors() == 0)) {
            return Cell.text("not monitored");
        }
        return Cell.text("monitored");
    }

    /** A reshapable raid's data offset on its images (lv_raid_data_offset), from the raid target's status. */
    private Cell dataOffset(Row r, boolean next) {
        KernelStatus k = kernel(r);
        if (k == null || historical(r)) {
            return Cell.EMPTY;
        }
        LvMetadata raidLv = null;
        if (isReshapable(r.seg().type())) {
            raidLv = r.lv();
        } else if (r.relations().raidImage(r.lv()) && r.seg().startExtent() == 0) {
            int us = r.lv().name().indexOf('_');
            String base = us < 0 ? null : r.lv().name().substring(0, us);
            LvMetadata array = base == null ? null : r.relations().lv(base);
            raidLv = array != null && array.firstSegment() != null && isReshapable(array.firstSegment().type()) ? array : null;
        }
        DmStatus.Raid raid = raidLv == null ? null : k.raidStatus(raidLv);
        if (raid == null) {
            return Cell.EMPTY;
        }
        long offset = raid.dataOffset();
        if (next && r.relations().raidImage(r.lv()) && !k.raidImageInSync(r.lv())) {
            offset = offset != 0 ? 0 : r.seg().number("reshape_count").orElse(0L) * r.vg().metadata().extentSize();
        }
        return new Cell.Num(offset);
    }

    /** lvm2's _get_reshapable_seg: a striped raid segment (raid4/5/6/10), or the one using this raid image. */
    private static Segment reshapable(Row r) {
        Segment seg = r.seg();
        if (isReshapable(seg.type())) {
            return seg;
        }
        Segment using = r.relations().raidSegmentUsing(r.lv());
        return using != null && isReshapable(using.type()) ? using : null;
    }

    private static boolean isReshapable(String type) {
        return type.startsWith("raid4") || type.startsWith("raid5") || type.startsWith("raid6") || type.equals("raid10");
    }

    private static long reshapeLe(Row r) {
        Segment s = reshapable(r);
        return s == null ? 0 : s.number("reshape_count").orElse(0L) * areaCount(s);
    }

    /** chunk_size: a COW's from its snapshot, a cache's from its pool, a pool's own. */
    private static long chunkSectors(Row r) {
        Segment seg = r.seg();
        if (seg.type().equals("cache")) {
            Segment pool = seg.string("cache_pool").map(r.relations()::lv).map(LvMetadata::firstSegment).orElse(null);
            if (r.relations().cacheVol(seg.string("cache_pool").orElse(""))) {
                return seg.chunkSize();
            }
            return pool == null ? 0 : pool.chunkSize();
        }
        Segment snapshot = r.relations().snapshotSegment(r.lv());
        return snapshot != null ? snapshot.chunkSize() : seg.chunkSize();
    }

    /** The thin pool segment a thin pool or thin volume segment reports discards and zeroing of. */
    private static Segment thinPoolSegment(Row r) {
        Segment seg = r.seg();
        if (seg.type().equals("thin")) {
            LvMetadata pool = seg.string("thin_pool").map(r.relations()::lv).orElse(null);
            seg = pool == null ? null : pool.firstSegment();
        }
        return seg != null && seg.type().equals("thin-pool") ? seg : null;
    }

    /** Where a cache segment's settings live: its own (cachevol), the pool's, or a cache pool's own. */
    private static Segment cacheSettingsSegment(Row r) {
        Segment seg = r.seg();
        if (seg.type().equals("cache")) {
            String pool = seg.string("cache_pool").orElse("");
            if (r.relations().cacheVol(pool)) {
                return seg;
            }
            LvMetadata p = r.relations().lv(pool);
            return p == null ? null : p.firstSegment();
        }
        return seg.type().equals("cache-pool") ? seg : null;
    }

    /** cache_settings: a writecache's settings, or the policy settings of a cache, as key=value. */
    private static List<String> cacheSettings(Row r) {
        Segment seg = r.seg();
        List<String> out = new ArrayList<>();
        if (seg.type().equals("writecache")) {
            for (String key : WRITECACHE_SETTINGS) {
                seg.raw().value(key).ifPresent(v -> out.add(key + "=" + configValue(v)));
            }
            return out;
        }
        Segment c = cacheSettingsSegment(r);
        if (c != null) {
            c.raw().section("policy_settings").ifPresent(ps -> {
                for (io.lvmcoord.scan.metadata.ConfigNode n : ps.children()) {
                    if (n instanceof io.lvmcoord.scan.metadata.ConfigNode.Entry e) {
                        out.add(e.name() + "=" + configValue(e.value()));
                    }
                }
            });
        }
        return out;
    }

    /** lvm2's writecache settings in the order writecache_settings_to_str_list lists them. */
    private static final List<String> WRITECACHE_SETTINGS = List.of("high_watermark", "low_watermark", "writeback_jobs",
            "autocommit_blocks", "autocommit_time", "fua", "nofua", "cleaner", "max_age", "metadata_only", "pause_writeback");

    private static String configValue(io.lvmcoord.scan.metadata.ConfigValue v) {
        if (v instanceof io.lvmcoord.scan.metadata.ConfigValue.Int i) {
            return Long.toString(i.value());
        }
        if (v instanceof io.lvmcoord.scan.metadata.ConfigValue.Str str) {
            return str.value();
        }
        return v.toString();
    }

    /**
     * A VDO setting of a VDO pool segment, or of the pool a VDO LV's segment uses (lvm2 reads its
     * vdo_params); empty for any other segment.
     */
    private static Cell vdoSetting(Row r, String id) {
        Segment seg = r.seg();
        if (seg.type().equals("vdo")) {
            LvMetadata pool = seg.string("vdo_pool").map(r.relations()::lv).orElse(null);
            seg = pool == null ? null : pool.firstSegment();
        }
        if (seg == null || !seg.type().equals("vdo-pool")) {
            return Cell.EMPTY;
        }
        Segment p = seg;
        return switch (id) {
            case "vdo_compression" -> Cell.flag(p.number("use_compression").orElse(0L) != 0, "enabled");
            case "vdo_deduplication" -> Cell.flag(p.number("use_deduplication").orElse(0L) != 0, "enabled");
            case "vdo_use_metadata_hints" -> Cell.flag(p.number("use_metadata_hints").orElse(0L) != 0, "enabled");
            case "vdo_use_sparse_index" -> Cell.flag(p.number("use_sparse_index").orElse(0L) != 0, "enabled");
            case "vdo_minimum_io_size" -> new Cell.Size(p.number("minimum_io_size").orElse(0L));
            case "vdo_block_map_cache_size" -> new Cell.Size(mib(p, "block_map_cache_size_mb", r));
            case "vdo_index_memory_size" -> new Cell.Size(mib(p, "index_memory_size_mb", r));
            case "vdo_slab_size" -> new Cell.Size(mib(p, "slab_size_mb", r));
            case "vdo_header_size" -> new Cell.Size(bytes(p.number("header_size").orElse(0L), 512, "header_size", r.vg()));
            case "vdo_write_policy" -> Cell.text(p.string("write_policy").orElse(""));
            default -> new Cell.Num(p.number(id.substring("vdo_".length())).orElse(0L));
        };
    }

    private static long mib(Segment s, String key, Row r) {
        return bytes(s.number(key).orElse(0L), 1L << 20, key, r.vg());
    }

    /** seg_le_ranges: {@code dev:first-last} of each area (LV areas in their displayed name). */
    private static String leRanges(Row r, List<SegmentArea> areas) {
        List<String> out = new ArrayList<>();
        long perArea = vdoPoolExtents(r).orElse(dataAreas(r) == r.seg().areas() ? areaLen(r.seg()) : r.seg().extentCount());
        for (SegmentArea a : areas) {
            if (a instanceof SegmentArea.OnPv p) {
                VgPv pv = r.relations().pv(p.pvKey());
                String name = pv == null || pv.missing() ? "[unknown]" : pv.device().device();
                out.add(name + ":" + p.startExtent() + "-" + (p.startExtent() + perArea - 1));
            } else {
                SegmentArea.OnLv l = (SegmentArea.OnLv) a;
                LvMetadata lv = r.relations().lv(l.lvName());
                long len = lv == null ? 0 : r.relations().extents(lv);
                if (!r.seg().metaAreas().contains(l.lvName())) {
                    len = perArea;
                }
                out.add(r.relations().displayName(l.lvName()) + ":" + l.startExtent() + "-" + (l.startExtent() + len - 1));
            }
        }
        return String.join(",", out);
    }

    /** lvm2's devices ({@code dev(startPE)}) and seg_pe_ranges ({@code dev:first-last}) for a segment's areas. */
    private static String devices(Row r, List<SegmentArea> areas, boolean ranges) {
        List<String> out = new ArrayList<>();
        long perArea = vdoPoolExtents(r).orElse(areaLen(r.seg()));
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
                long len = perArea;
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
