package io.lvmcoord.coordinator.report.select;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real lvm2 is the oracle. Two VGs on four loop devices, with LV sizes, tags, permissions,
 * allocation policies, read-ahead settings and creation times (rewritten through vgcfgbackup /
 * vgcfgrestore) that differ; for each expression lvm2 selects rows, and we select from lvm2's own
 * printed values of all rows with our compiled selection. Invalid expressions must give lvm2's stderr
 * and exit code. Needs root, lvm2 and losetup (CI runs as root); skipped otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelectionLvmOracleTest {
    private static final long MIB = 1 << 20;
    private static final String CONFIG = "devices { hints=\"none\" } backup { backup=0 archive=0 } "
            + "report { time_format=\"%s\" binary_values_as_numeric=1 }";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Cases where lvm2 selected some rows but not all: the oracle must discriminate, not just agree on "none". */
    private int discriminating;
    private Path dir;
    private final List<String> loops = new ArrayList<>();
    private String lvm;
    private final Map<String, Long> creationTimes = new LinkedHashMap<>();

    @BeforeAll
    void createVolumeGroups() throws Exception {
        lvm = Stream.of("/usr/sbin/lvm", "/sbin/lvm").filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        assumeTrue(lvm != null, "lvm2 is not installed: skipping the lvm2 selection oracle");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/losetup")) || Files.isExecutable(Path.of("/sbin/losetup")),
                "losetup is not installed: skipping the lvm2 selection oracle");
        assumeTrue(run(List.of("id", "-u")).out().trim().equals("0"), "not root: skipping the lvm2 selection oracle");

        dir = Files.createTempDirectory("select-oracle");
        for (int i = 0; i < 4; i++) {
            Path img = dir.resolve("pv" + i + ".img");
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
                f.setLength(64 * MIB);
            }
            Result r = run(List.of("losetup", "-f", "--show", img.toString()));
            assumeTrue(r.code() == 0, "losetup failed: " + r.err());
            loops.add(r.out().trim());
        }
        String a = loops.get(0);
        String b = loops.get(1);
        String c = loops.get(2);
        String d = loops.get(3);
        lvmOk("pvcreate", a, b, c, d);
        lvmOk("vgcreate", "-s", "4m", "--addtag", "t1", "--addtag", "t2", "vgsel", a, b, c);
        lvmOk("vgcreate", "--addtag", "t3", "vgtwo", d);
        lvmOk("lvcreate", "-an", "-Zn", "-L", "8m", "-n", "lv_alpha", "--addtag", "a", "--addtag", "b", "vgsel");
        lvmOk("lvcreate", "-an", "-Zn", "-L", "12m", "-n", "lv_beta", "-pr", "--addtag", "b", "--alloc", "contiguous", "vgsel");
        lvmOk("lvcreate", "-an", "-Zn", "-L", "20m", "-n", "lv_gamma", "--addtag", "a", "--addtag", "b", "--addtag", "c",
                "--alloc", "anywhere", "-r", "256", "vgsel");
        lvmOk("lvcreate", "-an", "-Zn", "-L", "4m", "-n", "lv_delta", "--alloc", "cling", "-r", "none", "vgsel");
        lvmOk("lvcreate", "-an", "-Zn", "-L", "16m", "-n", "data1", "--addtag", "db", "vgsel");
        lvmOk("lvcreate", "-an", "-Zn", "-L", "8m", "-n", "lv_one", "--addtag", "z", "vgtwo");
        lvmOk("pvchange", "--addtag", "fast", a);
        lvmOk("pvchange", "--addtag", "slow", "--addtag", "fast", b);
        lvmOk("pvchange", "-xn", c);

        long now = Instant.now().getEpochSecond();
        creationTimes.put("lv_alpha", now - 600);
        creationTimes.put("lv_beta", now - 3 * 3600);
        creationTimes.put("lv_gamma", now - 2 * 86400 - 3600);
        creationTimes.put("lv_delta", Instant.parse("2021-01-31T12:00:00Z").getEpochSecond());
        creationTimes.put("data1", Instant.parse("2021-02-15T12:00:00Z").getEpochSecond());
        creationTimes.put("lv_one", now - 40 * 86400);
        rewriteCreationTimes("vgsel");
        rewriteCreationTimes("vgtwo");
    }

    private void rewriteCreationTimes(String vg) throws Exception {
        Path file = dir.resolve(vg + ".vg");
        lvmOk("vgcfgbackup", "-f", file.toString(), vg);
        String text = Files.readString(file);
        for (Map.Entry<String, Long> e : creationTimes.entrySet()) {
            Matcher m = Pattern.compile("(\\n\\t\\t" + e.getKey() + " \\{.*?creation_time = )\\d+", Pattern.DOTALL).matcher(text);
            if (m.find()) {
                text = text.substring(0, m.start()) + m.group(1) + e.getValue() + text.substring(m.end());
            }
        }
        Files.writeString(file, text);
        lvmOk("vgcfgrestore", "-f", file.toString(), vg);
    }

    @AfterAll
    void detachLoops() throws Exception {
        if (!loops.isEmpty() && discriminating > 0) {
            assertTrue(discriminating >= 60, "only " + discriminating + " expressions selected a proper subset");
        }
        for (String loop : loops) {
            run(List.of("losetup", "-d", loop));
        }
        if (dir != null) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    static Stream<Arguments> selections() {
        List<Arguments> cases = new ArrayList<>();
        for (String e : List.of(
                "lv_name=lv_alpha", "lv_name!=lv_alpha", "name=~^lv_", "lv_name!~\"a$\"", "lv_name=~\"a.\"",
                "lv_name=~'(alpha|beta)'", "lv_name=~{ta}", "lv_name=~'^[^l]'", "lv_name=~'l+v_[a-d]'",
                "lv_size=8m", "lv_size>8m", "lv_size>=12m && lv_size<20m", "lv_size<=16777216b", "lv_size=24576s",
                "lv_size>0.01g", "lv_size<1t", "lv_size=12", "lv_size>=1.5M", "lv_size>12582911h",
                "lv_tags=a", "lv_tags=[a,b]", "lv_tags={a,b}", "lv_tags=[a||c]", "lv_tags={b&&c}", "lv_tags=[]",
                "lv_tags!={a}", "lv_tags=\"\"", "lv_tags={a#z}", "tags=[c,b,a]",
                "seg_count=1", "seg_count>=1 && lv_name=~gamma",
                "lv_read_ahead=auto", "lv_read_ahead=128k", "lv_read_ahead>0", "lv_read_ahead<1m", "lv_read_ahead=0",
                "lv_metadata_size=0", "lv_metadata_size!=0", "data_percent<50", "data_percent!=50%", "snap_percent>=0",
                "lv_major=-1", "lv_major=undefined", "lv_major>5", "lv_major!=unknown",
                "lv_allocation_policy=contiguous || lv_allocation_policy=anywhere", "lv_allocation_policy!=inherit",
                "lv_permissions=ro", "lv_permissions=rw", "lv_permissions=\"read-only\"", "lv_attr=~^-r",
                "lv_skip_activation=0", "lv_skip_activation=no", "lv_skip_activation=skip", "lv_fixed_minor=yes",
                "lv_when_full=undefined", "lv_when_full=error", "lv_when_full=\"\"",
                "lv_time since \"1 hour ago\"", "lv_time before \"1 day ago\"", "lv_time>@1612000000",
                "lv_time=2021-01", "lv_time=\"2021-02-15\"", "lv_time=2021-01-31", "lv_time!=2021-01-31",
                "lv_time until \"2021-01-31 12:00:00\"", "lv_time=\"Feb 2021\"", "lv_time since yesterday",
                "lv_time after \"30 days ago\"", "lv_time=today", "lv_time<\"2 days ago\"", "lv_time=\"2 days ago\"",
                "lv_time>=\"2021-02-15 11\"", "lv_time=\"15 Feb 2021 noon\"", "lv_time_removed=@0",
                "lv_time=\"2 hours 2021\"", "lv_time=\"Feb Mar\"", "lv_time since \"10:00 PM yesterday\"",
                "lv_time since \"5 minutes ago 2 weeks ago\"", "lv_time=\"Jan 31 2021\"", "lv_time<\"2021 Feb 15 13:00\"",
                "lv_time since \"1 month ago\" || lv_time>=\"6 months ago\"",
                "!(lv_name=lv_alpha || lv_name=lv_beta)", "lv_name=lv_alpha || lv_name=lv_beta && lv_size=8m",
                "(lv_name=lv_alpha || lv_name=lv_beta) && lv_size=12m", "lv_name=lv_alpha # lv_tags=c , lv_size>4m",
                "!(!(lv_name=lv_alpha))", "vg_name=vgtwo", "vg_tags={t1} && lv_size<10m", "  lv_name = lv_beta  ")) {
            cases.add(Arguments.of("lvs", e));
        }
        for (String e : List.of(
                "vg_free>0", "vg_permissions=rw", "vg_extendable=extendable", "vg_mda_copies=unmanaged",
                "pv_count>=3", "vg_tags=[t1,t2]", "vg_tags=t3", "vg_extent_size=4m", "vg_seqno>1", "lv_count=5",
                "vg_size>100m", "vg_attr=~z", "name=vgsel")) {
            cases.add(Arguments.of("vgs", e));
        }
        for (String e : List.of(
                "pv_allocatable=0", "pv_allocatable=allocatable", "pv_tags={fast}", "pv_tags=[fast,slow]",
                "pv_free<60m", "pv_name=~loop", "pv_in_use=used", "dev_size=64m", "pv_pe_alloc_count>0",
                "vg_name=vgsel && !(pv_tags=slow)")) {
            cases.add(Arguments.of("pvs", e));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} -S {1}")
    @MethodSource("selections")
    void weSelectTheRowsLvm2Selects(String command, String expression) throws Exception {
        FieldResolver resolver = new TestFields(command.substring(0, 2) + "_");
        String key = command.substring(0, 2) + "_uuid";
        Instant now = Instant.now();
        SelectionResult compiled = Selection.compile(expression, resolver, now, ZoneId.systemDefault());
        if (compiled instanceof SelectionResult.Invalid invalid) {
            throw new AssertionError("we refused " + expression + ": " + invalid.error().messages());
        }
        Selection selection = assertInstanceOf(SelectionResult.Compiled.class, compiled).selection();
        Set<String> fields = new LinkedHashSet<>();
        fields.add(key);
        fields.addAll(selection.fieldIds());
        String columns = String.join(",", fields);

        Result chosen = lvm(command, "--reportformat", "json", "--units", "b", "--nosuffix", "-o", key, "-S", expression);
        assertEquals(0, chosen.code(), "lvm2 refused " + expression + ": " + chosen.err());
        Set<String> lvmSelected = new TreeSet<>();
        rows(chosen.out()).forEach(r -> lvmSelected.add(r.get(key)));

        Result all = lvm(command, "--reportformat", "json", "--units", "b", "--nosuffix", "-o", columns);
        assertEquals(0, all.code(), all.err());
        Set<String> ours = new TreeSet<>();
        List<Map<String, String>> rows = rows(all.out());
        assertTrue(rows.size() >= 2, "the oracle VGs report too few rows: " + all.out());
        for (Map<String, String> row : rows) {
            Map<String, SelectValue> values = new HashMap<>();
            for (String id : selection.fieldIds()) {
                values.put(id, fromLvm(id, row.get(id)));
            }
            if (selection.test(values::get)) {
                ours.add(row.get(key));
            }
        }
        assertEquals(lvmSelected, ours, command + " -S '" + expression + "' over " + rows);
        if (!lvmSelected.isEmpty() && lvmSelected.size() < rows.size()) {
            discriminating++;
        }
    }

    static Stream<String> invalidSelections() {
        return Stream.of("foo=1", "vg_name=~[", "lv_size>1x", "(vg_name=a", "vg_name=a)", "vg_size=", "vg_name",
                "!vg_name=a", "vg_name=a &&", "vg_name=\"a", "vg_tags=[a", "vg_tags=[a,b||c]", "vg_tags=[a}",
                "vg_tags=[", "vg_tags=\"a", "vg_size>1%", "vg_name>1", "vg_name since 1", "vg_extendable=maybe",
                "lv_time>\"2 foo ago\"", "lv_time>2025-13-01", "lv_time=\"2025-02-30\"", "lv_time=\"2025-01-01 25\"",
                "lv_time=\"10:00\"", "lv_time=\"yesterday today\"", "lv_time=\"noon midnight\"",
                "lv_time=\"yesterday 10:00 bogus\"", "lv_time=\"2 days ago today\"",
                "vg_seqno=99999999999999999999999", "vg_seqno=18446744073709551615", "vg_tags=~a", "snap_percent=150",
                "snap_percent=50k", "vg_seqno=5k", "vg_seqno=\"5\"", "help=1", "vg_name=~\"(a\"", "vg_name=~'a|'",
                "vg_name=~'[a'", "vg_name=~'*a'", "vg_name=~ ", "vg_name=~\"\"", "vg_size>=1.5.3",
                "lv_time since @abc", "lv_time=@99999999999999999999999999", "()", "vg_name=a,,vg_name=b", " ",
                "vg_name=a b", "(vg_name=a x)", "!(vg_name=a", "vg_name=~(a|b)c");
    }

    @ParameterizedTest(name = "vgs -S {0}")
    @MethodSource("invalidSelections")
    void weRejectWhatLvm2RejectsWithItsMessagesAndExitCode(String expression) throws Exception {
        SelectionResult compiled = Selection.compile(expression, new TestFields("vg_"), Instant.now(), ZoneId.systemDefault());
        Result lvm2 = lvm("vgs", "-S", expression);
        List<String> lvmLines = stderr(lvm2);
        if (!(compiled instanceof SelectionResult.Invalid invalid)) {
            throw new AssertionError("we accepted " + expression + "; lvm2 said (rc " + lvm2.code() + ") " + lvmLines);
        }
        SelectionError error = invalid.error();
        assertEquals(SelectionError.EXIT_CODE, lvm2.code(), "lvm2's exit code for " + expression + ": " + lvmLines);
        if (error.listsFields()) {
            List<String> ours = error.stderrLines(List.of());
            assertTrue(lvmLines.size() > ours.size() && lvmLines.get(0).endsWith("Fields"), lvmLines.toString());
            assertEquals(ours, lvmLines.subList(lvmLines.size() - ours.size(), lvmLines.size()));
        } else {
            assertEquals(lvmLines, error.stderrLines(List.of()));
        }
    }

    @Test
    void helpPrintsTheFieldListingThenTheSelectionHelpAndSucceeds() throws Exception {
        SelectionResult compiled = Selection.compile("help", new TestFields("vg_"), Instant.now(), ZoneId.systemDefault());
        List<String> help = assertInstanceOf(SelectionResult.HelpRequested.class, compiled).selectionHelp();
        Result lvm2 = lvm("vgs", "-S", "help");
        assertEquals(0, lvm2.code(), lvm2.err());
        List<String> lines = stderr(lvm2);
        List<String> ours = help.stream().map(l -> "  " + l).toList();
        int start = lines.indexOf("  Selection operands");
        assertTrue(start > 0, lines.toString());
        assertEquals(ours, lines.subList(start, start + ours.size()));
    }

    // ---------------------------------------------------------------- lvm2's printed values -> ours

    private static SelectValue fromLvm(String id, String printed) {
        String v = printed == null ? "" : printed.trim();
        return switch (TestFields.type(id)) {
            case STR -> new SelectValue.Str(printed == null ? "" : printed);
            case NUM, SNUM, BIN -> switch (v) {
                case "", "-1", "unknown", "undefined", "unmanaged" -> SelectValue.Num.UNDEFINED;
                default -> SelectValue.Num.ofSigned(Long.parseLong(v));
            };
            case SIZ -> switch (v) {
                case "" -> SelectValue.Size.UNDEFINED;
                case "auto" -> SelectValue.Size.AUTO;
                default -> SelectValue.Size.ofBytes(Long.parseLong(v));
            };
            case PCT -> v.isEmpty() ? SelectValue.Percent.INVALID
                    : SelectValue.Percent.ofDmPercent((int) Math.round(Double.parseDouble(v) * SelectValue.Percent.PERCENT_1));
            case STR_LIST -> new SelectValue.StrList(v.isEmpty() ? List.of() : Arrays.asList(v.split(",")));
            case TIM -> new SelectValue.Time(v.isEmpty() ? 0 : Long.parseLong(v));
        };
    }

    private static List<Map<String, String>> rows(String json) throws IOException {
        JsonNode report = JSON.readTree(json).get("report").get(0);
        Iterator<String> names = report.fieldNames();
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonNode row : report.get(names.next())) {
            Map<String, String> values = new LinkedHashMap<>();
            row.fields().forEachRemaining(f -> values.put(f.getKey(), f.getValue().asText()));
            rows.add(values);
        }
        return rows;
    }

    /** lvm2's stderr without the notice every command prints when device-mapper is off. */
    private static List<String> stderr(Result r) {
        return r.err().lines().filter(l -> !l.contains("WARNING: Activation disabled")).toList();
    }

    // ---------------------------------------------------------------- processes

    private record Result(int code, String out, String err) {
    }

    private Result lvm(String command, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(lvm, command, "--driverloaded", "n", "--devices", String.join(",", loops),
                "--config", CONFIG));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private void lvmOk(String command, String... args) throws Exception {
        Result r = lvm(command, args);
        if (r.code() != 0) {
            throw new IllegalStateException("lvm " + command + " " + String.join(" ", args) + " failed: " + r.err());
        }
    }

    private static Result run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
        Path out = Files.createTempFile("select-out", ".txt");
        Path err = Files.createTempFile("select-err", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
