package io.lvmcoord.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lvmcoord.agent.cli.FixtureImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /metrics} of a real agent, scraped on the address its configuration file names, over the
 * images of every lvm2 fixture scenario that recorded {@code vgs -o all}: each fixture VG's gauges
 * equal lvm2's values, and the JVM and process collectors are there.
 */
class MetricsEndpointTest {
    @TempDir
    Path tmp;

    /** The scenarios with lvm2's recorded {@code vgs -o all --units b}: all one-state ones but those without it. */
    private static List<String> scenariosWithVgsAll() {
        return FixtureImages.scenarios().stream()
                .filter(s -> Files.isRegularFile(FixtureImages.fixtures().resolve(s).resolve("expected/vgs-all.json"))).toList();
    }

    @Test
    void perVgGaugesEqualLvm2sVgsForEveryFixtureVgAndJvmAndProcessMetricsAreExposed() throws Exception {
        List<String> scenarios = scenariosWithVgsAll();
        assertTrue(scenarios.size() >= 20, "fixture scenarios with vgs-all.json: " + scenarios);
        List<String> flags = new ArrayList<>();
        // Each scenario in its own directory (their image names repeat); one agent reads them all.
        for (String scenario : scenarios) {
            Path dir = tmp.resolve("dev").resolve(scenario);
            FixtureImages.unpack(scenario, dir);
            flags.addAll(List.of("--devices-dir", dir.toString()));
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path conf = tmp.resolve("lvmcoord.conf");
        Files.writeString(conf, "lvmcoord.api {\n  http-bind = \"127.0.0.1\"\n  http-port = " + port + "\n}\n");
        flags.addAll(List.of("--config", conf.toString()));

        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), flags.toArray(String[]::new))) {
            agent.awaitScanned();
            HttpResponse<String> scraped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scraped.statusCode(), scraped.body());
            assertTrue(scraped.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    scraped.headers().toString());
            PrometheusText.Exposition metrics = PrometheusText.parse(scraped.body());

            int vgsChecked = 0;
            for (String scenario : scenarios) {
                JsonNode vgs = new ObjectMapper().readTree(FixtureImages.fixtures().resolve(scenario).resolve("expected/vgs-all.json")
                        .toFile()).path("report").get(0).path("vg");
                String stderr = Files.readString(FixtureImages.fixtures().resolve(scenario).resolve("expected/vgs.stderr"));
                for (JsonNode vg : vgs) {
                    Map<String, String> labels = Map.of("vg", vg.get("vg_name").asText(), "vg_uuid", vg.get("vg_uuid").asText());
                    Map<String, Long> expected = new LinkedHashMap<>();
                    Map<String, Long> seen = new LinkedHashMap<>();
                    for (var field : Map.of("lvmcoord_vg_size_bytes", "vg_size", "lvmcoord_vg_free_bytes", "vg_free",
                            "lvmcoord_vg_extent_size_bytes", "vg_extent_size", "lvmcoord_vg_extents", "vg_extent_count",
                            "lvmcoord_vg_free_extents", "vg_free_count", "lvmcoord_vg_pvs", "pv_count",
                            "lvmcoord_vg_missing_pvs", "vg_missing_pv_count", "lvmcoord_vg_lvs", "lv_count",
                            "lvmcoord_vg_seqno", "vg_seqno").entrySet()) {
                        expected.put(field.getKey(), Long.parseLong(vg.get(field.getValue()).asText()));
                        seen.put(field.getKey(), (long) metrics.value(field.getKey(), labels));
                    }
                    assertEquals(expected, seen, scenario + " " + labels);
                    // Complete here exactly when lvm2 counted no PV missing.
                    assertEquals(expected.get("lvmcoord_vg_missing_pvs") == 0 ? 1.0 : 0.0, metrics.value("lvmcoord_vg_complete", labels),
                            scenario + " " + labels);
                    // Not converged where this host's own devices show an older copy too: lvm2 warns it ignores that copy.
                    boolean staleCopy = stderr.contains("WARNING: ignoring metadata seqno ") && stderr.contains(" for VG " + labels.get("vg") + ".\n");
                    assertEquals(staleCopy ? 0.0 : 1.0, metrics.value("lvmcoord_vg_converged", labels), scenario + " " + labels);
                    vgsChecked++;
                }
            }
            assertTrue(vgsChecked >= scenarios.size(), "VGs checked: " + vgsChecked);
            assertEquals(0.0, metrics.value("lvmcoord_vg_converged", Map.of("vg", "vg09")), "s09's stale copy, reasoned above");

            assertEquals("histogram", metrics.types().get("lvmcoord_scan_batch_seconds"));
            assertTrue(metrics.value("lvmcoord_scan_batch_seconds_count", Map.of()) >= 1, "the start-up scan is one batch");
            assertEquals("histogram", metrics.types().get("lvmcoord_query_seconds"));
            assertEquals(1.0, metrics.value("lvmcoord_build_info", Map.of()));
            assertEquals(1.0, metrics.value("lvmcoord_cluster_members", Map.of("status", "up")), "this agent alone, up");
            assertEquals(metrics.named("lvmcoord_vg_size_bytes").size(), (int) metrics.value("lvmcoord_vgs", Map.of()));
            long images = scenarios.stream().mapToLong(s -> {
                try {
                    return FixtureImages.imageNames(s).size();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
            assertTrue(metrics.value("lvmcoord_devices", Map.of()) > 0 && metrics.value("lvmcoord_devices", Map.of()) <= images,
                    "devices held of " + images + " images");
            assertTrue(metrics.value("lvmcoord_scan_devices_total", Map.of()) >= images, "every image scanned at start");
            // The example dashboard plots only what the agent exposes.
            String dashboard = Files.readString(FixtureImages.repoRoot().resolve("packaging/grafana-dashboard.json"));
            java.util.regex.Matcher used = java.util.regex.Pattern.compile("lvmcoord_[a-z_]+").matcher(dashboard);
            java.util.Set<String> sampleNames = new java.util.TreeSet<>();
            metrics.samples().forEach(x -> sampleNames.add(x.name()));
            int plotted = 0;
            while (used.find()) {
                assertTrue(sampleNames.contains(used.group()), "dashboard plots " + used.group() + ", not among " + sampleNames);
                plotted++;
            }
            assertTrue(plotted >= 10, "dashboard expressions: " + plotted);
            assertTrue(metrics.value("process_start_time_seconds", Map.of()) > 0, "process collector");
            assertTrue(metrics.value("process_cpu_seconds_total", Map.of()) > 0, "process collector");
            assertFalse(metrics.named("jvm_memory_used_bytes").isEmpty(), "JVM memory collector");
            assertTrue(metrics.value("jvm_threads_current", Map.of()) > 1, "JVM threads collector");
            assertTrue(metrics.value("jvm_memory_used_bytes", Map.of("area", "heap")) > 0, "JVM heap in use");
        }
    }
}
