package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.DuplicatePv;
import io.lvmcoord.coordinator.assembly.LoosePv;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.Uuids;
import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.Segment;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an {@link Assembly} into report rows the way lvm2's {@code pvs/vgs/lvs} do: field
 * selection ({@code -o}, {@code +}/{@code -} modifiers, prefix-less names), the switch of an LV
 * report to segments when a segment field is asked for, lvm2's default sort keys (strings by
 * byte order, numbers by value, hidden LVs by their bare name) and unit rendering.
 */
public final class ReportBuilder {

    /** A request lvm2 would refuse; the message is lvm2's wording where one exists. */
    public static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        public BadRequest(String message) {
            super(message);
        }
    }

    private final Fields fields;

    public ReportBuilder(Fields fields) {
        this.fields = fields;
    }

    public Report build(Assembly assembly, ReportRequest req) throws BadRequest {
        ReportType type = req.type();
        List<FieldDef> columns = resolveColumns(type, req.fieldSpecs());
        if (type == ReportType.LV && columns.stream().anyMatch(c -> c.scope() == ReportType.SEG)) {
            type = ReportType.SEG;
        }
        for (FieldDef c : columns) {
            if (!allowed(type, c.scope())) {
                throw new BadRequest("Field " + c.id() + " cannot be used in a " + type.jsonKey() + " report.");
            }
        }
        List<Row> rows = rows(assembly, type, req.all());
        List<SortKey> sort = resolveSort(type, req.sortSpecs());
        Map<Row, Cell[]> sortCells = new IdentityHashMap<>();
        for (Row r : rows) {
            Cell[] cells = new Cell[sort.size()];
            for (int i = 0; i < sort.size(); i++) {
                cells[i] = sort.get(i).field().value().apply(r);
            }
            sortCells.put(r, cells);
        }
        rows.sort((a, b) -> {
            Cell[] ca = sortCells.get(a);
            Cell[] cb = sortCells.get(b);
            for (int i = 0; i < sort.size(); i++) {
                int c = compare(ca[i], cb[i]);
                if (c != 0) {
                    return sort.get(i).descending() ? -c : c;
                }
            }
            return 0;
        });
        List<List<String>> out = new ArrayList<>();
        for (Row r : rows) {
            List<String> line = new ArrayList<>(columns.size());
            for (FieldDef c : columns) {
                line.add(render(c, c.value().apply(r), req));
            }
            out.add(line);
        }
        return new Report(type, columns, out);
    }

    private static boolean allowed(ReportType report, ReportType scope) {
        return switch (report) {
            case PV -> scope == ReportType.PV || scope == ReportType.VG;
            case VG -> scope == ReportType.VG;
            case LV -> scope == ReportType.LV || scope == ReportType.VG;
            case SEG -> scope == ReportType.SEG || scope == ReportType.LV || scope == ReportType.VG;
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
                if (mode == '+') {
                    ids.add(lookup(type, item).id());
                } else if (mode == '-') {
                    String id = lookup(type, item).id();
                    ids.removeIf(id::equals);
                } else {
                    if (!replaced) {
                        ids.clear();
                        replaced = true;
                    }
                    ids.add(lookup(type, item).id());
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
        String n = name.trim();
        if (fields.find(n).isPresent()) {
            return fields.find(n).get();
        }
        for (String prefix : prefixes(type)) {
            if (fields.find(prefix + n).isPresent()) {
                return fields.find(prefix + n).get();
            }
        }
        if (fields.knownButUnsupported(n)) {
            throw new BadRequest("Field '" + n + "' is an lvm2 field that lvmcoord does not report yet.");
        }
        throw new BadRequest("Unrecognised field: " + n);
    }

    private static List<String> prefixes(ReportType type) {
        return switch (type) {
            case PV -> List.of("pv_", "vg_");
            case VG -> List.of("vg_");
            case LV -> List.of("lv_", "vg_", "seg_");
            case SEG -> List.of("seg_", "lv_", "vg_");
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
            keys.add(new SortKey(lookup(type, id), desc));
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

    private static List<Row> rows(Assembly a, ReportType type, boolean all) {
        List<Row> rows = new ArrayList<>();
        switch (type) {
            case PV -> {
                Map<String, VgView> vgByPvUuid = new java.util.HashMap<>();
                for (VgView vg : a.vgs()) {
                    LvRelations rel = new LvRelations(vg);
                    for (VgPv pv : vg.pvs()) {
                        vgByPvUuid.put(Uuids.undashed(pv.meta().id()), vg);
                        PvEntry e = pv.missing()
                                ? new PvEntry(PvEntry.Kind.MISSING, "[unknown]", 0, null, pv, vg, rel)
                                : new PvEntry(PvEntry.Kind.IN_VG, pv.device().device(), pv.device().deviceSize(), pv.device(), pv, vg, rel);
                        rows.add(new Row(e, vg, rel, null, null));
                    }
                }
                for (LoosePv l : a.loosePvs()) {
                    PvEntry.Kind k = l.unknownVg() ? PvEntry.Kind.UNKNOWN_VG : PvEntry.Kind.ORPHAN;
                    rows.add(new Row(new PvEntry(k, l.scan().device(), l.scan().deviceSize(), l.scan(), null, null, null), null, null, null, null));
                }
                for (DuplicatePv d : a.duplicates()) {
                    VgView vg = vgByPvUuid.get(d.scan().label().pvUuid());
                    rows.add(new Row(new PvEntry(PvEntry.Kind.DUPLICATE, d.scan().device(), d.scan().deviceSize(), d.scan(), null, vg, null),
                            vg, null, null, null));
                }
                if (all) {
                    for (DeviceScan.NotAPv n : a.nonPvDevices()) {
                        rows.add(new Row(new PvEntry(PvEntry.Kind.NOT_PV, n.device(), n.deviceSize(), null, null, null, null),
                                null, null, null, null));
                    }
                }
            }
            case VG -> {
                for (VgView vg : a.vgs()) {
                    rows.add(new Row(null, vg, new LvRelations(vg), null, null));
                }
            }
            case LV, SEG -> {
                for (VgView vg : a.vgs()) {
                    if (vg.metadata().exported()) {
                        // lvm2's lvs skips exported VGs: their LVs belong to whoever imports them next.
                        continue;
                    }
                    LvRelations rel = new LvRelations(vg);
                    for (LvMetadata lv : rel.reportableLvs(all)) {
                        if (type == ReportType.LV) {
                            rows.add(new Row(null, vg, rel, lv, null));
                        } else {
                            for (Segment seg : lv.segments()) {
                                rows.add(new Row(null, vg, rel, lv, seg));
                            }
                        }
                    }
                }
            }
        }
        return rows;
    }
}
