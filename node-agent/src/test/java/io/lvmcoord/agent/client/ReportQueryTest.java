package io.lvmcoord.agent.client;

import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One request model for the command line, the client's URL and the API: same meaning, same refusals. */
class ReportQueryTest {

    /** The query parameters of a URL ReportQuery made, decoded as the server decodes them. */
    private static Map<String, List<String>> params(String url) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String kv : url.substring(url.indexOf('?') + 1).split("&")) {
            int eq = kv.indexOf('=');
            out.computeIfAbsent(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static ReportQuery args(String command, String... argv) throws ReportQuery.BadQuery {
        return ReportQuery.fromArgs(command, List.of(argv));
    }

    @Test
    void flagsReadFromArgvReachTheAgentUnchangedThroughTheUrl() throws Exception {
        ReportQuery q = args("lvs", "-a", "--segments", "-olv_name,devices", "--sort=-lv_size", "--units", "k", "--nosuffix",
                "--noheadings", "--separator", "|&=?", "--aligned", "--binary", "--reportformat", "json", "--node", "n1.example",
                "--socket", "/run/x.sock", "vg one", "vg2");
        assertEquals(List.of("lv_name,devices"), q.options());
        assertEquals(Path.of("/run/x.sock"), q.socket());
        String url = q.toUrl();
        assertTrue(url.startsWith("/v1/lvs?format=json&"), url);
        ReportQuery back = ReportQuery.fromUrl("lvs", params(url));
        assertEquals(new ReportQuery("lvs", q.options(), q.sort(), true, true, "json", "k", true, true, "|&=?", true, true, "n1.example",
                false, List.of("vg one", "vg2"), List.of(), null), back);
    }

    @Test
    void defaultsAreLvm2sOnTheCommandLineAndJsonOnTheApi() throws Exception {
        assertEquals("/v1/vgs?format=basic", args("vgs").toUrl());
        assertEquals("json", ReportQuery.fromUrl("vgs", Map.of()).format());
    }

    @Test
    void everyPathRefusesTheSameRequestsInTheSameWords() {
        List<String[]> cases = List.of(
                new String[]{"vgs", "--reportformat=xml", "format=xml", "Invalid report format \"xml\": use basic or json."},
                new String[]{"vgs", "-a", "all=1", "vgs has no --all"},
                new String[]{"pvs", "--segments", "segments=1", "--segments is for lvs"},
                new String[]{"vgs", "--node=a\r\nX: y", "node=a\r\nX: y", "--node (node=) takes a node name: 1-253 letters, digits, '.', '_' or '-'"});
        for (String[] c : cases) {
            ReportQuery.BadQuery fromArgs = assertThrows(ReportQuery.BadQuery.class, () -> args(c[0], c[1]));
            int eq = c[2].indexOf('=');
            ReportQuery.BadQuery fromUrl = assertThrows(ReportQuery.BadQuery.class,
                    () -> ReportQuery.fromUrl(c[0], Map.of(c[2].substring(0, eq), List.of(c[2].substring(eq + 1)))));
            assertEquals(c[3], fromArgs.getMessage());
            assertEquals(c[3], fromUrl.getMessage());
        }
        assertEquals("--node and --all-nodes exclude each other",
                assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "--node", "a", "--all-nodes")).getMessage());
        assertEquals("--node and --all-nodes exclude each other", assertThrows(ReportQuery.BadQuery.class,
                () -> ReportQuery.fromUrl("vgs", Map.of("node", List.of("a"), "all_nodes", List.of("1")))).getMessage());
    }

    @Test
    void aNameThatIsNoFlagOrParameterIsRefusedNotIgnored() {
        assertEquals("unknown option --nosufix", assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "--nosufix")).getMessage());
        String m = assertThrows(ReportQuery.BadQuery.class, () -> ReportQuery.fromUrl("vgs", Map.of("nosufix", List.of("1"))))
                .getMessage();
        assertTrue(m.startsWith("unknown parameter nosufix (known: "), m);
        assertEquals("option -o needs a value", assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "-o")).getMessage());
    }

    @Test
    void devicesSplitOnCommasAcrossRepeatedFlagsAndMakeItDirectMode() throws Exception {
        ReportQuery q = args("pvs", "--devices", "/dev/a,/dev/b", "--devices=/dev/c");
        assertEquals(List.of("/dev/a", "/dev/b", "/dev/c"), q.devices());
        assertFalse(q.viaAgent());
        assertEquals("naming VGs is supported when the agent answers; in direct mode name the devices instead",
                assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "--devices", "/dev/a", "vg0")).getMessage());
        assertEquals("--node and --all-nodes ask the agent; direct mode (--devices) reads this host's devices only",
                assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "--devices", "/dev/a", "--all-nodes")).getMessage());
    }

    @Test
    void apiFlagsAreSetByAnEmptyValueOneTrueOrYes() throws Exception {
        for (String v : List.of("", "1", "true", "YES")) {
            assertTrue(ReportQuery.fromUrl("pvs", Map.of("all", List.of(v))).all(), v);
        }
        assertFalse(ReportQuery.fromUrl("pvs", Map.of("all", List.of("0"))).all());
    }
}
