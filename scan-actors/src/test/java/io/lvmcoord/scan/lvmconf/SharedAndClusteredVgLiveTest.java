package io.lvmcoord.scan.lvmconf;

import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.metadata.VgMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shared (sanlock) VG and an old clustered VG, made by lvm2's own vgcfgbackup / vgcfgrestore
 * with the lock type or CLUSTERED flag added to the backup (lvm2 cannot create them without
 * lvmlockd or clvmd): what vgs shows and prints, listing and by name, against our decisions.
 * Needs root, losetup and lvm2.
 */
class SharedAndClusteredVgLiveTest {
    private Path dir;
    private Path sysDir;
    private Path image;
    private String loop;

    record Run(int rc, String stdout, List<String> stderr) {
    }

    @BeforeEach
    void setUp() throws Exception {
        LiveLvm2.require("shared/clustered VG live test");
        dir = Files.createTempDirectory("shared-live");
        sysDir = dir.resolve("lvm");
        Files.createDirectories(sysDir);
        Files.writeString(sysDir.resolve("lvm.conf"), "devices {\n hints = \"none\"\n}\nbackup { backup = 0 archive = 0 }\n");
        image = dir.resolve("d.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(16L << 20);
        }
        loop = run("losetup", "--find", "--show", image.toString()).stdout().trim();
        check(lvm("vgcreate", "vgS", loop));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (loop != null) {
            run("losetup", "-d", loop);
        }
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private Run run(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LVM_SYSTEM_DIR", sysDir.toString());
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

    /** lvm confined to our loop, without device-mapper. */
    private Run lvm(String command, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("lvm", command, "--driverloaded", "n", "--devices", loop));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    private static void check(Run r) {
        if (r.rc() != 0) {
            throw new IllegalStateException("lvm2 failed (" + r.rc() + "): " + r.stderr());
        }
    }

    /** Rewrites the VG's metadata through a backup edited by {@code edit}. */
    private void restoreEdited(java.util.function.UnaryOperator<String> edit) throws Exception {
        Path backup = dir.resolve("vgS.vg");
        check(lvm("vgcfgbackup", "-f", backup.toString(), "vgS"));
        Files.writeString(backup, edit.apply(Files.readString(backup)));
        Run restored = lvm("vgcfgrestore", "-f", backup.toString(), "vgS");
        assertTrue(restored.stdout().contains("Restored volume group vgS"), restored.toString());
    }

    private VgMetadata decoded() throws IOException {
        byte[] bytes = Files.readAllBytes(image);
        DeviceScan scan = new PvDecoder(DecodeLimits.DEFAULT).decode(new ByteArrayBlockSource(loop, bytes));
        return assertInstanceOf(DeviceScan.PvScan.class, scan).metadata().orElseThrow();
    }

    private LvmEnvironment environment() {
        return assertInstanceOf(LvmEnvironment.Ready.class,
                LvmEnvironment.load(sysDir, null, DeviceSelection.Overrides.NONE, LvmEnvironment.osHost())).environment();
    }

    private void assertSameAsLvm2(VgMetadata vg, String... extra) throws Exception {
        LvmEnvironment env = environment();
        Run listing = lvm("vgs", concat(extra, "--reportformat", "json", "-o", "vg_name"));
        check(listing);
        VgVisibility.Options listingOptions = new VgVisibility.Options(false, List.of(extra).contains("--shared"), false, false);
        VgVisibility.Decision listed = env.visibility(vg, listingOptions);
        assertEquals(listing.stdout().contains("\"vgS\""), listed.visible(), listing.stdout());
        assertEquals(listing.stderr(), listed.messages());

        Run named = lvm("vgs", concat(extra, "vgS"));
        VgVisibility.Decision byName = env.visibility(vg, new VgVisibility.Options(false, listingOptions.shared(), false, true));
        assertEquals(named.rc() == 5, byName.failed());
        assertEquals(named.stderr(), byName.messages());
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    @Test
    void aSanlockVgIsHiddenWithoutLvmlockdAndShownWithShared() throws Exception {
        restoreEdited(t -> t.replaceFirst("(?m)^(\\s*)seqno = (\\d+)$", "$1seqno = $2\n$1lock_type = \"sanlock\"\n$1lock_args = \"1.0.0:lvmlock\""));
        VgMetadata vg = decoded();
        assertEquals("sanlock", vg.lockType());
        assertSameAsLvm2(vg);
        assertSameAsLvm2(vg, "--shared");
    }

    @Test
    void aClusteredVgIsSkippedWithLvm2sAdvice() throws Exception {
        restoreEdited(t -> t.replaceFirst("status = \\[(\"RESIZEABLE\"[^\\]]*)\\]", "status = [$1, \"CLUSTERED\"]"));
        VgMetadata vg = decoded();
        assertTrue(vg.status().contains("CLUSTERED"), vg.status().toString());
        assertSameAsLvm2(vg);
    }
}
