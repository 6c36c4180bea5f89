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
                "--socket", "/run/x.sock", "--nameprefixes", "--unquoted", "--rows", "-v", "--foreign", "--shared",
                "--config", "devices { filter=[\"a|.*|\"] }", "--devicesfile", "my.devices", "--nodevicesfile", "-S", "lv_name=~x",
                "vg one", "vg2/lv", "@t");
        assertEquals(List.of("lv_name,devices"), q.options());
        assertEquals(Path.of("/run/x.sock"), q.socket());
        String url = q.toUrl();
        assertTrue(url.startsWith("/v1/lvs?format=json&"), url);
        ReportQuery back = ReportQuery.fromUrl("lvs", params(url));
        ReportQuery.More more = new ReportQuery.More(true, true, true, null, true, true, true, "devices { filter=[\"a|.*|\"] }",
                "my.devices", true, "lv_name=~x", false, false, null);
        assertEquals(new ReportQuery("lvs", q.options(), q.sort(), true, true, "json", "k", true, true, "|&=?", true, true, "n1.example",
                false, List.of("vg one", "vg2/lv", "@t"), List.of(), null, more), back);
        assertEquals(more, q.more());
    }

    @Test
    void optionsAreReadAsLvm2sGetoptReadsThem() throws Exception {
        // A unique prefix of a long option, bundled short flags, a value attached to a short flag, -- ending the options.
        ReportQuery q = args("vgs", "--nosuf", "-qqav", "-Ovg_name", "--headings=full", "--", "-odd-vg-name");
        assertTrue(q.nosuffix());
        assertTrue(q.all());
        assertTrue(q.more().verbose());
        assertEquals(List.of("vg_name"), q.sort());
        assertEquals("full", q.more().headings());
        assertEquals(List.of("-odd-vg-name"), q.names());
        // Accepted with no effect: lvmcoord never locks, writes or caches.
        ReportQuery plain = args("vgs");
        ReportQuery noEffect = args("vgs", "--readonly", "--nolocking", "--ignoreskippedcluster", "--ignorelockingfailure", "-q",
                "--driverloaded", "n", "-dd", "--trustcache", "--nohints");
        assertEquals(plain, noEffect);
        // lvm2's unbuffered output (unsorted, widths of the first row) is not made: refused rather than printed otherwise.
        assertTrue(assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "--unbuffered")).getMessage()
                .startsWith("  --unbuffered is not supported by lvmcoord"));
    }

    @Test
    void defaultsAreLvm2sOnTheCommandLineAndJsonOnTheApi() throws Exception {
        assertEquals("/v1/vgs?format=basic", args("vgs").toUrl());
        assertEquals("json", ReportQuery.fromUrl("vgs", Map.of()).format());
    }

    @Test
    void everyPathRefusesTheSameRequestsInTheSameWords() {
        List<String[]> cases = List.of(
                new String[]{"vgs", "--reportformat=xml", "format=xml",
                        "  Invalid argument for --reportformat: xml\n  Error during parsing of command line."},
                new String[]{"vgs", "--headings=some", "headings=some",
                        "  Invalid argument for --headings: some\n  Error during parsing of command line."},
                new String[]{"vgs", "--segments", "segments=1",
                        "vgs: unrecognized option '--segments'\n  Error during parsing of command line."},
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
        assertEquals("vgs: unrecognized option '--nosufix'\n  Error during parsing of command line.",
                assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "--nosufix")).getMessage());
        assertEquals("vgs: invalid option -- 'z'\n  Error during parsing of command line.",
                assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "-az")).getMessage());
        assertEquals("vgs: option '--no' is ambiguous; possibilities: '--node' '--nodevicesfile' '--noheadings' '--nohints' '--nolocking' "
                        + "'--nosuffix'\n  Error during parsing of command line.",
                assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "--no")).getMessage());
        String m = assertThrows(ReportQuery.BadQuery.class, () -> ReportQuery.fromUrl("vgs", Map.of("nosufix", List.of("1"))))
                .getMessage();
        assertTrue(m.startsWith("unknown parameter nosufix (known: "), m);
        assertEquals("vgs: option requires an argument -- 'o'\n  Error during parsing of command line.",
                assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "-o")).getMessage());
        assertEquals("vgs: option '--units' requires an argument\n  Error during parsing of command line.",
                assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "--units")).getMessage());
        assertEquals("  Option --units may not be repeated.\n  Error during parsing of command line.",
                assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "--units", "k", "--units", "m")).getMessage());
    }

    @Test
    void devicesSplitOnCommasAcrossRepeatedFlagsAndMakeItDirectMode() throws Exception {
        ReportQuery q = args("pvs", "--devices", "/dev/a,/dev/b", "--devices=/dev/c", "/dev/b");
        assertEquals(List.of("/dev/a", "/dev/b", "/dev/c"), q.devices());
        assertEquals(List.of("/dev/b"), q.names());
        assertFalse(q.viaAgent());
        assertEquals("--node and --all-nodes ask the agent; direct mode (--devices) reads this host's devices only",
                assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "--devices", "/dev/a", "--all-nodes")).getMessage());
    }

    @Test
    void configreportChoosesTheSubreportOfTheFollowingOptions() throws Exception {
        ReportQuery full = args("fullreport", "-o", "x", "--configreport", "vg", "-o", "vg_name", "--configreport", "pvseg", "-O", "pvseg_size");
        assertEquals(List.of("ignored:x", "vg:vg_name"), full.options());
        assertEquals(List.of("pvseg:pvseg_size"), full.sort());
        assertEquals(List.of("vg_name"), args("vgs", "--configreport", "vg", "-o", "vg_name").options());
        assertThrows(ReportQuery.BadQuery.class, () -> args("vgs", "--configreport", "lv", "-o", "lv_name"));
    }

    @Test
    void apiFlagsAreSetByAnEmptyValueOneTrueOrYes() throws Exception {
        for (String v : List.of("", "1", "true", "YES")) {
            assertTrue(ReportQuery.fromUrl("pvs", Map.of("all", List.of(v))).all(), v);
        }
        assertFalse(ReportQuery.fromUrl("pvs", Map.of("all", List.of("0"))).all());
    }
}
