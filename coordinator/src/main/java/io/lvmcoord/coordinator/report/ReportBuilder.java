package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.DuplicatePv;
import io.lvmcoord.coordinator.assembly.LoosePv;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.Uuids;
import io.lvmcoord.scan.lvmconf.VgVisibility;
import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.VgMetadata;
import io.lvmcoord.coordinator.report.select.Selection;
import io.lvmcoord.coordinator.report.select.SelectionResult;
import io.lvmcoord.scan.metadata.Segment;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns an {@link Assembly} into report rows the way lvm2's {@code pvs/vgs/lvs} do: field
 * selection ({@code -o}, {@code +}/{@code -} modifiers, prefix-less names), the switch of an LV
 * report to segments when a segment field is asked for, lvm2's default sort keys (strings by
 * byte order, numbers by value, hidden LVs by their bare name) and unit rendering.
 *
 * <p>Each VG's rows are built and computed on their own: if that VG's metadata makes any of its
 * rows impossible (an exception from any field, a size past 2^63), the VG is left out whole and
 * named in {@link Report#failures()}, which callers print in lvm2's words for a VG it cannot
 * process; every other VG is reported as if it were not there. In {@code pvs} the bad VG's
 * present devices stay listed, as lvm2 lists PVs whose VG it could not read ("[unknown]").
 */
public final class ReportBuilder {

    /** A request lvm2 would refuse; the message is lvm2's wording where one exists. */
    public static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        public BadRequest(String message) {
            super(message);
        }

        /**
         * Several lines of lvm2's words (a field listing before the message, say). The message
         * joins them so that printing it after lvm2's two-blank indent indents every line.
         */
        public BadRequest(List<String> lines) {
            super(String.join("\n  ", lines));
        }
    }

    private final Fields fields;

    private final VgAccess access;
    private final Clock clock;

    /**
     * Whether this host's lvm2 would show a VG: its system ID against the host's, its lock type
     * (lvm2's vg_read checks, {@link VgVisibility}), and lvm2's words when it does not.
     */
    @FunctionalInterface
    public interface VgAccess {
        VgVisibility.Decision decide(VgMetadata vg, VgVisibility.Options options);

        /**
         * What the decisions currently rest on (the configuration as last read), compared by
         * identity: a caller keeping rendered reports renders again when it changes.
         */
        default Object version() {
            return this;
        }

        /** Every VG shown, silently (no host configuration applies: image files, tests). */
        VgAccess ALL = (vg, options) -> new VgVisibility.Decision(true, List.of(), false);
    }

    public ReportBuilder(Fields fields) {
        this(fields, VgAccess.ALL);
    }

    public ReportBuilder(Fields fields, VgAccess access) {
        this(fields, access, Clock.system(fields.zone()));
    }

    /** @param clock what a selection's times ("1 hour ago", "today") are relative to */
    public ReportBuilder(Fields fields, VgAccess access, Clock clock) {
        this.fields = fields;
        this.access = access;
        this.clock = clock;
    }

    public Report build(Assembly assembly, ReportRequest req) throws BadRequest {
        ReportType type = req.type();
        if (asksHelp(req.fieldSpecs())) {
            // -o help: lvm2 lists its fields on stderr and reports nothing (an empty JSON report).
            return new Report(type, List.of(), List.of(), List.of(), List.of(),
                    fields.helpLines().stream().map(l -> l.substring(2)).toList());
        }
        List<FieldDef> columns = resolveColumns(type, req.fieldSpecs());
        if (type == ReportType.LV && columns.stream().anyMatch(c -> c.scope() == ReportType.SEG)) {
            type = ReportType.SEG;
        }
        if (type == ReportType.PV && columns.stream().anyMatch(c -> c.scope() == ReportType.PVSEG)) {
            type = ReportType.PVSEG;
        }
        for (FieldDef c : columns) {
            if (!allowed(type, c.scope())) {
                throw new BadRequest("Field " + c.id() + " cannot be used in a " + type.jsonKey() + " report.");
            }
        }
        List<SortKey> sort = resolveSort(type, req.sortSpecs());
        RowSelection selection = null;
        if (req.select() != null) {
            SelectionResult compiled = RowSelection.compile(fields, type, req.select(), clock.instant(), clock.getZone());
            if (compiled instanceof SelectionResult.Invalid invalid) {
                // lvm2 prints its typed field listing first for an unknown or uncomparable field.
                throw new BadRequest(invalid.error().stderrLines(fields.selectionListing()).stream().map(l -> l.substring(2)).toList());
            }
            if (compiled instanceof SelectionResult.HelpRequested help) {
                // -S help: lvm2 lists fields, operands and reserved values on stderr and reports nothing.
                List<String> notices = new ArrayList<>(fields.selectionListing());
                notices.add(" ");
                notices.addAll(help.selectionHelp());
                return new Report(type, columns, List.of(), List.of(), List.of(), notices);
            }
            Selection compiledSelection = ((SelectionResult.Compiled) compiled).selection();
            selection = compiledSelection.selectsAll() ? null : RowSelection.of(fields, type, compiledSelection);
        }
        List<Line> lines = new ArrayList<>();
        List<Report.VgFailure> failures = new ArrayList<>();
        // VGs this host's lvm2 would not show (foreign, shared) are left out, their PVs too, in lvm2's
        // words; the positional arguments keep what lvm2 would report, and ReportScope words what they miss.
        List<String> accessNotices = new ArrayList<>();
        List<String> accessErrors = new ArrayList<>();
        Set<String> hidden = hidden(assembly, req, accessNotices, accessErrors);
        ReportScope.Selection scope = scope(req).select(assembly, type, columns, req.all());
        // pvs with label fields only is lvm2's label report: devices that carry a PV label, nothing else.
        boolean labels = type == ReportType.PV && !columns.isEmpty() && columns.stream().allMatch(c -> fields.isLabelField(c.id()));
        Groups groups = groups(assembly, type, scope.all(), req.history(), labels);
        for (VgGroup g : groups.vgs()) {
            if (!scope.vg(g.vg().metadata().id()) || hidden.contains(g.vg().metadata().id())) {
                continue;
            }
            try {
                lines.addAll(compute(selected(scope.rows(g.rows().get()), selection), columns, sort, req));
            } catch (RuntimeException | StackOverflowError e) {
                // The VG's metadata is input: whatever it makes impossible fails that VG alone.
                // Its rows are dropped whole (never half a VG), lvm2's words are reported for it,
                // and in pvs its present devices stay listed as PVs of an unreadable VG.
                failures.add(new Report.VgFailure(g.vg().name(), g.vg().metadata().id(), describe(e)));
                lines.addAll(compute(selected(scope.rows(g.fallback()), selection), columns, sort, req));
            }
        }
        lines.addAll(compute(selected(scope.rows(groups.loose()), selection), columns, sort, req));
        lines.sort((a, b) -> {
            for (int i = 0; i < sort.size(); i++) {
                int c = compare(a.sortCells()[i], b.sortCells()[i]);
                if (c != 0) {
                    return sort.get(i).descending() ? -c : c;
                }
            }
            return 0;
        });
        List<List<String>> out = new ArrayList<>(lines.size());
        for (Line l : lines) {
            out.add(l.rendered());
        }
        List<String> notFound = new ArrayList<>(accessErrors);
        notFound.addAll(scope.errors());
        return new Report(type, columns, out, failures, notFound, accessNotices);
    }

    private static ReportScope scope(ReportRequest req) throws BadRequest {
        try {
            return ReportScope.parse(req.type(), req.names());
        } catch (ReportScope.BadArguments e) {
            throw new BadRequest(e.getMessage());
        }
    }

    /**
     * The UUIDs of the VGs lvm2 would not show here (their rows, PVs included, are left out). A
     * hidden VG that was named fails the command (its lines go to {@code errors}); otherwise
     * lvm2's lines are only printed. lvm2 says "See lvmlockd(8) ..." once per command.
     */
    private Set<String> hidden(Assembly a, ReportRequest req, List<String> notices, List<String> errors) {
        Set<String> hidden = new HashSet<>();
        Set<String> said = new HashSet<>();
        for (VgView vg : a.vgs()) {
            boolean named = req.names().stream().anyMatch(n -> n.equals(vg.name()) || n.startsWith(vg.name() + "/"));
            VgVisibility.Decision d = access.decide(vg.metadata(), new VgVisibility.Options(req.foreign(), req.shared(), false, named));
            for (String m : d.messages()) {
                if (m.startsWith("See lvmlockd(8)") && !said.add(m)) {
                    continue;
                }
                (d.failed() ? errors : notices).add(m);
            }
            if (!d.visible()) {
                hidden.add(vg.metadata().id());
            }
        }
        return hidden;
    }

    /** The rows a selection keeps (every row without one). */
    private static List<Row> selected(List<Row> rows, RowSelection selection) {
        if (selection == null) {
            return rows;
        }
        List<Row> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            if (selection.test(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /** One computed row: its sort values and its rendered columns. */
    private record Line(Cell[] sortCells, List<String> rendered) {
    }

    /**
     * The rows of one VG, built lazily so that building them fails inside the VG's isolation;
     * {@code fallback} is what pvs shows instead when they fail (rows that need no VG metadata).
     */
    private record VgGroup(VgView vg, Supplier<List<Row>> rows, List<Row> fallback) {
    }

    private record Groups(List<VgGroup> vgs, List<Row> loose) {
    }

    private static String describe(Throwable e) {
        if (e instanceof StackOverflowError) {
            return "references nested too deeply (stack overflow)";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static List<Line> compute(List<Row> rows, List<FieldDef> columns, List<SortKey> sort, ReportRequest req) {
        List<Line> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            Cell[] cells = new Cell[sort.size()];
            for (int i = 0; i < sort.size(); i++) {
                cells[i] = value(sort.get(i).field(), r);
            }
            List<String> line = new ArrayList<>(columns.size());
            for (FieldDef c : columns) {
                line.add(render(c, value(c, r), req));
            }
            out.add(new Line(cells, line));
        }
        return out;
    }

    static boolean allowed(ReportType report, ReportType scope) {
        return switch (report) {
            case PV -> scope == ReportType.PV || scope == ReportType.VG;
            case VG -> scope == ReportType.VG;
            case LV -> scope == ReportType.LV || scope == ReportType.VG;
            case SEG -> scope == ReportType.SEG || scope == ReportType.LV || scope == ReportType.VG;
            // A PV segment report may show the LV segment a PV segment belongs to (empty for free space).
            case PVSEG -> scope == ReportType.PVSEG || scope == ReportType.PV || scope == ReportType.VG || scope == ReportType.LV
                    || scope == ReportType.SEG;
        };
    }

    private List<FieldDef> resolveColumns(ReportType type, List<String> specs) throws BadRequest {
        // A list, not a set: lvm2 prints a field as often as it is asked for.
        List<String> ids = new ArrayList<>(type.defaultFields());
        boolean replaced = false;
        for (String spec : specs) {
            String s = spec.trim();
            // lvm2: a leading '+' or '-' applies to the whole argument ("-o +a,b" adds both).
            char mode = s.startsWith("+") || s.startsWith("-") ? s.charAt(0) : '=';
            if (mode != '=') {
                s = s.substring(1);
            }
            for (String raw : s.split(",")) {
                String item = raw.trim();
                if (item.isEmpty()) {
                    continue;
                }
                // "all" is every field lvm2 has for the report, in its table's order.
                List<String> named = item.equalsIgnoreCase("all") ? fields.allIds(type)
                        : fields.prefixedAll(item).orElse(null);
                if (named == null) {
                    named = List.of(lookup(type, item).id());
                }
                if (mode == '+') {
                    ids.addAll(named);
                } else if (mode == '-') {
                    ids.removeIf(named::contains);
                } else {
                    if (!replaced) {
                        ids.clear();
                        replaced = true;
                    }
                    ids.addAll(named);
                }
            }
        }
        List<FieldDef> out = new ArrayList<>();
        for (String id : ids) {
            out.add(lookup(type, id));
        }
        return out;
    }

    private FieldDef lookup(ReportType type, String name) throws BadRequest {
        return lookup(type, name, false);
    }

    /**
     * A field as libdevmapper finds it: its id compared without underscores and case, or the id
     * with the report's own prefix ({@code lv_} for lvs, {@code seg_} for lvs --segments, ...)
     * left out, the first in lvm2's table order. An unknown name fails as lvm2 fails it: its
     * field listing, then the name (for {@code -O}, in libdevmapper's own words).
     */
    private FieldDef lookup(ReportType type, String name, boolean sortKey) throws BadRequest {
        Optional<FieldDef> f = fields.resolve(name.trim(), prefixOf(type));
        if (f.isPresent()) {
            return f.get();
        }
        List<String> lines = new ArrayList<>(fields.helpLines().stream().map(l -> l.substring(2)).toList());
        lines.add((sortKey ? "dm_report: " : "") + "Unrecognised field: " + name.trim());
        throw new BadRequest(lines);
    }

    /** The prefix lvm2's report of this kind lets a field name leave out. */
    private static String prefixOf(ReportType type) {
        return switch (type) {
            case PV -> "pv_";
            case VG -> "vg_";
            case LV -> "lv_";
            case SEG -> "seg_";
            case PVSEG -> "pvseg_";
        };
    }

    /** Whether a -o list asks for lvm2's field help ({@code help} or {@code ?}). */
    private static boolean asksHelp(List<String> specs) {
        for (String spec : specs) {
            String s = spec.trim();
            if (s.startsWith("+") || s.startsWith("-")) {
                s = s.substring(1);
            }
            for (String item : s.split(",")) {
                String i = item.trim().replace("_", "");
                if (i.equalsIgnoreCase("help") || i.equals("?")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> prefixes(ReportType type) {
        return switch (type) {
            case PV -> List.of("pv_", "vg_");
            case VG -> List.of("vg_");
            case LV -> List.of("lv_", "vg_", "seg_");
            case SEG -> List.of("seg_", "lv_", "vg_");
            case PVSEG -> List.of("pvseg_", "pv_", "vg_");
        };
    }

    private record SortKey(FieldDef field, boolean descending) {
    }

    private List<SortKey> resolveSort(ReportType type, List<String> specs) throws BadRequest {
        List<String> items = new ArrayList<>();
        if (specs.isEmpty()) {
            items.addAll(type.sortKeys());
        } else {
            for (String s : specs) {
                for (String i : s.split(",")) {
                    if (!i.isBlank()) {
                        items.add(i.trim());
                    }
                }
            }
        }
        List<SortKey> keys = new ArrayList<>();
        for (String i : items) {
            boolean desc = i.startsWith("-");
            String id = i.startsWith("-") || i.startsWith("+") ? i.substring(1) : i;
            keys.add(new SortKey(lookup(type, id, true), desc));
        }
        return keys;
    }

    private static int compare(Cell a, Cell b) {
        if (a instanceof Cell.Text ta && b instanceof Cell.Text tb) {
            return ta.sortKey().compareTo(tb.sortKey());
        }
        return Long.compare(numeric(a), numeric(b));
    }

    private static long numeric(Cell c) {
        if (c instanceof Cell.Size s) {
            return s.bytes();
        }
        if (c instanceof Cell.Num n) {
            return n.value();
        }
        return 0;
    }

    private static String render(FieldDef f, Cell c, ReportRequest req) {
        String s;
        if (c instanceof Cell.Size size) {
            s = req.units().format(size.bytes());
        } else if (c instanceof Cell.Num n) {
            s = n.blank() ? "" : Long.toString(n.value());
        } else {
            s = ((Cell.Text) c).text();
        }
        if (req.binary() && f.type().equals("BIN")) {
            return s.isEmpty() ? "0" : "1";
        }
        return s;
    }

    /** A field's value on a row; LV and segment fields of a free PV segment (no LV) are empty. */
    private static Cell value(FieldDef f, Row r) {
        if (r.lv() == null && (f.scope() == ReportType.LV || f.scope() == ReportType.SEG)) {
            return Cell.EMPTY;
        }
        return f.value().apply(r);
    }

    /** @param labels lvm2's label report: no missing PVs, no devices without a label even with {@code -a} */
    private static Groups groups(Assembly a, ReportType type, boolean all, boolean history, boolean labels) {
        List<VgGroup> vgs = new ArrayList<>();
        List<Row> loose = new ArrayList<>();
        switch (type) {
            case PV, PVSEG -> {
                Map<String, List<DeviceScan.PvScan>> duplicatesByPvUuid = new HashMap<>();
                for (DuplicatePv d : a.duplicates()) {
                    duplicatesByPvUuid.computeIfAbsent(d.scan().label().pvUuid(), k -> new ArrayList<>()).add(d.scan());
                }
                Set<String> claimed = new HashSet<>();
                for (VgView vg : a.vgs()) {
                    List<DeviceScan.PvScan> dups = new ArrayList<>();
                    List<Row> fallback = new ArrayList<>();
                    for (VgPv pv : vg.pvs()) {
                        String uuid = Uuids.undashed(pv.meta().id());
                        List<DeviceScan.PvScan> d = claimed.add(uuid) ? duplicatesByPvUuid.getOrDefault(uuid, List.of()) : List.of();
                        dups.addAll(d);
                        if (!pv.missing()) {
                            fallback.add(pvRow(PvEntry.Kind.UNKNOWN_VG, pv.device(), null, null));
                        }
                        for (DeviceScan.PvScan s : d) {
                            fallback.add(pvRow(PvEntry.Kind.DUPLICATE, s, null, null));
                        }
                    }
                    List<Row> fb = type == ReportType.PVSEG ? fallback.stream().map(ReportBuilder::wholePvSeg).toList() : fallback;
                    vgs.add(new VgGroup(vg, () -> type == ReportType.PVSEG ? pvSegRows(pvRows(vg, dups))
                            : labels ? labelled(pvRows(vg, dups)) : pvRows(vg, dups), fb));
                }
                List<Row> looseRows = new ArrayList<>();
                for (LoosePv l : a.loosePvs()) {
                    looseRows.add(pvRow(l.unknownVg() ? PvEntry.Kind.UNKNOWN_VG : PvEntry.Kind.ORPHAN, l.scan(), null, null));
                }
                for (DuplicatePv d : a.duplicates()) {
                    if (!claimed.contains(d.scan().label().pvUuid())) {
                        looseRows.add(pvRow(PvEntry.Kind.DUPLICATE, d.scan(), null, null));
                    }
                }
                if (all && !labels) {
                    for (DeviceScan.NotAPv n : a.nonPvDevices()) {
                        looseRows.add(new Row(new PvEntry(PvEntry.Kind.NOT_PV, n.device(), n.deviceSize(), null, null, null, null),
                                null, null, null, null));
                    }
                }
                // A device outside any VG is one empty segment in pvs --segments.
                loose.addAll(type == ReportType.PVSEG ? looseRows.stream().map(ReportBuilder::wholePvSeg).toList() : looseRows);
            }
            case VG -> {
                for (VgView vg : a.vgs()) {
                    vgs.add(new VgGroup(vg, () -> List.of(new Row(null, vg, new LvRelations(vg), null, null)), List.of()));
                }
            }
            case LV, SEG -> {
                for (VgView vg : a.vgs()) {
                    if (vg.metadata().exported()) {
                        // lvm2's lvs skips exported VGs: their LVs belong to whoever imports them next.
                        continue;
                    }
                    vgs.add(new VgGroup(vg, () -> lvRows(vg, type, all, history), List.of()));
                }
            }
        }
        return new Groups(vgs, loose);
    }

    private static Row pvRow(PvEntry.Kind kind, DeviceScan.PvScan scan, VgView vg, LvRelations rel) {
        return new Row(new PvEntry(kind, scan.device(), scan.deviceSize(), scan, null, vg, rel), vg, rel, null, null);
    }

    /** A VG's PV rows, with the unused duplicates of its PVs (their VG columns are the VG's). */
    /** The rows of devices that carry a label: a missing PV has none. */
    private static List<Row> labelled(List<Row> rows) {
        return rows.stream().filter(r -> r.pv().kind() != PvEntry.Kind.MISSING).toList();
    }

    private static List<Row> pvRows(VgView vg, List<DeviceScan.PvScan> duplicates) {
        LvRelations rel = new LvRelations(vg);
        List<Row> rows = new ArrayList<>();
        for (VgPv pv : vg.pvs()) {
            PvEntry e = pv.missing()
                    ? new PvEntry(PvEntry.Kind.MISSING, "[unknown]", 0, null, pv, vg, rel)
                    : new PvEntry(PvEntry.Kind.IN_VG, pv.device().device(), pv.device().deviceSize(), pv.device(), pv, vg, rel);
            rows.add(new Row(e, vg, rel, null, null));
        }
        for (DeviceScan.PvScan d : duplicates) {
            rows.add(pvRow(PvEntry.Kind.DUPLICATE, d, vg, rel));
        }
        return rows;
    }

    private static Row wholePvSeg(Row r) {
        return new Row(r.pv(), r.vg(), r.relations(), null, null, new Row.PvSeg(0, 0));
    }

    /**
     * pvs --segments: each PV's extents in order, one row per run allocated to an LV segment
     * area and one per free gap between them (lvm2's pv_segments). A PV without extents (a
     * duplicate) is one empty segment.
     */
    private static List<Row> pvSegRows(List<Row> pvRows) {
        List<Row> out = new ArrayList<>();
        for (Row r : pvRows) {
            PvEntry p = r.pv();
            if (!p.inVg() || p.vgPv().meta().peCount() == 0) {
                out.add(wholePvSeg(r));
                continue;
            }
            String key = p.vgPv().meta().key();
            List<long[]> used = new ArrayList<>();
            List<LvMetadata> usedLv = new ArrayList<>();
            List<Segment> usedSeg = new ArrayList<>();
            for (LvMetadata lv : r.vg().metadata().lvs()) {
                for (Segment seg : lv.segments()) {
                    long perArea = Fields.areaLen(seg);
                    for (io.lvmcoord.scan.metadata.SegmentArea a : seg.areas()) {
                        if (a instanceof io.lvmcoord.scan.metadata.SegmentArea.OnPv on && on.pvKey().equals(key)) {
                            used.add(new long[]{on.startExtent(), perArea});
                            usedLv.add(lv);
                            usedSeg.add(seg);
                        }
                    }
                }
            }
            Integer[] order = new Integer[used.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (x, y) -> Long.compare(used.get(x)[0], used.get(y)[0]));
            long next = 0;
            long peCount = p.vgPv().meta().peCount();
            for (int i : order) {
                long start = used.get(i)[0];
                if (start > next) {
                    out.add(new Row(p, r.vg(), r.relations(), null, null, new Row.PvSeg(next, start - next)));
                }
                out.add(new Row(p, r.vg(), r.relations(), usedLv.get(i), usedSeg.get(i), new Row.PvSeg(start, used.get(i)[1])));
                next = Math.max(next, start + used.get(i)[1]);
            }
            if (next < peCount) {
                out.add(new Row(p, r.vg(), r.relations(), null, null, new Row.PvSeg(next, peCount - next)));
            }
        }
        return out;
    }

    /**
     * A VG's LV (or segment) rows; with {@code history} (lvs -H) also its historical LVs, which
     * have no segments (lvm2 lists them in LV reports only).
     */
    private static List<Row> lvRows(VgView vg, ReportType type, boolean all, boolean history) {
        LvRelations rel = new LvRelations(vg, history);
        List<Row> rows = new ArrayList<>();
        for (LvMetadata lv : rel.reportableLvs(all)) {
            if (type == ReportType.LV) {
                rows.add(new Row(null, vg, rel, lv, null));
            } else {
                for (Segment seg : lv.segments()) {
                    rows.add(new Row(null, vg, rel, lv, seg));
                }
            }
        }
        if (history && type == ReportType.LV) {
            for (LvMetadata h : rel.historicalLvs()) {
                rows.add(new Row(null, vg, rel, h, null));
            }
        }
        return rows;
    }
}
