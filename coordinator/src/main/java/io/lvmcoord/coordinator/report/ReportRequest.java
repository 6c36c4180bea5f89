package io.lvmcoord.coordinator.report;

import java.util.List;

/**
 * What an operator asked for, in lvm2's terms.
 *
 * @param fieldSpecs each {@code -o} argument as given ({@code a,b}, {@code +c}, {@code -d})
 * @param sortSpecs  each {@code -O} argument; empty means lvm2's default sort for the report
 * @param all        {@code -a}: hidden LVs, and devices that are not PVs
 * @param headings   false for {@code --noheadings} / {@code --headings none}
 * @param separator  {@code --separator}; null for aligned columns
 * @param aligned    {@code --aligned}: pad columns even with a separator
 * @param binary     {@code --binary}: 0/1 for yes/no fields
 * @param layout     the remaining output switches ({@code --nameprefixes}, {@code --unquoted}, {@code --rows},
 *                   {@code --headings full})
 * @param names      the positional arguments as given: VG names, {@code vg/lv}, {@code @tag}, PV device names
 *                   ({@link ReportScope} reads them with lvm2's rules)
 * @param segments   {@code --segments}; for an LV report the type is already {@link ReportType#SEG}, for a PV
 *                   report it asks for lvm2's PV segment report (pvseg fields)
 * @param select     {@code -S/--select} as given, or null
 * @param foreign    {@code --foreign}: include VGs owned by another host's system ID
 * @param shared     {@code --shared}: include shared (lockd) VGs
 * @param history    {@code -H/--history}: historical LVs too (lvs), and named in ancestor/descendant lists
 */
public record ReportRequest(ReportType type, List<String> fieldSpecs, List<String> sortSpecs, boolean all, Units units,
                            boolean headings, String separator, boolean aligned, boolean binary, Format format,
                            Layout layout, List<String> names, boolean segments, String select, boolean foreign,
                            boolean shared, boolean history) {

    /** lvm2's {@code --reportformat}; JSON_STD is lvm2 2.03.17's (numbers as JSON numbers, lists as arrays). */
    public enum Format { BASIC, JSON, JSON_STD }

    /**
     * Output switches of the basic format (and, for the first two, lvm2's JSON quirks).
     *
     * @param namePrefixes {@code --nameprefixes}: {@code LVM2_FIELD='value'}, never padded
     * @param unquoted     {@code --unquoted}: no quotes around values with name prefixes
     * @param rows         {@code --rows}: one line per field, one column per object, never padded
     * @param fieldIdHeadings {@code --headings full}: the field ids as headings (lvm2 2.03.22's)
     */
    public record Layout(boolean namePrefixes, boolean unquoted, boolean rows, boolean fieldIdHeadings) {
        public static final Layout DEFAULT = new Layout(false, false, false, false);
    }

    public ReportRequest {
        fieldSpecs = List.copyOf(fieldSpecs);
        sortSpecs = List.copyOf(sortSpecs);
        names = List.copyOf(names);
        layout = layout == null ? Layout.DEFAULT : layout;
    }

    /** A request with lvm2's default layout, every object in scope and no selection. */
    public ReportRequest(ReportType type, List<String> fieldSpecs, List<String> sortSpecs, boolean all, Units units,
                         boolean headings, String separator, boolean aligned, boolean binary, Format format) {
        this(type, fieldSpecs, sortSpecs, all, units, headings, separator, aligned, binary, format, Layout.DEFAULT, List.of(),
                type == ReportType.SEG, null, false, false, false);
    }

    public static ReportRequest defaults(ReportType type) {
        return new ReportRequest(type, List.of(), List.of(), false, Units.DEFAULT, true, null, false, false, Format.BASIC);
    }

    /** Whether the output is one of the JSON formats. */
    public boolean json() {
        return format != Format.BASIC;
    }
}
