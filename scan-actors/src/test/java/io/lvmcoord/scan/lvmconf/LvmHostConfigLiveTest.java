package io.lvmcoord.scan.lvmconf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.metadata.VgMetadata;
import io.lvmcoord.scan.nativeio.SysfsBlockDevices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lvm2 itself on three loop PVs under a private LVM_SYSTEM_DIR (devices file written by
 * {@code lvmdevices --adddev}, a VG with a foreign system ID), against our decisions from the
 * same files. Needs root, losetup and lvm2; skipped otherwise (a failure under CI=true).
 */
class LvmHostConfigLiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DRIVER = "--driverloaded";
    private static Path dir;
    private static Path sysDir;
    private static final List<String> loops = new ArrayList<>();
    private static final List<Path> images = new ArrayList<>();
    private static String a;
    private static String b;
    private static String c;

    record Run(int rc, String stdout, List<String> stderr) {
    }

    @BeforeAll
    static void setUp() throws Exception {
        LiveLvm2.require("lvm2 live test");
        dir = Files.createTempDirectory("lvmconf-live");
        sysDir = dir.resolve("lvm");
        Files.createDirectories(sysDir);
        Files.writeString(sysDir.resolve("lvm.conf"), """
                devices {
                    use_devicesfile = 1
                    hints = "none"
                }
                backup {
                    backup = 0
                    archive = 0
                }
                global { system_id_source = "lvmlocal" }
                """);
        Files.writeString(sysDir.resolve("lvmlocal.conf"), "local {\n    system_id = \"hostA\"\n}\n");
        for (int i = 0; i < 3; i++) {
            Path img = dir.resolve("pv" + i + ".img");
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
                f.setLength(32L << 20);
            }
            images.add(img);
            loops.add(sh("losetup", "--find", "--show", img.toString()).stdout().trim());
        }
        a = loops.get(0);
        b = loops.get(1);
        c = loops.get(2);
        check(lvm("lvmdevices", "--adddev", a));
        check(lvm("lvmdevices", "--adddev", b));
        check(lvm("vgcreate", DRIVER, "n", "vgA", a));
        check(lvm("vgcreate", DRIVER, "n", "--systemid", "hostB", "vgB", b));
        // c is a PV outside the devices file: created through a --devices list, which leaves the file alone.
        check(lvm("pvcreate", DRIVER, "n", "--devicesfile", "", "--devices", c, c));
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (String l : loops) {
            sh("losetup", "-d", l);
        }
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }


    private static Run sh(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LVM_SYSTEM_DIR", sysDir == null ? "" : sysDir.toString());
        pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
        Path err = Files.createTempFile("lvm", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " hung");
        }
        List<String> stderr = Files.readAllLines(err).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("WARNING: Activation disabled")).toList();
        Files.delete(err);
        return new Run(p.exitValue(), out, stderr);
    }

    private static Run lvm(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("lvm"));
        cmd.addAll(List.of(args));
        return sh(cmd.toArray(String[]::new));
    }

    private static void check(Run r) {
        if (r.rc() != 0) {
            throw new IllegalStateException("lvm2 failed (" + r.rc() + "): " + r.stderr());
        }
    }

    /** The values of {@code field} in lvm2's JSON report rows of {@code kind} ("pv", "vg"). */
    private static List<String> column(Run r, String kind, String field) throws IOException {
        List<String> out = new ArrayList<>();
        JsonNode rows = JSON.readTree(r.stdout()).path("report").path(0).path(kind);
        rows.forEach(row -> out.add(row.path(field).asText()));
        return out;
    }

    private static LvmEnvironment environment(String overlay, DeviceSelection.Overrides overrides) {
        return assertInstanceOf(LvmEnvironment.Ready.class,
                LvmEnvironment.load(sysDir, overlay, overrides, LvmEnvironment.osHost())).environment();
    }

    /** Every block device of this host as lvm2 sees it before reading: names and IDs. */
    private static List<DeviceIdentity> hostDevices(LvmEnvironment env) throws IOException {
        return env.hostDevices(SysfsBlockDevices.SYS_CLASS_BLOCK, false).devices();
    }

    private static Set<String> ours(LvmEnvironment env, DeviceSelection.Selection s) {
        return s.used().stream().map(d -> DeviceSelection.reportedName(env.mode(), env.filters(), d, env.config()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The PVID on one of our loops, read from its image; devices not ours are not PVs to this test. */
    private static Optional<String> pvidOnImage(DeviceIdentity d) {
        int i = loops.indexOf(d.name());
        if (i < 0) {
            return Optional.empty();
        }
        try (RandomAccessFile f = new RandomAccessFile(images.get(i).toFile(), "r")) {
            byte[] head = new byte[io.lvmcoord.scan.codec.PvDecoder.LABEL_BYTES];
            f.readFully(head);
            io.lvmcoord.scan.codec.Decoded<io.lvmcoord.scan.codec.Label> label = io.lvmcoord.scan.codec.Label.find(d.name(), head);
            return label instanceof io.lvmcoord.scan.codec.Decoded.Ok<io.lvmcoord.scan.codec.Label> ok
                    ? Optional.of(ok.value().pvUuid()) : Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static VgMetadata vgOn(int image) throws IOException {
        byte[] bytes = Files.readAllBytes(images.get(image));
        DeviceScan scan = new PvDecoder(DecodeLimits.DEFAULT).decode(new ByteArrayBlockSource(loops.get(image), bytes));
        return assertInstanceOf(DeviceScan.PvScan.class, scan).metadata().orElseThrow();
    }

    @Test
    void theDevicesFileWrittenByLvmdevicesSelectsWhatLvm2Uses() throws Exception {
        LvmEnvironment env = environment(null, DeviceSelection.Overrides.NONE);
        assertInstanceOf(DeviceSelection.ByDevicesFile.class, env.mode());
        List<DeviceIdentity> devices = hostDevices(env);
        DeviceSelection.Selection s = env.validate(env.select(devices), devices, LvmHostConfigLiveTest::pvidOnImage);
        Run pvs = lvm("pvs", DRIVER, "n", "--foreign", "--reportformat", "json", "-o", "pv_name");
        check(pvs);
        assertEquals(new TreeSet<>(column(pvs, "pv", "pv_name")), ours(env, s));
        assertEquals(new TreeSet<>(List.of(a, b)), ours(env, s));
        assertEquals(pvs.stderr(), s.warnings());
    }

    @Test
    void filtersWithoutTheDevicesFileJudgeEveryNameOfADeviceAsLvm2Does() throws Exception {
        Path names = dir.resolve("names");
        Files.createDirectories(names);
        Path alias = names.resolve("pv-c");
        Files.deleteIfExists(alias);
        Files.createSymbolicLink(alias, Path.of(c));
        String overlay = "devices { scan = [ \"/dev\", \"" + names + "\" ] "
                + "global_filter = [ \"a|^" + a + "$|\", \"a|/names/pv-c$|\", \"r|.*|\" ] filter = [ \"r|^" + b + "$|\" ] }";
        LvmEnvironment env = environment(overlay, new DeviceSelection.Overrides(Optional.of(""), List.of()));
        assertInstanceOf(DeviceSelection.ByFilters.class, env.mode());
        List<DeviceIdentity> devices = hostDevices(env);
        DeviceSelection.Selection s = env.select(devices);
        Run pvs = lvm("pvs", DRIVER, "n", "--foreign", "--devicesfile", "", "--config", overlay, "--reportformat", "json", "-o", "pv_name");
        check(pvs);
        // Only a and c pass; lvm2 names c by the symlink its filter accepted it through.
        assertEquals(new TreeSet<>(List.of(a, alias.toString())), ours(env, s));
        assertEquals(new TreeSet<>(column(pvs, "pv", "pv_name")), ours(env, s));
    }

    @Test
    void filtersSetAlongsideTheDevicesFileAreIgnoredWithLvm2sWarnings() throws Exception {
        String overlay = "devices { global_filter = [ \"r|^" + a + "$|\" ] filter = [ \"r|^" + b + "$|\" ] }";
        LvmEnvironment env = environment(overlay, DeviceSelection.Overrides.NONE);
        List<DeviceIdentity> devices = hostDevices(env);
        DeviceSelection.Selection s = env.select(devices);
        Run pvs = lvm("pvs", DRIVER, "n", "--foreign", "--config", overlay, "--reportformat", "json", "-o", "pv_name");
        check(pvs);
        assertEquals(new TreeSet<>(column(pvs, "pv", "pv_name")), ours(env, s));
        assertEquals(pvs.stderr(), s.warnings());
    }

    @Test
    void aDevicesListOverridesTheDevicesFile() throws Exception {
        LvmEnvironment env = environment(null, new DeviceSelection.Overrides(Optional.empty(), List.of(c)));
        List<DeviceIdentity> devices = hostDevices(env);
        DeviceSelection.Selection s = env.select(devices);
        Run pvs = lvm("pvs", DRIVER, "n", "--devices", c, "--reportformat", "json", "-o", "pv_name");
        check(pvs);
        assertEquals(new TreeSet<>(column(pvs, "pv", "pv_name")), ours(env, s));
        assertEquals(Set.of(c), ours(env, s));
    }

    @Test
    void aForeignVgIsHiddenAsLvm2HidesItAndShownWithForeign() throws Exception {
        LvmEnvironment env = environment(null, DeviceSelection.Overrides.NONE);
        assertEquals(Optional.of("hostA"), env.systemId().id());
        Map<String, VgMetadata> vgs = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            VgMetadata vg = vgOn(i);
            vgs.put(vg.name(), vg);
        }
        Run listing = lvm("vgs", DRIVER, "n", "--reportformat", "json", "-o", "vg_name");
        check(listing);
        Run foreign = lvm("vgs", DRIVER, "n", "--foreign", "--reportformat", "json", "-o", "vg_name");
        check(foreign);
        assertEquals(new TreeSet<>(column(listing, "vg", "vg_name")), visible(env, vgs, VgVisibility.Options.LISTING));
        assertEquals(new TreeSet<>(column(foreign, "vg", "vg_name")),
                visible(env, vgs, new VgVisibility.Options(true, false, false, false)));
        assertEquals(List.of(), listing.stderr());

        Run named = lvm("vgs", DRIVER, "n", "vgB");
        VgVisibility.Decision d = env.visibility(vgs.get("vgB"), new VgVisibility.Options(false, false, false, true));
        assertEquals(5, named.rc());
        assertTrue(d.failed());
        assertEquals(named.stderr(), d.messages());
    }

    @Test
    void withoutALocalSystemIdLvm2RefusesEveryVgWithOneAloud() throws Exception {
        String overlay = "global { system_id_source = \"none\" }";
        LvmEnvironment env = environment(overlay, DeviceSelection.Overrides.NONE);
        Map<String, VgMetadata> vgs = Map.of("vgA", vgOn(0), "vgB", vgOn(1));
        Run listing = lvm("vgs", DRIVER, "n", "--config", overlay, "--reportformat", "json", "-o", "vg_name");
        check(listing);
        assertEquals(new TreeSet<>(column(listing, "vg", "vg_name")), visible(env, vgs, VgVisibility.Options.LISTING));
        List<DeviceIdentity> devices = hostDevices(env);
        List<String> expected = new ArrayList<>(env.warnings());
        expected.addAll(env.select(devices).warnings());
        List<String> vgLines = new ArrayList<>();
        for (VgMetadata vg : vgs.values()) {
            vgLines.addAll(env.visibility(vg, VgVisibility.Options.LISTING).messages());
        }
        List<String> printed = listing.stderr();
        assertEquals(expected, printed.subList(0, expected.size()));
        assertEquals(new TreeSet<>(vgLines), new TreeSet<>(printed.subList(expected.size(), printed.size())));
        assertEquals(vgLines.size(), printed.size() - expected.size());
    }

    private static Set<String> visible(LvmEnvironment env, Map<String, VgMetadata> vgs, VgVisibility.Options o) {
        return vgs.values().stream().filter(vg -> env.visibility(vg, o).visible()).map(VgMetadata::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
