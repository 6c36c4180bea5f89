package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.client.ReportQuery;
import io.lvmcoord.coordinator.report.ReportRequest;
import io.lvmcoord.coordinator.report.ReportType;
import io.lvmcoord.coordinator.report.Units;

/** A {@link ReportQuery} as the report builder takes it: direct mode and the agent both make their request here. */
public final class ReportQueries {
    private ReportQueries() {
    }

    /** @throws ReportQuery.BadQuery for units lvm2 would refuse, in its words */
    public static ReportRequest toRequest(ReportQuery q) throws ReportQuery.BadQuery {
        ReportType type = switch (q.command()) {
            case "pvs" -> ReportType.PV;
            case "vgs" -> ReportType.VG;
            default -> q.segments() ? ReportType.SEG : ReportType.LV;
        };
        Units units;
        try {
            units = Units.parse(q.units(), q.nosuffix());
        } catch (IllegalArgumentException e) {
            throw new ReportQuery.BadQuery(e.getMessage());
        }
        ReportRequest.Format format = q.format().equals("json") ? ReportRequest.Format.JSON : ReportRequest.Format.BASIC;
        return new ReportRequest(type, q.options(), q.sort(), q.all(), units, !q.noheadings(), q.separator(), q.aligned(), q.binary(),
                format);
    }
}
