package io.lvmcoord.coordinator.report.select;

import java.util.ArrayList;
import java.util.List;

/**
 * The selection help libdevmapper prints for {@code -S help} (after the field listing) and before some
 * syntax errors: operands, reserved values, operators. Lines are given without lvm2's two-blank indent.
 */
public final class SelectionHelp {

    private SelectionHelp() {
    }

    public static List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("Selection operands");
        out.add("------------------");
        out.add("  field               - Reporting field.");
        out.add("  number              - Non-negative integer value.");
        out.add("  size                - Floating point value with units, 'm' unit used by default if not specified.");
        out.add("  percent             - Non-negative integer with or without % suffix.");
        out.add("  string              - Characters quoted by ' or \" or unquoted.");
        out.add("  string list         - Strings enclosed by [ ] or { } and elements delimited by either");
        out.add("                        \"all items must match\" or \"at least one item must match\" operator.");
        out.add("  regular expression  - Characters quoted by ' or \" or unquoted.");
        out.add(" ");
        out.add("Reserved values");
        out.add("---------------");
        List<ReservedValues.Entry> listed = listedReservedValues();
        int width = 0;
        for (ReservedValues.Entry e : listed) {
            width = Math.max(width, e.names().stream().mapToInt(n -> n.length() + 2).sum());
        }
        for (ReservedValues.Entry e : listed) {
            String type = e.fieldId() == null ? e.typeKind().displayName() : "unknown";
            out.add(String.format("  %-" + width + "s - %s [%s]", String.join(", ", e.names()), e.description(), type));
        }
        out.add(" ");
        out.add("Selection operators");
        out.add("-------------------");
        out.add("  Comparison operators:");
        for (Operators.Comparison op : Operators.COMPARISONS) {
            out.add(String.format("    %6s  - %s", op.text(), op.description()));
        }
        out.add(" ");
        out.add("  Logical and grouping operators:");
        for (Operators.Logical op : Operators.LOGICAL) {
            out.add(String.format("    %4s  - %s", op.text(), op.description()));
        }
        out.add(" ");
        return out;
    }

    /**
     * libdevmapper stops listing at the first reserved value with no flags at all (vg_mda_copies
     * "unmanaged"), so lvm2 2.03.16 lists only the first entries of values.h.
     */
    private static List<ReservedValues.Entry> listedReservedValues() {
        List<ReservedValues.Entry> listed = new ArrayList<>();
        for (ReservedValues.Entry e : ReservedValues.entries()) {
            if (e.fieldId() != null && !e.named()) {
                break;
            }
            listed.add(e);
        }
        return listed;
    }
}
