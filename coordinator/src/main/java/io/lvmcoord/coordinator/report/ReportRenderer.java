package io.lvmcoord.coordinator.report;

import java.util.List;
import java.util.Locale;

/**
 * Prints a {@link Report} exactly as lvm2 2.03.16 does: the JSON layout of
 * {@code --reportformat json} (indentation, one object per line, every value a string), or the
 * basic layout (two-space indent, headings padded left, numbers right-aligned, or fields joined
 * by {@code --separator}).
 *
 * <p>The basic layout follows lvm2's flags: columns are padded only while the report is
 * "aligned", which lvm2 turns off for {@code --separator} (unless {@code --aligned}), for
 * {@code --nameprefixes} and for {@code --rows} (even with {@code --aligned}). JSON is never
 * padded, has no headings and no rows mode; but lvm2 2.03.16 keeps the name-prefix flag in JSON,
 * where it closes each value with a single quote (or nothing with {@code --unquoted}) instead of a
 * double quote. That is a bug, and we print it, because scripts that work with lvm2 see it.
 *
 * <p>{@code json_std} is lvm2 2.03.17's strict JSON (this lvm2 refuses it): numbers and
 * percentages as JSON numbers ({@code null} when undefined), string lists as arrays, and both
 * backslash and double quote escaped.
 */
public final class ReportRenderer {
    /** lvm2's name prefix for --nameprefixes, upper-cased as it prints it. */
    private static final String NAME_PREFIX = "LVM2_";

    private ReportRenderer() {
    }

    /** The report as {@code req} asks for it: format, headings, separator and layout. */
    public static String render(Report report, ReportRequest req) {
        return switch (req.format()) {
            case JSON -> json(report, req.layout());
            case JSON_STD -> jsonStd(report);
            case BASIC -> req.layout().rows() ? rows(report, req) : columns(report, req);
        };
    }

    /** One subreport of a {@code fullreport} group: lvm2's JSON key (vg, pv, lv, pvseg, seg) and the report. */
    public record Section(String key, Report report) {
    }

    /**
     * lvm2's {@code fullreport}: per VG a group of subreports. In JSON each group is one object of
     * the "report" array, its subreports separated by a line holding a comma, an empty subreport
     * still printed as an empty array; the basic format prints the subreports one after the
     * other, an empty one not at all.
     */
    public static String full(List<List<Section>> groups, ReportRequest req) {
        if (!req.json()) {
            StringBuilder sb = new StringBuilder();
            for (List<Section> g : groups) {
                for (Section s : g) {
                    sb.append(render(s.report(), req));
                }
            }
            return sb.toString();
        }
        StringBuilder sb = new StringBuilder("  {\n      \"report\": [\n");
        for (int i = 0; i < groups.size(); i++) {
            if (i > 0) {
                sb.append("          ,\n");
            }
            sb.append("          {\n");
            List<Section> g = groups.get(i);
            for (int k = 0; k < g.size(); k++) {
                if (k > 0) {
                    sb.append("              ,\n");
                }
                sb.append("              \"").append(g.get(k).key()).append("\": [\n");
                sb.append(jsonRows(g.get(k).report(), req));
                sb.append("              ]\n");
            }
            sb.append("          }\n");
        }
        sb.append("      ]\n  }\n");
        return sb.toString();
    }

    private static String jsonRows(Report report, ReportRequest req) {
        String whole = req.format() == ReportRequest.Format.JSON_STD ? jsonStd(report) : json(report, req.layout());
        // The rows sit between the four opening lines (see open) and the array's closing line.
        int start = 0;
        for (int line = 0; line < 4; line++) {
            start = whole.indexOf('\n', start) + 1;
        }
        int end = whole.lastIndexOf("              ]\n");
        return whole.substring(start, end);
    }

    public static String json(Report report) {
        return json(report, ReportRequest.Layout.DEFAULT);
    }

    private static String json(Report report, ReportRequest.Layout layout) {
        return jsonRows(report, (sb, f, v) -> {
            sb.append('"').append(f.id()).append("\":\"");
            // lvm2 2.03.16 escapes the double quote only.
            sb.append(v.replace("\"", "\\\""));
            if (!layout.namePrefixes()) {
                sb.append('"');
            } else if (!layout.unquoted()) {
                sb.append('\'');
            }
        });
    }

    private static String jsonStd(Report report) {
        return jsonRows(report, (sb, f, v) -> {
            sb.append('"').append(f.id()).append("\":");
            if (f.type().equals("STR_LIST")) {
                sb.append('[');
                if (!v.isEmpty()) {
                    String[] items = v.split(",", -1);
                    for (int k = 0; k < items.length; k++) {
                        sb.append(k > 0 ? "," : "").append('"').append(escapeStd(items[k])).append('"');
                    }
                }
                sb.append(']');
            } else if (numeric(f)) {
                sb.append(v.isEmpty() ? "null" : escapeStd(v));
            } else {
                sb.append('"').append(escapeStd(v)).append('"');
            }
        });
    }

    /** How one "field": value pair of a JSON row is written (json and json_std differ only there). */
    @FunctionalInterface
    private interface JsonValue {
        void append(StringBuilder sb, FieldDef field, String value);
    }

    private static String jsonRows(Report report, JsonValue value) {
        StringBuilder sb = new StringBuilder();
        open(sb, report);
        for (int i = 0; i < report.rows().size(); i++) {
            List<String> row = report.rows().get(i);
            sb.append("                  {");
            for (int c = 0; c < report.columns().size(); c++) {
                if (c > 0) {
                    sb.append(", ");
                }
                value.append(sb, report.columns().get(c), row.get(c));
            }
            sb.append('}');
            sb.append(i + 1 < report.rows().size() ? ",\n" : "\n");
        }
        close(sb);
        return sb.toString();
    }

    /** lvm2's pure numeric field types: NUM (with BIN and SNUM, both numbers to libdm) and PCT. */
    private static boolean numeric(FieldDef f) {
        return switch (f.type()) {
            case "NUM", "BIN", "SNUM", "PCT" -> true;
            default -> false;
        };
    }

    private static String escapeStd(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static void open(StringBuilder sb, Report report) {
        sb.append("  {\n");
        sb.append("      \"report\": [\n");
        sb.append("          {\n");
        sb.append("              \"").append(report.type().jsonKey()).append("\": [\n");
    }

    private static void close(StringBuilder sb) {
        sb.append("              ]\n");
        sb.append("          }\n");
        sb.append("      ]\n");
        sb.append("  }\n");
    }

    /** The basic layout with lvm2's defaults for everything but these four switches. */
    public static String basic(Report report, boolean headings, String separator, boolean aligned) {
        return columns(report, new ReportRequest(report.type(), List.of(), List.of(), false, Units.DEFAULT, headings, separator,
                aligned, false, ReportRequest.Format.BASIC));
    }

    /** Whether lvm2 pads this basic report: not with a separator (unless --aligned), never with name prefixes or rows. */
    static boolean padded(ReportRequest req) {
        ReportRequest.Layout l = req.layout();
        return !l.namePrefixes() && !l.rows() && (req.separator() == null || req.aligned());
    }

    private static String heading(FieldDef f, ReportRequest.Layout layout) {
        return layout.fieldIdHeadings() ? f.id() : f.heading();
    }

    private static String columns(Report report, ReportRequest req) {
        if (report.rows().isEmpty()) {
            // lvm2 prints no heading line for an empty basic report.
            return "";
        }
        ReportRequest.Layout layout = req.layout();
        boolean headings = req.headings();
        List<FieldDef> cols = report.columns();
        boolean pad = padded(req);
        String sep = separator(req);
        int[] width = new int[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            // lvm2's field table gives a width, 0 meaning the heading's length, with or without headings shown.
            width[c] = cols.get(c).width() > 0 ? cols.get(c).width() : cols.get(c).heading().length();
            if (layout.fieldIdHeadings() && headings) {
                width[c] = Math.max(width[c], cols.get(c).id().length());
            }
            for (List<String> row : report.rows()) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        if (headings) {
            sb.append("  ");
            for (int c = 0; c < cols.size(); c++) {
                if (c > 0) {
                    sb.append(sep);
                }
                String h = heading(cols.get(c), layout);
                // Padded headings are cut to the column's width, as lvm2's "%-*.*s" does (InitImgSyn).
                sb.append(pad ? padRight(h.length() > width[c] ? h.substring(0, width[c]) : h, width[c]) : h);
            }
            sb.append('\n');
        }
        for (List<String> row : report.rows()) {
            sb.append("  ");
            for (int c = 0; c < cols.size(); c++) {
                if (c > 0) {
                    sb.append(sep);
                }
                FieldDef f = cols.get(c);
                String v = row.get(c);
                if (pad) {
                    v = f.rightAligned() ? " ".repeat(Math.max(0, width[c] - v.length())) + v : padRight(v, width[c]);
                }
                value(sb, f, v, layout);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * {@code --rows}: one line per field, its heading first (unless --noheadings), then the
     * field's value for each object; lvm2 never pads in this mode.
     */
    private static String rows(Report report, ReportRequest req) {
        if (report.rows().isEmpty()) {
            return "";
        }
        ReportRequest.Layout layout = req.layout();
        String sep = separator(req);
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < report.columns().size(); c++) {
            FieldDef f = report.columns().get(c);
            sb.append("  ");
            if (req.headings()) {
                sb.append(heading(f, layout)).append(sep);
            }
            for (int r = 0; r < report.rows().size(); r++) {
                if (r > 0) {
                    sb.append(sep);
                }
                value(sb, f, report.rows().get(r).get(c), layout);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String separator(ReportRequest req) {
        return req.separator() == null ? " " : req.separator();
    }

    /** One value of the basic layout: {@code LVM2_ID='v'} with --nameprefixes (no quotes with --unquoted), else as is. */
    private static void value(StringBuilder sb, FieldDef f, String v, ReportRequest.Layout layout) {
        if (!layout.namePrefixes()) {
            sb.append(v);
            return;
        }
        String quote = layout.unquoted() ? "" : "'";
        sb.append(NAME_PREFIX).append(f.id().toUpperCase(Locale.ROOT)).append('=').append(quote).append(v).append(quote);
    }

    private static String padRight(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }
}
