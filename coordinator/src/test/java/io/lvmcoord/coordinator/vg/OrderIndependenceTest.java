package io.lvmcoord.coordinator.vg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.coordinator.report.Fields;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.coordinator.report.ReportRenderer;
import io.lvmcoord.coordinator.report.ReportRequest;
import io.lvmcoord.coordinator.report.ReportType;
import io.lvmcoord.coordinator.report.Units;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeError;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.report.PvReport;
import io.lvmcoord.scan.report.PvReports;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * For every lvm2 fixture scenario, the reports of its devices fed to a VG aggregate in 50
 * random orders, some re-sent and some preceded by a fault of the same device, end in the same
 * state, and that state reports exactly what lvm2 reported.
 */
public class OrderIndependenceTest {
    private static final int ORDERS = 50;
    private static final String NODE = "node-a";
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, List<String>> FIELDS = Map.of(
            "pvs", List.of("pv_name,pv_uuid,vg_name,pv_fmt,pv_attr,pv_size,dev_size,pv_free,pv_used,pe_start,pv_pe_count,pv_pe_alloc_count,"
                    + "pv_mda_count,pv_mda_used_count,pv_mda_size,pv_mda_free,pv_tags,pv_missing,pv_in_use,pv_duplicate,pv_ext_vsn"),
            "vgs", List.of("vg_name,vg_uuid,vg_attr,vg_size,vg_free,vg_extent_size,vg_extent_count,vg_free_count,vg_seqno,pv_count,lv_count,"
                    + "snap_count,max_lv,max_pv,vg_tags,vg_systemid,vg_mda_count,vg_mda_used_count,vg_mda_copies,vg_missing_pv_count,"
                    + "vg_exported,vg_partial,vg_permissions,vg_allocation_policy,vg_lock_type"),
            "lvs", List.of("lv_name,vg_name,lv_uuid,lv_attr,lv_size,seg_count,lv_tags,lv_layout,lv_role,pool_lv,origin,data_lv,metadata_lv"),
            "segs", List.of("lv_name,vg_name,lv_uuid,seg_start_pe,seg_size_pe,segtype,stripes,stripe_size,devices"));

    /** @param scan what the report was made from (null for injected faults) */
    private record Delivery(PvReport report, List<StoredText> texts, DeviceScan scan) {
        Delivery(PvReport report, List<StoredText> texts) {
            this(report, texts, null);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioConvergesToLvm2sReportInAnyOrder() throws IOException {
        List<String> scenarios = scenarios();
        // s01-s13 come from the shared lvm2 fixture set, s14 from tools/make-fixtures.sh.
        assertEquals(20, scenarios.size(), "expected the 20 one-state lvm2 fixture scenarios (s01-s14, s16-s21), found " + scenarios);
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(s + " in " + ORDERS + " orders", () -> check(s)));
    }

    private void check(String scenario) throws Exception {
        List<Delivery> good = new ArrayList<>();
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        for (String img : Files.readAllLines(fixtures().resolve(scenario).resolve("images.txt"))) {
            if (img.isBlank()) {
                continue;
            }
            DeviceScan scan = decoder.decode(new ByteArrayBlockSource(img, load(scenario, img)));
            PvReports.Extracted e = PvReports.of(NODE, scan);
            List<StoredText> texts = new ArrayList<>();
            e.texts().forEach((k, v) -> texts.add(new StoredText(k, v)));
            good.add(new Delivery(e.report(), texts, scan));
        }
        VgState reference = feed(good);
        Random rnd = new Random(scenario.hashCode());
        for (int order = 0; order < ORDERS; order++) {
            List<Delivery> sequence = new ArrayList<>();
            for (Delivery d : good) {
                if (rnd.nextInt(3) == 0) {
                    // a transient fault of the device, before its good report arrives
                    sequence.add(new Delivery(new PvReport(NODE, d.report().device(), 0, null, List.of(), null,
                            new DecodeError(d.report().device(), 0, DecodeError.Kind.IO_ERROR, "pread: EIO")), List.of()));
                }
            }
            Collections.shuffle(sequence, rnd);
            for (Delivery d : good) {
                // each good report lands after any fault of its device, and some twice
                int after = lastIndexOf(sequence, d.report().device()) + 1;
                sequence.add(after + rnd.nextInt(sequence.size() - after + 1), d);
                if (rnd.nextInt(4) == 0) {
                    sequence.add(sequence.size(), d);
                }
            }
            VgState state = feed(sequence);
            assertEquals(reference.reports(), state.reports(), scenario + " order " + order);
            assertEquals(keys(reference), keys(state), scenario + " order " + order + " texts");
        }
        Assembly a = reference.assemble(NODE, new VgAssembler());
        for (String report : List.of("pvs", "vgs", "lvs", "segs")) {
            compare(scenario, report, a);
        }
        // The same devices split over the aggregates that own them (VG entities, PV directory)
        // and viewed from the node again: still lvm2's report.
        Map<ReportRouting.Target, VgState> owners = new java.util.HashMap<>();
        for (Delivery d : good) {
            ReportRouting.Target target = ReportRouting.route(d.report(), d.scan());
            VgState held = owners.getOrDefault(target, VgState.EMPTY);
            owners.put(target, held.onReport(d.report(), d.texts()).map(held::apply).orElse(held));
        }
        Assembly split = ClusterView.forNode(NODE, owners.values(), new VgAssembler(), io.lvmcoord.scan.codec.DecodeLimits.DEFAULT);
        for (String report : List.of("pvs", "vgs", "lvs", "segs")) {
            compare(scenario, report, split);
        }
    }

    private static int lastIndexOf(List<Delivery> seq, String device) {
        int last = -1;
        for (int i = 0; i < seq.size(); i++) {
            if (seq.get(i).report().device().equals(device)) {
                last = i;
            }
        }
        return last;
    }

    private static Set<PvReport.TextKey> keys(VgState s) {
        Set<PvReport.TextKey> out = new HashSet<>();
        s.texts().forEach(t -> out.add(t.key()));
        return out;
    }

    private static VgState feed(List<Delivery> deliveries) {
        VgState s = VgState.EMPTY;
        for (Delivery d : deliveries) {
            VgState before = s;
            s = before.onReport(d.report(), d.texts()).map(before::apply).orElse(before);
        }
        return s;
    }

    public static void compare(String scenario, String report, Assembly a) throws Exception {
        ReportType type = switch (report) {
            case "pvs" -> ReportType.PV;
            case "vgs" -> ReportType.VG;
            case "lvs" -> ReportType.LV;
            default -> ReportType.SEG;
        };
        boolean all = !report.equals("vgs");
        ReportRequest req = new ReportRequest(type, FIELDS.get(report), List.of(), all, new Units('b', false), true, null, false, false,
                ReportRequest.Format.JSON);
        JsonNode got = JSON.readTree(ReportRenderer.json(new ReportBuilder(new Fields(ZoneId.of("UTC"))).build(a, req))).get("report").get(0);
        JsonNode want = JSON.readTree(fixtures().resolve(scenario).resolve("expected/" + report + ".json").toFile()).get("report").get(0);
        String key = want.fieldNames().next();
        List<JsonNode> g = new ArrayList<>();
        got.get(key).forEach(g::add);
        List<JsonNode> w = new ArrayList<>();
        want.get(key).forEach(w::add);
        if (report.equals("pvs")) {
            g.sort(Comparator.comparing(n -> n.get("pv_name").asText()));
            w.sort(Comparator.comparing(n -> n.get("pv_name").asText()));
        }
        assertEquals(w.size(), g.size(), scenario + " " + report + " rows");
        for (int i = 0; i < w.size(); i++) {
            Iterator<String> it = w.get(i).fieldNames();
            while (it.hasNext()) {
                String f = it.next();
                String wv = w.get(i).get(f).asText();
                String gv = g.get(i).get(f).asText();
                if (f.equals("lv_attr")) {
                    wv = wv.substring(0, 4) + wv.substring(6);
                    gv = gv.substring(0, 4) + gv.substring(6);
                }
                assertEquals(wv, gv, scenario + " " + report + " row " + i + " " + f);
            }
        }
    }

    /**
     * The one-state fixture scenarios: folders {@code sNN-*} with an {@code images.txt}. A series
     * such as s15-seqno-series holds one such folder per state ({@code state-NNN/}) instead; it
     * is replayed by multi-jvm-tests, where a state follows another on a shared disk.
     */
    public static List<String> scenarios() throws IOException {
        try (Stream<Path> s = Files.list(fixtures())) {
            return s.filter(p -> p.getFileName().toString().matches("s\\d\\d-.*") && Files.isRegularFile(p.resolve("images.txt")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    public static Path fixtures() {
        return Path.of(System.getProperty("lvmcoord.repo.root", "..")).resolve("testdata/lvm2");
    }

    public static byte[] load(String scenario, String image) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(fixtures().resolve(scenario).resolve(image + ".gz")))) {
            return in.readAllBytes();
        }
    }
}
