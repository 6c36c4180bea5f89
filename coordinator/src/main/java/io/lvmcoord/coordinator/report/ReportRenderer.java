package io.lvmcoord.coordinator.report;

import java.util.List;

/**
 * Prints a {@link Report} exactly as lvm2 2.03.16 does: the JSON layout of
 * {@code --reportformat json} (indentation, one object per line, every value a string), or the
 * basic layout (two-space indent, headings padded left, numbers right-aligned, or fields joined
 * by {@code --separator}).
 */
public final class ReportRenderer {
    private ReportRenderer() {
    }

    public static String json(Report report) {
        StringBuilder sb = new StringBuilder();
        sb.append("  {\n");
        sb.append("      \"report\": [\n");
        sb.append("          {\n");
        sb.append("              \"").append(report.type().jsonKey()).append("\": [\n");
        for (int i = 0; i < report.rows().size(); i++) {
            List<String> row = report.rows().get(i);
            sb.append("                  {");
            for (int c = 0; c < report.columns().size(); c++) {
                if (c > 0) {
                    sb.append(", ");
                }
                sb.append('"').append(report.columns().get(c).id()).append("\":\"");
                escape(row.get(c), sb);
                sb.append('"');
            }
            sb.append('}');
            sb.append(i + 1 < report.rows().size() ? ",\n" : "\n");
        }
        sb.append("              ]\n");
        sb.append("          }\n");
        sb.append("      ]\n");
        sb.append("  }\n");
        return sb.toString();
    }

    private static void escape(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
    }

    public static String basic(Report report, boolean headings, String separator, boolean aligned) {
        if (report.rows().isEmpty()) {
            // lvm2 prints no heading line for an empty basic report.
            return "";
        }
        List<FieldDef> cols = report.columns();
        boolean pad = separator == null || aligned;
        String sep = separator == null ? " " : separator;
        int[] width = new int[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            width[c] = Math.max(cols.get(c).width(), headings ? cols.get(c).heading().length() : 0);
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
                String h = cols.get(c).heading();
                sb.append(pad ? padRight(h, width[c]) : h);
            }
            sb.append('\n');
        }
        for (List<String> row : report.rows()) {
            sb.append("  ");
            for (int c = 0; c < cols.size(); c++) {
                if (c > 0) {
                    sb.append(sep);
                }
                String v = row.get(c);
                if (!pad) {
                    sb.append(v);
                } else if (cols.get(c).rightAligned()) {
                    sb.append(" ".repeat(width[c] - v.length())).append(v);
                } else {
                    sb.append(padRight(v, width[c]));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String padRight(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }
}
