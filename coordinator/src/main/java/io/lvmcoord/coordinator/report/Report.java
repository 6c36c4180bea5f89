package io.lvmcoord.coordinator.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A computed report: its type (after any switch to segments), columns and rendered values, and
 * the VGs whose rows could not be computed (left out, the other VGs reported as usual).
 *
 * @param notFound lvm2's errors for the objects named on the command line that are not there
 *                 ({@link ReportScope}), in lvm2's order; any of them fails the command
 * @param notices  what lvm2 prints on stderr without failing ({@code -S help}), before the warnings
 */
public record Report(ReportType type, List<FieldDef> columns, List<List<String>> rows, List<VgFailure> failures,
                     List<String> notFound, List<String> notices) {

    /**
     * A VG whose metadata made a row impossible to compute (an impossible size, a reference no
     * valid VG has). lvm2 refuses such a VG when it reads it, and so does the report.
     *
     * @param reason what was wrong, for logs and tests (not part of lvm2's output)
     */
    public record VgFailure(String vgName, String vgUuid, String reason) {
    }

    public Report {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        failures = List.copyOf(failures);
        notFound = List.copyOf(notFound);
        notices = List.copyOf(notices);
    }

    public Report(ReportType type, List<FieldDef> columns, List<List<String>> rows, List<VgFailure> failures, List<String> notFound) {
        this(type, columns, rows, failures, notFound, List.of());
    }

    public Report(ReportType type, List<FieldDef> columns, List<List<String>> rows, List<VgFailure> failures) {
        this(type, columns, rows, failures, List.of());
    }

    public Report(ReportType type, List<FieldDef> columns, List<List<String>> rows) {
        this(type, columns, rows, List.of());
    }

    /**
     * lvm2's messages for the failed VGs, in its words for a VG that it cannot read: the import
     * failed, so {@code vg_read} says the VG is not found and the command loop that it cannot
     * process it (lvm2 then exits non-zero, and so should callers when this is not empty).
     */
    public List<String> warnings() {
        List<String> out = new ArrayList<>(notices);
        out.addAll(notFound);
        for (VgFailure f : failures) {
            out.add("Volume group \"" + f.vgName() + "\" not found");
            out.add("Cannot process volume group " + f.vgName());
        }
        return out;
    }

    public boolean failed() {
        return !failures.isEmpty() || !notFound.isEmpty();
    }
}
