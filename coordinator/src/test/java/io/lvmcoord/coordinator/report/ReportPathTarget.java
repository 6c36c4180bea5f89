package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.fuzz.FuzzInputs;
import io.lvmcoord.scan.fuzz.ScanTargets;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzz target (d) of issue 11, the whole report path: the devices are decoded and assembled, then
 * pvs, vgs, lvs and lvs --segments are built with and without {@code -a}, each asking for every
 * field the registry supports in that report, and rendered as basic and as JSON. A request made
 * only of supported fields must never be refused, and every row must have one value per column.
 */
public final class ReportPathTarget {
    private static final Fields FIELDS = new Fields(ZoneId.of("UTC"));
    private static final ReportBuilder BUILDER = new ReportBuilder(FIELDS);
    /** Per report type, every supported field allowed in it (as ReportBuilder.allowed defines the scopes). */
    private static final Map<ReportType, List<String>> ALL_FIELDS = Map.of(
            ReportType.PV, fieldsOf(ReportType.PV, ReportType.VG),
            ReportType.VG, fieldsOf(ReportType.VG),
            ReportType.LV, fieldsOf(ReportType.LV, ReportType.VG),
            ReportType.SEG, fieldsOf(ReportType.SEG, ReportType.LV, ReportType.VG));

    private ReportPathTarget() {
    }

    private static List<String> fieldsOf(ReportType... scopes) {
        List<ReportType> s = List.of(scopes);
        return FIELDS.supportedIds().stream().filter(id -> s.contains(FIELDS.find(id).orElseThrow().scope())).toList();
    }

    /** The fields asked for in a report of {@code type}. */
    static List<String> allFields(ReportType type) {
        return ALL_FIELDS.get(type);
    }

    /** Runs the input through decode, assembly, the four reports (with and without -a) and both renderers. */
    public static List<String> run(FuzzInputs.Devices in) {
        List<DeviceScan> scans = ScanTargets.decode(in);
        Assembly assembly = new VgAssembler().assemble(scans);
        List<String> out = new ArrayList<>();
        for (ReportType type : ReportType.values()) {
            List<String> fields = ALL_FIELDS.get(type);
            for (boolean all : new boolean[]{false, true}) {
                // The format only changes rendering, so one build serves both renderers.
                ReportRequest req = new ReportRequest(type, List.of(String.join(",", fields)), List.of(), all, Units.DEFAULT, true,
                        null, false, false, ReportRequest.Format.JSON);
                Report r;
                try {
                    r = BUILDER.build(assembly, req);
                } catch (ReportBuilder.BadRequest e) {
                    throw new AssertionError("a request made of supported fields was refused: " + e.getMessage(), e);
                }
                for (List<String> row : r.rows()) {
                    if (row.size() != fields.size()) {
                        throw new AssertionError(type + " row has " + row.size() + " values for " + fields.size() + " columns");
                    }
                }
                out.add(ReportRenderer.json(r));
                out.add(ReportRenderer.basic(r, true, null, false));
            }
        }
        return out;
    }
}
