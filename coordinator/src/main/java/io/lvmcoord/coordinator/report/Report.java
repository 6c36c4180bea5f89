package io.lvmcoord.coordinator.report;

import java.util.List;

/** A computed report: its type (after any switch to segments), columns and rendered values. */
public record Report(ReportType type, List<FieldDef> columns, List<List<String>> rows) {
    public Report {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
