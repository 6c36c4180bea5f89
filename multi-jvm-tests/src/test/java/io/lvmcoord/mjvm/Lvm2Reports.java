package io.lvmcoord.mjvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pvs/vgs/lvs reports of testdata/lvm2/INDEX.md and their comparison with lvm2's own JSON.
 *
 * <p>The same rules as node-agent's Lvm2ConformanceTest (copied rather than shared: node-agent
 * publishes no test jar, and a test-jar dependency would tie this module to node-agent's build
 * phase): lv_attr characters 5-6 (kernel state) are masked, and pvs rows are compared in name
 * order because lvm2 sorted by the loop device names that the fixture renamed. What is added
 * here: an agent's report covers several fixtures at once (the SAN holds a few scenarios, a node
 * its private one too), so each fixture's rows are picked out of it by device or VG name.
 */
final class Lvm2Reports {
    static final String PVF = "pv_name,pv_uuid,vg_name,pv_fmt,pv_attr,pv_size,dev_size,pv_free,pv_used,pe_start,pv_pe_count,"
            + "pv_pe_alloc_count,pv_mda_count,pv_mda_used_count,pv_mda_size,pv_mda_free,pv_tags,pv_missing,pv_in_use,pv_duplicate,pv_ext_vsn";
    static final String VGF = "vg_name,vg_uuid,vg_attr,vg_size,vg_free,vg_extent_size,vg_extent_count,vg_free_count,vg_seqno,"
            + "pv_count,lv_count,snap_count,max_lv,max_pv,vg_tags,vg_systemid,vg_mda_count,vg_mda_used_count,vg_mda_copies,"
            + "vg_missing_pv_count,vg_exported,vg_partial,vg_permissions,vg_allocation_policy,vg_lock_type";
    static final String LVF = "lv_name,vg_name,lv_uuid,lv_attr,lv_size,seg_count,lv_tags,lv_layout,lv_role,pool_lv,origin,data_lv,metadata_lv";
    static final List<String> REPORTS = List.of("pvs", "vgs", "lvs");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A fixture placed in a device directory: its rows are those of its images there, or of its VGs. */
    record Placed(Path fixture, Path dir) {
        Set<String> devices() {
            try {
                Set<String> out = new HashSet<>();
                Fixtures.images(fixture).forEach(i -> out.add(dir.resolve(i).toString()));
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Set<String> vgNames() {
            Set<String> out = new HashSet<>();
            expectedRows("vgs").forEach(r -> out.add(r.get("vg_name").asText()));
            return out;
        }

        List<JsonNode> expectedRows(String report) {
            try {
                return rows(JSON.readTree(fixture.resolve("expected/" + report + ".json").toFile()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Its rows of an agent's report, device names made relative to {@link #dir} as in lvm2's JSON. */
        List<JsonNode> select(String report, List<JsonNode> got) {
            Set<String> devices = devices();
            Set<String> vgs = vgNames();
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode row : got) {
                if (report.equals("pvs")) {
                    String name = row.get("pv_name").asText();
                    if (devices.contains(name)) {
                        ObjectNode copy = row.deepCopy();
                        copy.put("pv_name", name.substring(dir.toString().length() + 1));
                        out.add(copy);
                    }
                } else if (vgs.contains(row.get("vg_name").asText())) {
                    out.add(row);
                }
            }
            return out;
        }
    }

    private Lvm2Reports() {
    }

    /** The client arguments of a report, as INDEX.md lists them. */
    static String[] args(String report, String... more) {
        List<String> a = new ArrayList<>(switch (report) {
            case "pvs" -> List.of("pvs", "-a", "-o", PVF);
            case "vgs" -> List.of("vgs", "-o", VGF);
            case "lvs" -> List.of("lvs", "-a", "-o", LVF);
            default -> throw new IllegalArgumentException("report " + report + " is not one of " + REPORTS);
        });
        a.addAll(List.of("--reportformat", "json", "--units", "b", "--nosuffix"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** The rows of a one-report JSON document ({"report": [{"pv": [...]}]}). */
    static List<JsonNode> rows(String json) {
        try {
            return rows(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON report: " + json, e);
        }
    }

    private static List<JsonNode> rows(JsonNode doc) {
        JsonNode report = doc.get("report").get(0);
        List<JsonNode> out = new ArrayList<>();
        report.get(report.fieldNames().next()).forEach(out::add);
        return out;
    }

    /**
     * {@code got} (an agent's report) holds exactly the rows of the {@code placed} fixtures, and
     * each fixture's rows say field for field what lvm2 said.
     */
    static void assertSameAsLvm2(String what, String report, String got, List<Placed> placed) {
        List<JsonNode> rows = rows(got);
        int selected = 0;
        for (Placed p : placed) {
            List<JsonNode> mine = p.select(report, rows);
            selected += mine.size();
            assertSameRows(what + " " + report + " of " + Fixtures.root().relativize(p.fixture()), p.expectedRows(report), mine);
        }
        assertEquals(rows.size(), selected, what + " " + report + ": rows beyond the fixtures placed; got " + got);
    }

    static void assertSameRows(String what, List<JsonNode> expected, List<JsonNode> got) {
        List<JsonNode> e = new ArrayList<>(expected);
        List<JsonNode> g = new ArrayList<>(got);
        if (!e.isEmpty() && e.get(0).has("pv_name")) {
            e.sort(Comparator.comparing(n -> n.get("pv_name").asText()));
            g.sort(Comparator.comparing(n -> n.get("pv_name").asText()));
        }
        assertEquals(e.size(), g.size(), what + ": row count; got " + g);
        for (int i = 0; i < e.size(); i++) {
            Iterator<String> names = e.get(i).fieldNames();
            while (names.hasNext()) {
                String f = names.next();
                assertTrue(g.get(i).has(f), what + " row " + i + " lacks field " + f);
                String w = e.get(i).get(f).asText();
                String h = g.get(i).get(f).asText();
                if (f.equals("lv_attr")) {
                    w = maskKernelState(w);
                    h = maskKernelState(h);
                }
                assertEquals(w, h, what + " row " + i + " field " + f);
            }
        }
    }

    private static String maskKernelState(String attr) {
        return attr.length() == 10 ? attr.substring(0, 4) + "??" + attr.substring(6) : attr;
    }
}
