package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.client.ReportQuery;
import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.LoosePv;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.coordinator.report.Report;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.coordinator.report.ReportRenderer;
import io.lvmcoord.coordinator.report.ReportRequest;
import io.lvmcoord.coordinator.report.ReportScope;
import io.lvmcoord.coordinator.report.ReportType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * lvm2's {@code fullreport} ({@code lvm fullreport}): for each VG, its vg, pv, lv, pvseg and seg
 * subreports, each with lvm2's "full" default columns ({@code vg_all}, ...) and sort keys, or the
 * columns given after {@code --configreport NAME}. PVs in no VG come last, as lvm2's orphan VG,
 * with only their pv and pvseg subreports.
 *
 * <p>VG order: lvm2 walks its cache, where each VG is put at the head when its first PV is found
 * while scanning the devices in device-number order; so the VG found last comes first. We order
 * device names naturally (loop9 before loop10) as the stand-in for device numbers.
 */
public final class FullReport {

    /** The five subreports in lvm2's order, with lvm2's report/*_cols_full and *_sort_full. */
    enum Sub {
        VG("vg", ReportType.VG, "vg_all", "vg_name"),
        PV("pv", ReportType.PV, "pv_all", "pv_name"),
        LV("lv", ReportType.LV, "lv_all", "vg_name,lv_name"),
        PVSEG("pvseg", ReportType.PV, "pvseg_all,pv_uuid,lv_uuid", "pv_uuid,pvseg_start"),
        SEG("seg", ReportType.SEG, "seg_all,lv_uuid", "lv_uuid,seg_start");

        final String key;
        final ReportType type;
        final String columns;
        final String sort;

        Sub(String key, ReportType type, String columns, String sort) {
            this.key = key;
            this.type = type;
            this.columns = columns;
            this.sort = sort;
        }
    }

    /** What a fullreport printed, and what it has to say on stderr. */
    public record Result(String text, List<String> errors, boolean failed) {
    }

    private FullReport() {
    }

    /** The five requests (VG, PV, LV, PVSEG, SEG), each with its --configreport columns or lvm2's defaults. */
    public static List<ReportRequest> requests(ReportQuery q) throws ReportQuery.BadQuery {
        try {
            ReportScope.parse(ReportType.VG, q.names());
        } catch (ReportScope.BadArguments e) {
            throw ReportQuery.invalid(q.command(), e.lines());
        }
        List<ReportRequest> out = new ArrayList<>();
        for (Sub s : Sub.values()) {
            List<String> options = own(q.options(), s.key);
            List<String> sort = own(q.sort(), s.key);
            boolean replaces = options.stream().anyMatch(o -> !o.trim().startsWith("+") && !o.trim().startsWith("-"));
            List<String> fieldSpecs = new ArrayList<>();
            if (!replaces) {
                fieldSpecs.add(s.columns);
            }
            fieldSpecs.addAll(options);
            ReportRequest r = ReportQueries.toRequest(q, s.type, fieldSpecs, sort.isEmpty() ? List.of(s.sort) : sort, List.of());
            boolean segments = s == Sub.PVSEG || s == Sub.SEG;
            out.add(new ReportRequest(r.type(), r.fieldSpecs(), r.sortSpecs(), r.all(), r.units(), r.headings(), r.separator(),
                    r.aligned(), r.binary(), r.format(), r.layout(), List.of(), segments, r.select(), r.foreign(), r.shared(),
                    r.history()));
        }
        return out;
    }

    /** The -o/-O entries given after --configreport {@code key} (ReportQuery keeps them as "key:spec"). */
    private static List<String> own(List<String> specs, String key) {
        List<String> out = new ArrayList<>();
        for (String s : specs) {
            if (s.startsWith(key + ":")) {
                out.add(s.substring(key.length() + 1));
            }
        }
        return out;
    }

    /**
     * Builds and prints every group.
     *
     * @param requests from {@link #requests}, in {@link Sub} order
     */
    public static Result render(ReportBuilder builder, Assembly assembly, ReportQuery q, List<ReportRequest> requests)
            throws ReportBuilder.BadRequest {
        List<String> errors = new ArrayList<>();
        ReportScope scope;
        try {
            scope = ReportScope.parse(ReportType.VG, q.names());
        } catch (ReportScope.BadArguments e) {
            throw new ReportBuilder.BadRequest(e.getMessage());
        }
        ReportScope.Selection chosen = scope.select(assembly, ReportType.VG, List.of(), false);
        errors.addAll(chosen.errors());
        boolean failed = !chosen.errors().isEmpty();
        List<VgView> vgs = new ArrayList<>();
        for (VgView vg : lvmCacheOrder(assembly)) {
            if (chosen.vg(vg.metadata().id())) {
                vgs.add(vg);
            }
        }
        List<List<ReportRenderer.Section>> groups = new ArrayList<>();
        for (VgView vg : vgs) {
            Assembly one = new Assembly(List.of(vg), List.of(), List.of(), List.of(), List.of());
            List<ReportRenderer.Section> g = new ArrayList<>();
            for (Sub s : Sub.values()) {
                Report r = builder.build(one, requests.get(s.ordinal()));
                errors.addAll(r.warnings());
                failed |= r.failed();
                g.add(new ReportRenderer.Section(s.key, r));
            }
            groups.add(g);
        }
        List<LoosePv> orphans = assembly.loosePvs().stream().filter(l -> !l.unknownVg()).toList();
        if (!scope.restricted() && !orphans.isEmpty()) {
            Assembly loose = new Assembly(List.of(), orphans, List.of(), List.of(), List.of());
            List<ReportRenderer.Section> g = new ArrayList<>();
            for (Sub s : List.of(Sub.PV, Sub.PVSEG)) {
                Report r = builder.build(loose, requests.get(s.ordinal()));
                errors.addAll(r.warnings());
                failed |= r.failed();
                g.add(new ReportRenderer.Section(s.key, r));
            }
            groups.add(g);
        }
        return new Result(ReportRenderer.full(groups, requests.get(0)), errors, failed);
    }

    /** lvm2's VG order: by the first of its present PVs in device order, the last found first. */
    static List<VgView> lvmCacheOrder(Assembly a) {
        List<VgView> out = new ArrayList<>(a.vgs());
        Comparator<VgView> byFirstDevice = Comparator.comparing(FullReport::firstDevice, FullReport::natural);
        out.sort(byFirstDevice.reversed());
        return out;
    }

    private static String firstDevice(VgView vg) {
        String first = null;
        for (VgPv pv : vg.pvs()) {
            if (!pv.missing() && (first == null || natural(pv.device().device(), first) < 0)) {
                first = pv.device().device();
            }
        }
        return first == null ? "" : first;
    }

    /** Names compared with digit runs as numbers: /dev/loop9 before /dev/loop10, as their device numbers are. */
    static int natural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
                continue;
            }
            if (x != y) {
                return Character.compare(x, y);
            }
            i++;
            j++;
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
