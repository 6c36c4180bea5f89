package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.report.select.FieldType;
import io.lvmcoord.coordinator.report.select.SelectField;
import io.lvmcoord.coordinator.report.select.SelectValue;
import io.lvmcoord.coordinator.report.select.Selection;
import io.lvmcoord.coordinator.report.select.SelectionResult;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Binds lvm2's {@code -S} grammar (package {@code select}) to the report: field names resolve as
 * libdevmapper resolves them (its implicit fields first, then ids compared without underscores
 * and case, with or without the report's prefix), and each row's cells become the typed values
 * selection compares (sizes in bytes, flags as 0/1, lists as items, times as epoch seconds).
 *
 * <p>lvm2 also lets a selection name fields of a wider report (an LV field in {@code vgs}) and
 * then reports per LV, selecting the VG when any LV matches; here a selection names fields the
 * report itself can show, and a wider field is refused as unrecognised.
 */
final class RowSelection {
    private final Fields fields;
    private final ReportType type;
    private final Selection selection;

    private RowSelection(Fields fields, ReportType type, Selection selection) {
        this.fields = fields;
        this.type = type;
        this.selection = selection;
    }

    /** Compiles {@code expression} for a report of {@code type}; the result says how it failed or asks for help. */
    static SelectionResult compile(Fields fields, ReportType type, String expression, Instant now, ZoneId zone) {
        return Selection.compile(expression, name -> resolve(fields, type, name), now, zone);
    }

    static RowSelection of(Fields fields, ReportType type, Selection selection) {
        return new RowSelection(fields, type, selection);
    }

    boolean selectsAll() {
        return selection.selectsAll();
    }

    /** Each field the selection names is computed once per row, when the selection first asks for it. */
    boolean test(Row row) {
        Map<String, SelectValue> values = new HashMap<>();
        return selection.test(id -> values.computeIfAbsent(id, k -> value(k, row)));
    }

    private static Optional<SelectField> resolve(Fields fields, ReportType type, String typed) {
        String canon = typed.replace("_", "");
        for (String implicit : List.of("selected", "help", "?")) {
            if (implicit.equalsIgnoreCase(canon)) {
                return Optional.of(new SelectField(implicit, FieldType.NUM, implicit.equals("selected")));
            }
        }
        String prefix = prefixOf(type);
        for (String id : fields.supportedIds()) {
            FieldDef def = fields.find(id).orElseThrow();
            if (!ReportBuilder.allowed(type, def.scope())) {
                continue;
            }
            String cid = id.replace("_", "");
            boolean same = cid.equalsIgnoreCase(canon)
                    || (cid.toLowerCase(Locale.ROOT).startsWith(prefix) && cid.substring(prefix.length()).equalsIgnoreCase(canon));
            if (same) {
                return Optional.of(SelectField.of(id, fields.selectType(id)));
            }
        }
        return Optional.empty();
    }

    /** libdevmapper compares names with the report's own prefix, without its underscore. */
    private static String prefixOf(ReportType type) {
        return switch (type) {
            case PV -> "pv";
            case PVSEG -> "pvseg";
            case VG -> "vg";
            case LV -> "lv";
            case SEG -> "seg";
        };
    }

    private SelectValue value(String id, Row row) {
        if (id.equals("selected")) {
            return SelectValue.Num.of(true);
        }
        FieldDef def = fields.find(id).orElseThrow();
        Cell cell = def.value().apply(row);
        FieldType t = fields.selectType(id);
        return switch (t) {
            case STR -> new SelectValue.Str(text(cell));
            case NUM, SNUM, BIN -> number(t, cell);
            case SIZ -> size(cell);
            case PCT -> text(cell).isEmpty() ? SelectValue.Percent.INVALID : percent(text(cell));
            case STR_LIST -> {
                String s = text(cell);
                yield new SelectValue.StrList(s.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(s.split(","))));
            }
            case TIM -> new SelectValue.Time(time(id, row));
        };
    }

    private static String text(Cell c) {
        if (c instanceof Cell.Text t) {
            return t.text();
        }
        if (c instanceof Cell.Num n) {
            return n.blank() ? "" : Long.toString(n.value());
        }
        return Long.toString(((Cell.Size) c).bytes());
    }

    private static SelectValue number(FieldType t, Cell c) {
        if (c instanceof Cell.Num n) {
            if (n.blank()) {
                return SelectValue.Num.UNDEFINED;
            }
            return t == FieldType.SNUM ? SelectValue.Num.ofSigned(n.value()) : new SelectValue.Num(n.value());
        }
        String s = text(c);
        if (t == FieldType.BIN) {
            // A flag prints its word when set, "" when not; "unknown" is lvm2's undefined.
            return s.equals("unknown") ? SelectValue.Num.UNDEFINED : SelectValue.Num.of(!s.isEmpty());
        }
        try {
            long v = Long.parseLong(s);
            return t == FieldType.SNUM ? SelectValue.Num.ofSigned(v) : new SelectValue.Num(v);
        } catch (NumberFormatException e) {
            // "", "unknown", "unmanaged" and the like: lvm2's reserved undefined number.
            return SelectValue.Num.UNDEFINED;
        }
    }

    private static SelectValue size(Cell c) {
        if (c instanceof Cell.Size s) {
            return SelectValue.Size.ofBytes(s.bytes());
        }
        if (c instanceof Cell.Num n) {
            return n.blank() || n.value() < 0 ? SelectValue.Size.UNDEFINED : SelectValue.Size.ofBytes(n.value());
        }
        String s = text(c);
        return s.equals("auto") ? SelectValue.Size.AUTO : SelectValue.Size.UNDEFINED;
    }

    private static SelectValue percent(String s) {
        // Percentages come from the kernel's status; a value, when there is one, is "12.50".
        double d = Double.parseDouble(s);
        return SelectValue.Percent.ofDmPercent((int) Math.round(d * SelectValue.Percent.PERCENT_1));
    }

    private static long time(String id, Row row) {
        if (row.lv() == null) {
            return 0;
        }
        return id.equals("lv_time_removed") ? row.relations().removalTime(row.lv()) : row.lv().creationTime();
    }
}
