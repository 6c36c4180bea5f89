package io.lvmcoord.coordinator.report;

import java.util.List;

/**
 * What an operator asked for, in lvm2's terms.
 *
 * @param fieldSpecs each {@code -o} argument as given ({@code a,b}, {@code +c}, {@code -d})
 * @param sortSpecs  each {@code -O} argument; empty means lvm2's default sort for the report
 * @param all        {@code -a}: hidden LVs, and devices that are not PVs
 * @param separator  {@code --separator}; null for aligned columns
 * @param aligned    {@code --aligned}: pad columns even with a separator
 * @param binary     {@code --binary}: 0/1 for yes/no fields
 */
public record ReportRequest(ReportType type, List<String> fieldSpecs, List<String> sortSpecs, boolean all, Units units,
                            boolean headings, String separator, boolean aligned, boolean binary, Format format) {

    public enum Format { BASIC, JSON }

    public ReportRequest {
        fieldSpecs = List.copyOf(fieldSpecs);
        sortSpecs = List.copyOf(sortSpecs);
    }

    public static ReportRequest defaults(ReportType type) {
        return new ReportRequest(type, List.of(), List.of(), false, Units.DEFAULT, true, null, false, false, Format.BASIC);
    }
}
