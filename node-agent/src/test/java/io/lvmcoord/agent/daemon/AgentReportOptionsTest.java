package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.cli.FixtureImages;
import io.lvmcoord.agent.cli.LvmcoordCli;
import io.lvmcoord.agent.client.AgentClient;
import io.lvmcoord.agent.client.ReportQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report options on the other two paths: the CLI asking a running agent over its socket,
 * and the HTTP API itself. Each answer must be what direct mode prints over the same devices
 * (direct mode is compared with lvm2 itself by the live oracle test), exit codes included.
 */
class AgentReportOptionsTest {

    @TempDir
    Path tmp;

    /** Each case as the user types it (without --devices / --socket). */
    private static final List<List<String>> CASES = List.of(
            List.of("vgs", "--nameprefixes", "--unquoted", "-o", "vg_name,vg_size,vg_tags"),
            List.of("vgs", "--rows", "--separator", ","),
            List.of("lvs", "--units", "4k", "--nosuffix", "-o", "lv_name,lv_size"),
            List.of("lvs", "--reportformat", "json", "--nameprefixes", "-o", "lv_name"),
            List.of("lvs", "--reportformat", "json_std", "-o", "lv_name,seg_count,lv_tags"),
            List.of("vgs", "--headings", "full"),
            List.of("pvs", "-v"),
            List.of("lvs", "-o", "lv_name,vg_name", "vg12/cpool_cdata", "@prod"),
            List.of("lvs", "-o", "lv_name", "vgold", "nope/x", "vglogs/nope"),
            List.of("vgs", "-o", "vg_name", "@nightly", "vgold"),
            List.of("vgs", "nosuch"),
            List.of("vgs", "-o", "vg_name,no_such_field"),
            List.of("vgs", "--units", "0k"),
            List.of("vgs", "bad/name"),
            List.of("vgs", "--bogus"));

    private record Run(int exit, String out, String err) {
    }

    @Test
    void everyOptionAnswersThroughTheAgentAsInDirectMode() throws Exception {
        Path devices = Files.createDirectories(tmp.resolve("dev"));
        List<String> paths = new ArrayList<>();
        for (String scenario : List.of("s11-multi-vg", "s12-lv-types")) {
            for (Path img : FixtureImages.unpack(scenario, tmp.resolve("staging-" + scenario))) {
                Path to = devices.resolve(scenario.substring(0, 3) + "-" + img.getFileName());
                Files.move(img, to);
                paths.add(to.toString());
            }
        }
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), "--devices-dir", devices.toString())) {
            agent.awaitScanned();
            for (List<String> c : CASES) {
                Run direct = direct(c, paths);
                AgentProcess.Run viaAgent = agent.cli(c.toArray(String[]::new));
                // pv_name is the device's path on both paths; the order of the devices given does not show.
                assertEquals(direct.out(), viaAgent.out(), "stdout of " + c + "\nagent stderr: " + viaAgent.err());
                assertEquals(direct.exit(), viaAgent.exit(), "exit code of " + c + "\ndirect: " + direct.err() + "agent: " + viaAgent.err());
                if (direct.exit() != 0) {
                    assertEquals(errorLines(direct.err()), errorLines(viaAgent.err()), "stderr of " + c);
                }
            }
            AgentClient api = agent.client();
            // The API: a bad command line is 400, a report lvm2 would fail (unknown field) 422, an unknown parameter 400.
            assertEquals(400, api.get("/v1/vgs?units=0k").status());
            assertEquals(422, api.get("/v1/vgs?o=no_such_field").status());
            assertEquals(400, api.get("/v1/vgs?nameprefix=1").status());
            AgentClient.Response named = api.get("/v1/vgs?format=basic&name=nosuch&name=vgdata&o=vg_name&nameprefixes=1");
            assertEquals(200, named.status());
            assertEquals("true", named.header("x-lvmcoord-failed"));
            assertEquals("  VG\n  LVM2_VG_NAME='vgdata'\n", named.bodyText());
            assertTrue(named.header("x-lvmcoord-warnings").contains("Volume group \\\"nosuch\\\" not found"), named.header("x-lvmcoord-warnings"));
        }
    }

    /** stderr without the scan's own warnings (the agent's view and a one-shot scan word device problems alike, but not always in the same order). */
    private static List<String> errorLines(String err) {
        return err.lines().filter(l -> !l.startsWith("  WARNING: ")).toList();
    }

    private static Run direct(List<String> c, List<String> paths) {
        List<String> a = new ArrayList<>(c);
        a.addAll(List.of("--devices", String.join(",", paths)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = LvmcoordCli.run(a.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Without an agent: a request read from the command line and one read back from its URL are the same request. */
    @Test
    void everyOptionReachesTheAgentAsTheRequestDirectModeMakes() throws Exception {
        for (List<String> c : Stream.concat(CASES.stream(), Stream.of(
                List.of("pvs", "--segments", "-o", "+pv_tags"),
                List.of("lvs", "-v", "-o", "-lv_uuid", "--foreign", "--shared", "--config", "x { y=1 }", "--devicesfile", "d"),
                List.of("vgs", "--binary", "--aligned", "--separator", "|", "--nodevicesfile", "--headings", "0"))).toList()) {
            ReportQuery fromArgs;
            try {
                fromArgs = ReportQuery.fromArgs(c.get(0), c.subList(1, c.size()));
            } catch (ReportQuery.BadQuery refused) {
                continue; // refused before anything is asked, on every path
            }
            ReportQuery fromUrl = ReportQuery.fromUrl(c.get(0), params(fromArgs.toUrl()));
            Object direct;
            Object agent;
            try {
                direct = ReportQueries.toRequest(fromArgs);
            } catch (ReportQuery.BadQuery e) {
                direct = e.getMessage();
            }
            try {
                agent = ReportQueries.toRequest(fromUrl);
            } catch (ReportQuery.BadQuery e) {
                agent = e.getMessage();
            }
            assertEquals(direct, agent, "request of " + c);
        }
    }

    private static Map<String, List<String>> params(String url) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String kv : url.substring(url.indexOf('?') + 1).split("&")) {
            int eq = kv.indexOf('=');
            out.computeIfAbsent(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
