package io.lvmcoord.agent.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lvmcoord.agent.cli.LvmcoordCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Live oracle: the real lvm2 builds random volume groups on loop devices, then lvm2's reports and
 * lvmcoord's reports over exactly those devices must be equal, row by row and field by field.
 *
 * <p>Each scenario ({@link RandomVgScenario}) gets its own loop devices, detached as soon as it
 * is done, so a run never holds more than six. Only {@code lv_attr} characters 5 and 6 (kernel
 * state, open count) are masked: lvm2 runs without device-mapper here and prints {@code X}, which
 * says nothing about the on-disk metadata.
 *
 * <p>Reproduce a failure with {@code -Dlvmcoord.oracle.seed=<base seed> -Dlvmcoord.oracle.only=<n>}
 * (both printed in the failure message). {@code -Dlvmcoord.oracle.vgs} sets how many scenarios run
 * (default 24); {@code -Dlvmcoord.oracle.lvm2Only=true} builds and prints lvm2's JSON without
 * calling lvmcoord (to debug the harness itself); {@code -Dlvmcoord.oracle.verbose=true} logs every
 * scenario's lvm2 commands, not only those of failed ones. Needs root, losetup and lvm2; skipped without
 * them, except that with {@code CI=true} a missing lvm2 is installed with apt or fails the run, and
 * fewer than {@value #CI_MINIMUM_COMPARED} compared scenarios fail it.
 */
class LiveOracleTest {

    static final String PVS_FIELDS = "pv_name,pv_uuid,vg_name,pv_fmt,pv_attr,pv_size,dev_size,pv_free,pv_used,"
            + "pe_start,pv_pe_count,pv_pe_alloc_count,pv_mda_count,pv_mda_used_count,pv_mda_size,pv_mda_free,"
            + "pv_tags,pv_missing,pv_in_use,pv_duplicate,pv_ext_vsn";
    static final String VGS_FIELDS = "vg_name,vg_uuid,vg_attr,vg_size,vg_free,vg_extent_size,vg_extent_count,"
            + "vg_free_count,vg_seqno,pv_count,lv_count,snap_count,max_lv,max_pv,vg_tags,vg_systemid,vg_mda_count,"
            + "vg_mda_used_count,vg_mda_copies,vg_missing_pv_count,vg_exported,vg_partial,vg_permissions,"
            + "vg_allocation_policy,vg_lock_type";
    static final String LVS_FIELDS = "lv_name,vg_name,lv_uuid,lv_attr,lv_size,seg_count,lv_tags,lv_layout,lv_role,"
            + "pool_lv,origin,data_lv,metadata_lv";
    static final String SEGS_FIELDS = "lv_name,vg_name,lv_uuid,seg_start_pe,seg_size_pe,segtype,stripes,stripe_size,"
            + "devices,seg_pe_ranges";
    /** Second pass: names lvmcoord derives rather than reads (dm escaping of '-'), plus a VG field in lvs. */
    static final String LV_PATH_FIELDS = "lv_name,vg_name,lv_path,lv_full_name,lv_dm_path,vg_free";

    private static final int CI_MINIMUM_COMPARED = 20;
    private static final int DEFAULT_SCENARIOS = 24;
    private static final Duration APT_TIMEOUT = Duration.ofMinutes(10);
    /** lv_attr positions (0-based) that describe the kernel, not the metadata. */
    private static final int ATTR_STATE = 4;
    private static final int ATTR_OPEN = 5;
    private static final int MAX_ROWS_SHOWN = 30;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final boolean CI = "true".equals(System.getenv("CI"));
    /** -Dlvmcoord.oracle.verbose=true prints every scenario's commands, not only those of failures. */
    private static final boolean VERBOSE = Boolean.getBoolean("lvmcoord.oracle.verbose");

    private static final AtomicInteger comparedScenarios = new AtomicInteger();
    private static final AtomicInteger identicalReportTexts = new AtomicInteger();
    private static final AtomicInteger comparedReports = new AtomicInteger();
    /** Set once root, losetup and lvm2 are there; from then on, CI insists on enough compared scenarios. */
    private static volatile boolean environmentUsable;

    /** What the machine provides for the test. */
    private record Environment(Path lvm, Path losetup) {}

    /** A report command as both tools get it; lvm2 additionally gets its side-effect-free config. */
    private record ReportCommand(String name, List<String> args) {}

    /** One run of lvmcoord's CLI. */
    private record CliOutput(int exitCode, String stdout, String stderr) {}

    @TestFactory
    Stream<DynamicTest> lvmcoordReportsEqualLvm2OnRandomVolumeGroups() {
        Environment env = requireEnvironment();
        boolean lvm2Only = Boolean.getBoolean("lvmcoord.oracle.lvm2Only");
        long baseSeed = Long.getLong("lvmcoord.oracle.seed", System.currentTimeMillis());
        int scenarios = Integer.getInteger("lvmcoord.oracle.vgs", DEFAULT_SCENARIOS);
        Integer only = Integer.getInteger("lvmcoord.oracle.only");
        System.out.println("[live-oracle] base seed " + baseSeed + " (-Dlvmcoord.oracle.seed=" + baseSeed + "), "
                + scenarios + " scenarios" + (only != null ? ", only scenario " + only : "")
                + (lvm2Only ? ", lvm2 only" : "") + "; " + env);
        IntStream indices = only != null ? IntStream.of(only) : IntStream.range(0, scenarios);
        return indices.mapToObj(index -> {
            long seed = scenarioSeed(baseSeed, index);
            return dynamicTest("scenario " + index + " (seed " + seed + ")",
                    () -> runScenario(env, !lvm2Only, baseSeed, index, seed));
        });
    }

    @AfterAll
    static void ciComparesEnoughScenarios() {
        System.out.println("[live-oracle] compared scenarios: " + comparedScenarios.get() + "; report texts"
                + " byte-identical to lvm2's: " + identicalReportTexts.get() + "/" + comparedReports.get());
        if (CI && environmentUsable) {
            assertTrue(comparedScenarios.get() >= CI_MINIMUM_COMPARED, "CI=true requires at least "
                    + CI_MINIMUM_COMPARED + " scenarios compared against lvm2, but only " + comparedScenarios.get()
                    + " were (the others were skipped or failed; see above)");
        }
    }

    /** Independent streams per scenario, yet each one derivable from the printed base seed alone. */
    private static long scenarioSeed(long baseSeed, int index) {
        return new SplittableRandom(baseSeed).longs(index + 1L).skip(index).findFirst().orElseThrow();
    }

    private void runScenario(Environment env, boolean compareWithLvmcoord, long baseSeed, int index, long seed)
            throws IOException {
        RandomVgScenario scenario = RandomVgScenario.generate(index, seed);
        StringBuilder log = new StringBuilder();
        Consumer<String> logLine = line -> log.append(line).append('\n');
        long started = System.nanoTime();
        boolean passed = false;
        try {
            try (LoopDevices loops = LoopDevices.open(env.losetup(), "lvmcoord-oracle-" + index + "-", logLine)) {
                for (RandomVgScenario.DeviceSpec device : scenario.devices()) {
                    try {
                        loops.attach(device.label(), device.sizeBytes());
                    } catch (LoopDevices.AttachFailed e) {
                        Assumptions.abort("scenario " + index + ": cannot attach a loop device: " + e.getMessage());
                    }
                }
                Lvm2 lvm = new Lvm2(env.lvm(), loops.paths(), logLine);
                scenario.build(lvm, loops.paths(), logLine);
                List<String> differences = new ArrayList<>();
                for (ReportCommand command : reportCommands(lvm.deviceList())) {
                    Lvm2.Report expected = lvm.report(command.args());
                    if (!compareWithLvmcoord) {
                        logLine.accept("# lvm2 " + command.name() + " (exit " + expected.raw().exitCode() + "):\n"
                                + expected.json() + "\n# stderr: " + expected.raw().stderr().strip());
                        continue;
                    }
                    CliOutput actual = runCli(command.args());
                    comparedReports.incrementAndGet();
                    if (actual.stdout().strip().equals(expected.json().strip())) {
                        identicalReportTexts.incrementAndGet();
                    }
                    List<String> found = compare(expected, actual);
                    if (!found.isEmpty()) {
                        differences.add("== lvm2 command: " + Lvm2.displayed(command.args()) + "\n  "
                                + String.join("\n  ", found) + "\n  lvmcoord stderr: " + actual.stderr().strip()
                                + "\n  lvm2 stderr: " + expected.raw().stderr().strip());
                    }
                }
                if (!compareWithLvmcoord) {
                    Assumptions.abort("lvm2-only mode: scenario " + index + " built and reported, not compared");
                }
                if (!differences.isEmpty()) {
                    fail("lvmcoord's reports differ from lvm2's (base seed " + baseSeed + ", scenario " + index
                            + ", scenario seed " + seed + "; rerun with -Dlvmcoord.oracle.seed=" + baseSeed
                            + " -Dlvmcoord.oracle.only=" + index + ")\n" + String.join("\n", differences)
                            + "\n-- how the scenario was built --\n" + log);
                }
            }
            // Counted only after close(): a scenario whose loop devices could not be detached did not pass.
            comparedScenarios.incrementAndGet();
            passed = true;
        } finally {
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            // Full command log only when it is needed to understand or replay the scenario.
            if (passed && !VERBOSE) {
                System.out.println("[live-oracle] " + scenario.describe() + ": equal, " + millis + " ms");
            } else {
                System.out.print(log.append("# scenario ").append(index).append(" took ").append(millis).append(" ms\n"));
            }
        }
    }

    private static List<ReportCommand> reportCommands(String devices) {
        List<String> bytes = List.of("--devices", devices, "--reportformat", "json", "--units", "b", "--nosuffix");
        List<String> human = List.of("--devices", devices, "--reportformat", "json");
        return List.of(
                command("pvs", List.of("pvs", "-a"), bytes, "-o", PVS_FIELDS),
                command("vgs", List.of("vgs"), bytes, "-o", VGS_FIELDS),
                command("lvs", List.of("lvs", "-a"), bytes, "-o", LVS_FIELDS),
                command("segs", List.of("lvs", "-a", "--segments"), bytes, "-o", SEGS_FIELDS),
                command("lv paths", List.of("lvs", "-a"), bytes, "-o", LV_PATH_FIELDS),
                command("pvs human", List.of("pvs"), human),
                command("vgs human", List.of("vgs"), human),
                command("lvs human", List.of("lvs"), human));
    }

    private static ReportCommand command(String name, List<String> verb, List<String> common, String... more) {
        List<String> args = new ArrayList<>(verb);
        args.addAll(common);
        args.addAll(List.of(more));
        return new ReportCommand(name, List.copyOf(args));
    }

    // ---- the system under test ------------------------------------------------------------

    private static CliOutput runCli(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int exit = LvmcoordCli.run(args.toArray(String[]::new), outStream, errStream);
            outStream.flush();
            errStream.flush();
            return new CliOutput(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new AssertionError("lvmcoord threw on: " + Lvm2.displayed(args) + "\n  its stderr so far: "
                    + err.toString(StandardCharsets.UTF_8), e);
        }
    }

    // ---- comparison -----------------------------------------------------------------------

    /** Every difference between lvm2's and lvmcoord's answer to one command, or none. */
    private static List<String> compare(Lvm2.Report expected, CliOutput actual) {
        List<String> differences = new ArrayList<>();
        if (expected.raw().exitCode() != actual.exitCode()) {
            differences.add("exit code: lvm2 " + expected.raw().exitCode() + ", lvmcoord " + actual.exitCode());
        }
        JsonNode lvm2;
        try {
            lvm2 = JSON.readTree(expected.json());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("lvm2 printed no JSON (harness problem, not lvmcoord's): "
                    + expected.raw().stdout(), e);
        }
        JsonNode ours;
        try {
            ours = JSON.readTree(actual.stdout());
        } catch (JsonProcessingException e) {
            differences.add("lvmcoord stdout is not JSON (" + e.getOriginalMessage() + "):\n" + abbreviate(actual.stdout()));
            return differences;
        }
        if (lvm2 == null || ours == null) {
            differences.add("empty output: lvm2 " + (lvm2 == null ? "empty" : "JSON") + ", lvmcoord "
                    + (ours == null ? "empty:\n" + abbreviate(actual.stdout()) : "JSON"));
            return differences;
        }
        compareDocuments(mask(lvm2), mask(ours), differences);
        return differences;
    }

    /** {"report":[{"pv":[rows]}, ...]} — sections compared by name and order, rows by position. */
    private static void compareDocuments(JsonNode lvm2, JsonNode ours, List<String> differences) {
        if (!fieldNames(lvm2).equals(fieldNames(ours))) {
            differences.add("top-level keys: lvm2 " + fieldNames(lvm2) + ", lvmcoord " + fieldNames(ours));
        }
        for (String key : fieldNames(lvm2)) {
            if (!ours.has(key)) {
                continue;
            }
            if (!key.equals("report")) {
                if (!lvm2.get(key).equals(ours.get(key))) {
                    differences.add("\"" + key + "\": lvm2 " + lvm2.get(key) + "\n    lvmcoord " + ours.get(key));
                }
                continue;
            }
            JsonNode a = lvm2.get("report");
            JsonNode b = ours.get("report");
            if (!a.isArray() || !b.isArray() || a.size() != b.size()) {
                differences.add("\"report\" shape: lvm2 " + abbreviate(a.toString()) + "\n    lvmcoord " + abbreviate(b.toString()));
                continue;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!fieldNames(a.get(i)).equals(fieldNames(b.get(i)))) {
                    differences.add("report[" + i + "] sections: lvm2 " + fieldNames(a.get(i)) + ", lvmcoord "
                            + fieldNames(b.get(i)));
                    continue;
                }
                for (String section : fieldNames(a.get(i))) {
                    compareRows("report[" + i + "]." + section, a.get(i).get(section), b.get(i).get(section), differences);
                }
            }
        }
    }

    private static void compareRows(String where, JsonNode lvm2, JsonNode ours, List<String> differences) {
        if (!lvm2.isArray() || !ours.isArray()) {
            differences.add(where + " is not a row list: lvm2 " + abbreviate(lvm2.toString()) + "\n    lvmcoord "
                    + abbreviate(ours.toString()));
            return;
        }
        if (lvm2.size() != ours.size()) {
            differences.add(where + ": lvm2 has " + lvm2.size() + " rows, lvmcoord " + ours.size()
                    + "\n    lvm2 rows:\n" + rows(lvm2) + "\n    lvmcoord rows:\n" + rows(ours));
            return;
        }
        for (int row = 0; row < lvm2.size(); row++) {
            JsonNode a = lvm2.get(row);
            JsonNode b = ours.get(row);
            if (a.equals(b) && fieldNames(a).equals(fieldNames(b))) {
                continue;
            }
            List<String> fields = new ArrayList<>();
            for (String field : union(fieldNames(a), fieldNames(b))) {
                if (!a.has(field) || !b.has(field) || !a.get(field).equals(b.get(field))) {
                    fields.add(field);
                }
            }
            String what = fields.isEmpty()
                    ? "field order differs: lvm2 " + fieldNames(a) + ", lvmcoord " + fieldNames(b)
                    : "fields " + fields + " differ";
            differences.add(where + " row " + row + ": " + what
                    + "\n    lvm2:     " + a + "\n    lvmcoord: " + b);
        }
    }

    /** Both sides with lv_attr's kernel-state characters replaced, wherever lv_attr appears. */
    private static JsonNode mask(JsonNode node) {
        JsonNode copy = node.deepCopy();
        maskInPlace(copy);
        return copy;
    }

    private static void maskInPlace(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode attr = object.get("lv_attr");
            if (attr != null && attr.isTextual() && attr.asText().length() > ATTR_OPEN) {
                char[] chars = attr.asText().toCharArray();
                chars[ATTR_STATE] = '?';
                chars[ATTR_OPEN] = '?';
                object.set("lv_attr", TextNode.valueOf(new String(chars)));
            }
        }
        node.forEach(LiveOracleTest::maskInPlace);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }

    private static List<String> union(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        b.stream().filter(n -> !all.contains(n)).forEach(all::add);
        return all;
    }

    private static String rows(JsonNode rows) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (JsonNode row : rows) {
            if (shown++ == MAX_ROWS_SHOWN) {
                sb.append("      ... ").append(rows.size() - MAX_ROWS_SHOWN).append(" more\n");
                break;
            }
            sb.append("      ").append(row).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    private static String abbreviate(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 4000) + "... (" + s.length() + " chars)";
    }

    // ---- environment ----------------------------------------------------------------------

    /**
     * Skips (or, for a missing lvm2 under CI, installs and otherwise fails) when the machine cannot
     * run the oracle: it needs root for loop devices, losetup, and lvm2.
     */
    private static Environment requireEnvironment() {
        skipUnless(isRoot(), "live oracle needs root (loop devices, lvm2)");
        Optional<Path> losetup = LoopDevices.locateLosetup();
        skipUnless(losetup.isPresent(), "live oracle needs losetup (util-linux)");
        skipUnless(Files.isDirectory(Path.of("/sys/block")), "no /sys/block: cannot verify which loop devices are ours");
        Optional<Path> lvm = Lvm2.locate();
        if (lvm.isEmpty() && CI) {
            lvm = installLvm2();
            if (lvm.isEmpty()) {
                fail("CI=true: lvm2 is required for the live oracle, and apt-get install -y lvm2 did not provide"
                        + " a working 'lvm' (see the apt output above)");
            }
        }
        skipUnless(lvm.isPresent(), "live oracle needs lvm2 ('lvm' not found or not working; apt-get install -y"
                + " lvm2, or run with CI=true to have it installed)");
        environmentUsable = true;
        return new Environment(lvm.get(), losetup.get());
    }

    /** An aborted @TestFactory shows up in Surefire as zero tests, so the reason is printed as well. */
    private static void skipUnless(boolean condition, String reason) {
        if (!condition) {
            System.out.println("[live-oracle] SKIPPED: " + reason);
        }
        Assumptions.assumeTrue(condition, reason);
    }

    private static boolean isRoot() {
        try {
            return io.lvmcoord.agent.client.SocketLocation.currentUid() == 0;
        } catch (IllegalStateException e) {
            System.out.println("[live-oracle] cannot tell whether we are root (" + e.getCause() + "); assuming not");
            return false;
        }
    }

    private static Optional<Path> installLvm2() {
        Optional<Path> aptGet = Lvm2.findExecutable("apt-get");
        if (aptGet.isEmpty()) {
            System.out.println("[live-oracle] CI=true, lvm2 missing and no apt-get to install it");
            return Optional.empty();
        }
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        List<String> install = List.of(aptGet.get().toString(), "install", "-y", "lvm2");
        Lvm2.Result first = Lvm2.execute(install, APT_TIMEOUT, env);
        System.out.println("[live-oracle] " + first.commandLine() + " -> exit " + first.exitCode() + "\n" + first.stderr());
        if (first.exitCode() != 0) {
            // Package lists may be missing or stale on a fresh CI image; refresh once and retry.
            Lvm2.Result update = Lvm2.execute(List.of(aptGet.get().toString(), "update"), APT_TIMEOUT, env);
            System.out.println("[live-oracle] apt-get update -> exit " + update.exitCode() + "\n" + update.stderr());
            Lvm2.Result second = Lvm2.execute(install, APT_TIMEOUT, env);
            System.out.println("[live-oracle] " + second.commandLine() + " -> exit " + second.exitCode() + "\n" + second.stderr());
        }
        return Lvm2.locate();
    }
}
