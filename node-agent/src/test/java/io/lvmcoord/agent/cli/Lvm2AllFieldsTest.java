package io.lvmcoord.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every cell of lvm2's {@code -o all} reports on every fixture scenario (recorded by
 * tools/make-fixtures.sh, kernel-state fields as lvm2 prints them without device-mapper) equals
 * ours, through the CLI entry point, with nothing masked: the same columns in the same order, the
 * same rows, the same strings (except the device numbers of the loop devices lvm2 read, see
 * {@link #DEVICE_IDENTITY}). lv_time is local time: lvm2 recorded it with TZ=UTC, and this test
 * runs the report in UTC.
 *
 * <p>A failure lists every field that differs, with the count of differing cells and the first
 * example, so one run shows how far a change is from lvm2.
 */
@ExtendWith(InUtc.class)
class Lvm2AllFieldsTest {
    /** The recorded report and the lvm2 arguments that made it (besides --devices and the format). */
    static final Map<String, List<String>> REPORTS = Map.of(
            "pvs-all", List.of("pvs", "-a", "-o", "all"),
            "pvsegs-all", List.of("pvs", "-a", "--segments", "-o", "all"),
            "vgs-all", List.of("vgs", "-o", "all"),
            "lvs-all", List.of("lvs", "-a", "-o", "all"),
            "segs-all", List.of("lvs", "-a", "--segments", "-o", "all"),
            // lvs -H: the columns are those of the recording (every -o all column but lv_modules,
            // which lvm2 2.03.16 crashes printing for a historical LV).
            "lvshist-all", List.of("lvs", "-a", "-H", "-o"));

    /**
     * The device numbers of the loop devices lvm2 read when it recorded the fixture: this test
     * reads image files, which have none (the live oracle test compares them on real devices).
     */
    static final java.util.Set<String> DEVICE_IDENTITY = java.util.Set.of("pv_major", "pv_minor");

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> everyCellOfLvm2sAllFieldsReportsIsOurs() {
        List<String> scenarios = FixtureImages.scenarios().stream()
                .filter(s -> Files.exists(FixtureImages.fixtures().resolve(s).resolve("expected/vgs-all.json"))).toList();
        assertTrue(scenarios.size() >= 20, "expected -o all recordings for s01-s14 and s16-s21, found " + scenarios);
        return scenarios.stream().flatMap(s -> Stream.of("pvs-all", "pvsegs-all", "vgs-all", "lvs-all", "segs-all", "lvshist-all")
                .filter(r -> Files.exists(FixtureImages.fixtures().resolve(s).resolve("expected/" + r + ".json")))
                .map(r -> DynamicTest.dynamicTest(s + " " + r, () -> compare(s, r))));
    }

    private void compare(String scenario, String report) throws Exception {
        List<String> args = new ArrayList<>(REPORTS.get(report));
        JsonNode expected = JSON.readTree(FixtureImages.fixtures().resolve(scenario).resolve("expected/" + report + ".json").toFile())
                .get("report").get(0);
        if (report.equals("lvshist-all")) {
            args.add(String.join(",", names(expected.get("lv").get(0))));
        }
        FixtureImages.CliRun run = FixtureImages.runOnImages(scenario, tmp.resolve(scenario), args);
        assertEquals(0, run.rc(), "exit code; stderr: " + run.stderr());
        String stdout = run.stdout();
        JsonNode got = JSON.readTree(stdout).get("report").get(0);
        String key = expected.fieldNames().next();
        List<JsonNode> g = rows(got.get(key));
        List<JsonNode> e = rows(expected.get(key));
        if (report.startsWith("pvs")) {
            // lvm2 sorted by the loop device names it saw, which the fixture renamed afterwards.
            Comparator<JsonNode> byName = Comparator.comparing(n -> n.get("pv_name").asText());
            if (report.equals("pvsegs-all")) {
                byName = byName.thenComparing(n -> Long.parseLong(n.get("pvseg_start").asText()));
            }
            g.sort(byName);
            e.sort(byName);
        }
        assertEquals(e.size(), g.size(), scenario + " " + report + " row count");
        if (!e.isEmpty()) {
            assertEquals(names(e.get(0)), names(g.get(0)), scenario + " " + report + " columns");
        }
        Map<String, List<String>> differences = new TreeMap<>();
        for (int i = 0; i < e.size(); i++) {
            Iterator<String> fields = e.get(i).fieldNames();
            while (fields.hasNext()) {
                String f = fields.next();
                if (DEVICE_IDENTITY.contains(f)) {
                    continue;
                }
                String want = e.get(i).get(f).asText();
                String have = g.get(i).has(f) ? g.get(i).get(f).asText() : "<absent>";
                if (!want.equals(have)) {
                    String lv = e.get(i).has("lv_name") ? e.get(i).get("lv_name").asText()
                            : e.get(i).has("pv_name") ? e.get(i).get("pv_name").asText() : "row " + i;
                    differences.computeIfAbsent(f, k -> new ArrayList<>()).add(lv + ": lvm2 '" + want + "', ours '" + have + "'");
                }
            }
        }
        if (!differences.isEmpty()) {
            StringBuilder sb = new StringBuilder(scenario + " " + report + ": " + differences.size() + " fields differ\n");
            differences.forEach((f, list) -> sb.append("  ").append(f).append(" (").append(list.size()).append(" cells) e.g. ")
                    .append(list.get(0)).append('\n'));
            fail(sb.toString());
        }
    }

    private static List<String> names(JsonNode row) {
        List<String> out = new ArrayList<>();
        row.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<JsonNode> rows(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
