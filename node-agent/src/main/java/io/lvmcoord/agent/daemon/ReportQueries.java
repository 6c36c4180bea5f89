package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.client.ReportQuery;
import io.lvmcoord.coordinator.report.Fields;
import io.lvmcoord.coordinator.report.ReportRequest;
import io.lvmcoord.coordinator.report.ReportScope;
import io.lvmcoord.coordinator.report.ReportType;
import io.lvmcoord.coordinator.report.Units;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** A {@link ReportQuery} as the report builder takes it: direct mode and the agent both make their request here. */
public final class ReportQueries {

    /** lvm2's report/pvsegs_cols: the columns of {@code pvs --segments}. */
    static final String PVSEGS_COLS = "pv_name,vg_name,pv_fmt,pv_attr,pv_size,pv_free,pvseg_start,pvseg_size";
    /** lvm2's report/pvsegs_sort. */
    static final String PVSEGS_SORT = "pv_name,pvseg_start";

    private ReportQueries() {
    }

    /**
     * The request lvm2 would make of these flags.
     *
     * @throws ReportQuery.BadQuery what lvm2 refuses before reporting (exit 3), in its words
     */
    public static ReportRequest toRequest(ReportQuery q) throws ReportQuery.BadQuery {
        if (q.command().equals("fullreport")) {
            throw new ReportQuery.BadQuery("fullreport has one request per subreport: see FullReport");
        }
        ReportType type = switch (q.command()) {
            case "pvs" -> q.segments() ? ReportType.PVSEG : ReportType.PV;
            case "vgs" -> ReportType.VG;
            default -> q.segments() ? ReportType.SEG : ReportType.LV;
        };
        return toRequest(q, type, q.options(), q.sort(), q.names());
    }

    /** The request of one report type with these -o and -O (fullreport makes one per subreport). */
    static ReportRequest toRequest(ReportQuery q, ReportType type, List<String> options, List<String> sort, List<String> names)
            throws ReportQuery.BadQuery {
        Units units;
        try {
            units = Units.parse(q.units(), q.nosuffix());
        } catch (IllegalArgumentException e) {
            throw ReportQuery.invalid(q.command(), List.of(e.getMessage()));
        }
        try {
            ReportScope.parse(type, names);
        } catch (ReportScope.BadArguments e) {
            throw ReportQuery.invalid(q.command(), e.lines());
        }
        ReportRequest.Format format = switch (q.format()) {
            case "json" -> ReportRequest.Format.JSON;
            case "json_std" -> ReportRequest.Format.JSON_STD;
            default -> ReportRequest.Format.BASIC;
        };
        String headings = q.more().headings();
        boolean showHeadings = !q.noheadings() && !"none".equals(headings) && !"0".equals(headings);
        boolean fieldIds = "full".equals(headings) || "2".equals(headings);
        boolean pvSegments = type == ReportType.PVSEG;
        List<String> fieldSpecs = new ArrayList<>();
        boolean replaces = options.stream().anyMatch(o -> !o.trim().startsWith("+") && !o.trim().startsWith("-"));
        if (!replaces) {
            // -v and pvs --segments change lvm2's default columns; -o +x / -x then edit those.
            String defaults = pvSegments ? (q.more().verbose() ? PVSEGS_COLS_VERBOSE : PVSEGS_COLS)
                    : q.more().verbose() ? verboseColumns(type) : null;
            if (defaults != null) {
                fieldSpecs.add(defaults);
            }
        }
        fieldSpecs.addAll(options);
        List<String> sortSpecs = sort.isEmpty() && pvSegments ? List.of(PVSEGS_SORT) : sort;
        // json_std is lvm2's strict type mode: yes/no fields are numbers there.
        boolean binary = q.binary() || format == ReportRequest.Format.JSON_STD;
        ReportRequest.Layout layout = new ReportRequest.Layout(q.more().namePrefixes(), q.more().unquoted(), q.more().rows(), fieldIds);
        return new ReportRequest(type, fieldSpecs, sortSpecs, q.all(), units, showHeadings, q.separator(), q.aligned(), binary, format,
                layout, names, q.segments(), q.more().select(), q.more().foreign(), q.more().shared(), q.more().history());
    }

    static final String PVSEGS_COLS_VERBOSE = "pv_name,vg_name,pv_fmt,pv_attr,pv_size,pv_free,pvseg_start,pvseg_size,lv_name,"
            + "seg_start_pe,segtype,seg_pe_ranges";

    /** lvm2's report/*_cols_verbose: the default columns with -v. */
    static String verboseColumns(ReportType type) {
        return switch (type) {
            case PV -> "pv_name,vg_name,pv_fmt,pv_attr,pv_size,pv_free,dev_size,pv_uuid";
            case VG -> "vg_name,vg_attr,vg_extent_size,pv_count,lv_count,snap_count,vg_size,vg_free,vg_uuid,vg_profile";
            case LV -> "lv_name,vg_name,seg_count,lv_attr,lv_size,lv_major,lv_minor,lv_kernel_major,lv_kernel_minor,pool_lv,origin,"
                    + "data_percent,metadata_percent,move_pv,copy_percent,mirror_log,convert_lv,lv_uuid,lv_profile";
            case SEG -> "lv_name,vg_name,lv_attr,seg_start,seg_size,stripes,segtype,stripesize,chunksize";
            case PVSEG -> PVSEGS_COLS_VERBOSE;
        };
    }
}
