package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.fuzz.FuzzInputs;
import io.lvmcoord.scan.fuzz.ScanTargets;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * Fuzz target (d) of issue 11, the whole report path: the devices are decoded and assembled, then
 * one of pvs, vgs, lvs and lvs --segments, with or without {@code -a}, asking for every field the
 * registry supports in that report, is built and rendered as basic or JSON. A request made only
 * of supported fields must never be refused, and every row must have one value per column.
 */
public final class ReportPathTarget {
    private static final Fields FIELDS = new Fields(ZoneId.of("UTC"));
    private static final ReportBuilder BUILDER = new ReportBuilder(FIELDS);
    /** Per report type, every supported field allowed in it (as ReportBuilder.allowed defines the scopes). */
    private static final Map<ReportType, List<String>> ALL_FIELDS = Map.of(
            ReportType.PV, fieldsOf(ReportType.PV, ReportType.VG),
            ReportType.VG, fieldsOf(ReportType.VG),
            ReportType.LV, fieldsOf(ReportType.LV, ReportType.VG),
            ReportType.SEG, fieldsOf(ReportType.SEG, ReportType.LV, ReportType.VG),
            ReportType.PVSEG, fieldsOf(ReportType.PVSEG, ReportType.PV, ReportType.VG));

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

    /**
     * One report request as an operator would type it: {@code pvs}, {@code vgs}, {@code lvs} or
     * {@code lvs --segments}, with or without {@code -a}, {@code -o} every supported field, basic or
     * JSON. An input is one command so that the 200 ms budget is a command's budget; over many
     * inputs every combination is drawn.
     */
    public record Command(ReportType type, boolean all, ReportRequest.Format format) {
        @Override
        public String toString() {
            String cmd = switch (type) {
                case PV -> "pvs";
                case VG -> "vgs";
                case LV -> "lvs";
                case SEG -> "lvs --segments";
                case PVSEG -> "pvs --segments";
            };
            return cmd + (all ? " -a" : "") + " -o <all " + ALL_FIELDS.get(type).size() + " supported fields>"
                    + (format == ReportRequest.Format.JSON ? " --reportformat json" : "");
        }
    }

    /** The command an input runs, drawn from its seed. */
    public static Command command(FuzzInputs.Devices in) {
        // The input's own Random already shaped the devices; a separate stream keeps the command independent of them.
        java.util.Random rnd = new java.util.Random(in.seed() * 0x9E3779B97F4A7C15L + 1);
        return new Command(ReportType.values()[rnd.nextInt(ReportType.values().length)], rnd.nextBoolean(),
                rnd.nextBoolean() ? ReportRequest.Format.JSON : ReportRequest.Format.BASIC);
    }

    /** Runs the input's command: decode, assembly, the report, its rendering. */
    public static String run(FuzzInputs.Devices in) {
        return run(in, command(in));
    }

    /** Runs every command on the input (used to warm the JIT up before inputs are timed). */
    public static void runEvery(FuzzInputs.Devices in) {
        for (ReportType type : ReportType.values()) {
            for (boolean all : new boolean[]{false, true}) {
                for (ReportRequest.Format format : ReportRequest.Format.values()) {
                    run(in, new Command(type, all, format));
                }
            }
        }
    }

    static String run(FuzzInputs.Devices in, Command cmd) {
        List<DeviceScan> scans = ScanTargets.decode(in);
        Assembly assembly = new VgAssembler().assemble(scans);
        List<String> fields = ALL_FIELDS.get(cmd.type());
        ReportRequest req = new ReportRequest(cmd.type(), List.of(String.join(",", fields)), List.of(), cmd.all(), Units.DEFAULT, true,
                null, false, false, cmd.format());
        Report r;
        try {
            r = BUILDER.build(assembly, req);
        } catch (ReportBuilder.BadRequest e) {
            throw new AssertionError("a request made of supported fields was refused: " + e.getMessage(), e);
        }
        if (r.columns().size() != fields.size()) {
            throw new AssertionError(cmd + " gave " + r.columns().size() + " columns for " + fields.size() + " fields");
        }
        for (List<String> row : r.rows()) {
            if (row.size() != fields.size()) {
                throw new AssertionError(cmd + " row has " + row.size() + " values for " + fields.size() + " columns");
            }
        }
        return cmd.format() == ReportRequest.Format.JSON ? ReportRenderer.json(r) : ReportRenderer.basic(r, true, null, false);
    }
}
