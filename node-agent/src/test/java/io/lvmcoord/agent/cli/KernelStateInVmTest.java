package io.lvmcoord.agent.cli;

import io.lvmcoord.scan.dm.DmDevice;
import io.lvmcoord.scan.dm.DmRecording;
import io.lvmcoord.scan.dm.DmState;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DM ioctls against a real kernel: a vmlab VM (../shared/tools/vmlab; Debian 12, kernel 6.1,
 * lvm2 2.03.16) gets a linear LV of two segments, a thin pool with a thin LV, a synced raid1, an
 * origin with a snapshot, a read-only LV, a dm device with only an inactive table, and one
 * suspended device. (Not a device that never had a table: the kernel registers its block device
 * at the first table load, and dmsetup info -c fails on one without, "Could not resolve block
 * device name".) Then, one after the other: dmsetup info -c, status,
 * table (plus each dm device's read_ahead_kb), our {@code lvmcoord capture-kernel-state} from the
 * built jar, {@link KernelDmProbe} (KernelDm read directly, and again with buffers so small that
 * every answer needs the "buffer full" retry), and dmsetup again. Every line of ours
 * must be dmsetup's, and KernelDm's state must be what {@link DmRecording} reads from dmsetup's.
 * Then end to end: lvm2's {@code lvs -a -o all}, {@code lvs -a --segments -o all}, {@code lvs -a}
 * and {@code vgs} on that live kernel, and lvmcoord's direct mode with the same arguments, must
 * agree cell for cell (JSON) and byte for byte (text).
 *
 * <p>Slow (TCG emulation; Java runs ~30x slower in the guest): opt-in with the Maven profile
 * {@code vmlab}, after {@code package} so that the jar exists:
 * {@code VMLAB_DIR=/work/vmlab mvn -B -o -pl node-agent -am verify -Pvmlab -Dlvmcoord.cds.skip=true
 * -Dtest=KernelStateInVmTest -Dsurefire.failIfNoSpecifiedTests=false} ({@code -Dvmlab.keep=DIR} keeps what the
 * guest wrote in DIR). Skipped when VMLAB_DIR (with a
 * built rootfs), the vmlab scripts (VMLAB_HOME, default ../shared/tools/vmlab) or qemu are missing.
 */
@Tag("vmlab")
class KernelStateInVmTest {

    private static final String VM = "lvmcoord-kstate";
    private static final long MINUTE = 60;

    /** Runs inside the guest (bash -x, stdin is this script): the LVs and dm devices the test reads. */
    private static final String SCENARIO = """
            set -eux
            export LC_ALL=C
            pvcreate -y /dev/vdb /dev/vdc /dev/vdd
            vgcreate vgk /dev/vdb /dev/vdc /dev/vdd
            lvcreate -y -n lin -L 8M vgk /dev/vdb
            lvextend -y -L +8M vgk/lin /dev/vdc
            lvcreate -y --type thin-pool -n pool -L 32M vgk /dev/vdd
            lvcreate -y -n thin1 -V 64M --thinpool vgk/pool
            dd if=/dev/urandom of=/dev/vgk/thin1 bs=1M count=2 oflag=direct status=none
            lvcreate -y --type raid1 -m 1 -n r1 -L 8M vgk /dev/vdb /dev/vdc
            lvcreate -y -n origin -L 8M vgk /dev/vdb
            lvcreate -y -s -n snap -L 4M vgk/origin
            dd if=/dev/urandom of=/dev/vgk/origin bs=1M count=1 oflag=direct status=none
            lvcreate -y -n ro -L 4M -p r -Z n vgk
            i=0
            while [ "$(lvs --noheadings -o sync_percent vgk/r1 | tr -d ' ')" != 100.00 ]; do
              i=$((i + 1)); [ $i -lt 450 ]; sleep 2
            done
            dmsetup create staged --notable
            dmsetup load staged --table "0 2048 zero"
            udevadm settle
            dmsetup suspend vgk-lin
            dmsetup info -c -o name,attr
            """;

    /** dmsetup's view, then ours, then KernelDm's, then dmsetup's again (to see that nothing moved meanwhile). */
    private static final String CAPTURE = """
            set -eux
            export LC_ALL=C
            dmsetup_capture() {
              mkdir -p "$1"
              dmsetup info -c --noheadings --separator '|' -o name,uuid,major,minor,open,attr,segments,events,blkdevname > "$1/info.txt"
              dmsetup status --noflush > "$1/status.txt"
              dmsetup table > "$1/table.txt"
              dmsetup version > "$1/version.txt"
              for b in /sys/block/dm-*; do
                mkdir -p "$1/sysfs/block/${b##*/}/bdi"
                cat "$b/bdi/read_ahead_kb" > "$1/sysfs/block/${b##*/}/bdi/read_ahead_kb"
              done
            }
            rm -rf /tmp/out; mkdir -p /tmp/out
            dmsetup_capture /tmp/out/dmsetup
            java -XX:TieredStopAtLevel=1 -jar /host/lvmcoord.jar capture-kernel-state /tmp/out/ours
            java -XX:TieredStopAtLevel=1 -cp /host/lvmcoord.jar:/host/probe io.lvmcoord.agent.cli.KernelDmProbe > /tmp/out/kerneldm.txt
            dmsetup_capture /tmp/out/dmsetup-after
            # End to end on the live kernel: lvm2's reports and direct mode's, each over the same disks.
            devs=/dev/vdb,/dev/vdc,/dev/vdd
            report() {   # report NAME ARGS...: lvm2's output in lvm2-NAME, ours in ours-NAME
              local name=$1; shift
              "$@" --devices $devs > "/tmp/out/lvm2-$name"
              java -XX:TieredStopAtLevel=1 -jar /host/lvmcoord.jar "$@" --devices $devs > "/tmp/out/ours-$name"
            }
            report lvs-all.json lvs -a -o all --reportformat json --units b --nosuffix
            report segs-all.json lvs -a --segments -o all --reportformat json --units b --nosuffix
            report lvs.txt lvs -a
            report vgs.txt vgs
            dmsetup resume vgk-lin
            """;

    @Test
    void dmsetupAndOurCaptureOfTheSameKernelAgreeLineForLine(@TempDir Path tmp) throws Exception {
        String vmlabDir = System.getenv("VMLAB_DIR");
        Assumptions.assumeTrue(vmlabDir != null && Files.isRegularFile(Path.of(vmlabDir, "images/rootfs.img")),
                "VMLAB_DIR is not set to a built vmlab (images/rootfs.img; see ../shared/tools/vmlab/README.md): no VM to test in");
        Path home = Path.of(System.getenv().getOrDefault("VMLAB_HOME", repo().resolve("../shared/tools/vmlab").normalize().toString()));
        Assumptions.assumeTrue(Files.isRegularFile(home.resolve("boot.sh")), "no vmlab scripts in " + home + " (set VMLAB_HOME)");
        Assumptions.assumeTrue(onPath("qemu-system-x86_64"), "qemu-system-x86_64 is not installed: no VM to test in");
        Path jar = repo().resolve("node-agent/target/lvmcoord.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run this test in the vmlab profile's integration-test phase "
                + "(mvn ... verify -Pvmlab), after package");

        Path share = Files.createDirectories(tmp.resolve("share"));
        Files.copy(jar, share.resolve("lvmcoord.jar"));
        copyProbe(share.resolve("probe"));
        List<String> disks = new ArrayList<>();
        for (String d : List.of("vdb", "vdc", "vdd")) {
            Path img = tmp.resolve(d + ".img");
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
                f.setLength(256L << 20);
            }
            disks.add(img.toString());
        }
        int idx = freeIndex(Path.of(vmlabDir));
        Map<String, String> env = Map.of("VMLAB_DIR", vmlabDir, "SHARE", share.toString(), "IDX", Integer.toString(idx), "LAN", "0",
                "UDEV", "1", "MEM", "1536");
        long t0 = System.nanoTime();
        try {
            List<String> boot = new ArrayList<>(List.of(home.resolve("boot.sh").toString(), VM));
            boot.addAll(disks);
            run(boot, env, null, 10 * MINUTE, tmp.resolve("boot.log"));
            run(List.of(home.resolve("vmssh.sh").toString(), VM, "bash -s"), env, SCENARIO, 30 * MINUTE, tmp.resolve("scenario.log"));
            run(List.of(home.resolve("vmssh.sh").toString(), VM, "bash -s"), env, CAPTURE, 30 * MINUTE, tmp.resolve("capture.log"));
            Path out = Files.createDirectories(tmp.resolve("out"));
            run(List.of("bash", "-c", "'" + home.resolve("vmssh.sh") + "' " + VM + " 'tar -C /tmp/out -cf - .' | tar -C '" + out + "' -xf -"),
                    env, null, 5 * MINUTE, tmp.resolve("fetch.log"));
            System.out.println("KernelStateInVmTest: VM part took " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + " s");
            String keep = System.getProperty("vmlab.keep");
            if (keep != null) {
                run(List.of("cp", "-a", out.toString(), keep), Map.of(), null, MINUTE, tmp.resolve("keep.log"));
            }
            check(out);
        } finally {
            stop(home, env, tmp.resolve("stop.log"));
        }
    }

    /** Stops the VM (stop.sh resumes nothing: the disks are thrown away); a failure to stop is printed, not thrown over the test's. */
    private static void stop(Path home, Map<String, String> env, Path log) {
        try {
            run(List.of(home.resolve("stop.sh").toString(), VM), env, null, 5 * MINUTE, log);
        } catch (Exception | AssertionError e) {
            System.err.println("KernelStateInVmTest: stopping " + VM + " failed: " + e.getMessage());
        }
    }

    private static void check(Path out) throws IOException {
        Path dmsetup = out.resolve("dmsetup");
        for (String f : List.of("info.txt", "status.txt", "table.txt")) {
            assertEquals(Files.readString(dmsetup.resolve(f)), Files.readString(out.resolve("dmsetup-after").resolve(f)),
                    f + ": the kernel's state moved while the test read it; the comparison below would not be fair");
        }
        for (String f : List.of("info.txt", "status.txt", "table.txt")) {
            assertEquals(Files.readAllLines(dmsetup.resolve(f)), Files.readAllLines(out.resolve("ours").resolve(f)), f);
            assertEquals(Files.readString(dmsetup.resolve(f)), Files.readString(out.resolve("ours").resolve(f)), f + ", byte for byte");
        }
        DmState fromDmsetup = DmRecording.read(dmsetup);
        assertEquals(KernelDmProbe.describe(fromDmsetup), Files.readString(out.resolve("kerneldm.txt")),
                "KernelDm in the guest against DmRecording of dmsetup's output");
        assertEquals(fromDmsetup, DmRecording.read(out.resolve("ours")), "our capture reads back as dmsetup's does");

        // The scenario is what the comparison covers: the states the test set up are there.
        DmDevice lin = fromDmsetup.named("vgk-lin").orElseThrow();
        assertTrue(lin.suspended(), "vgk-lin was suspended");
        assertEquals(2, lin.tables().size(), "vgk-lin has two segments");
        assertTrue(fromDmsetup.named("vgk-ro").orElseThrow().readOnly());
        DmDevice staged = fromDmsetup.named("staged").orElseThrow();
        assertTrue(staged.inactiveTable() && !staged.liveTable() && staged.statuses().isEmpty(), staged.toString());
        for (String target : List.of("thin-pool", "thin", "raid", "snapshot", "snapshot-origin", "linear")) {
            assertTrue(fromDmsetup.devices().stream().anyMatch(d -> d.statuses().stream().anyMatch(s -> s.target().equals(target))),
                    "a " + target + " device");
        }
        assertTrue(fromDmsetup.devices().stream().filter(DmDevice::liveTable).allMatch(d -> d.readAhead() > 0),
                "every active dm device has its read-ahead");

        // lvmcoord's direct mode on the live kernel prints what lvm2 printed there, cell for cell.
        for (String f : List.of("lvs.txt", "vgs.txt")) {
            assertEquals(Files.readString(out.resolve("lvm2-" + f)), Files.readString(out.resolve("ours-" + f)), f);
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String f : List.of("lvs-all.json", "segs-all.json")) {
            com.fasterxml.jackson.databind.JsonNode want = json.readTree(out.resolve("lvm2-" + f).toFile()).get("report").get(0);
            com.fasterxml.jackson.databind.JsonNode have = json.readTree(out.resolve("ours-" + f).toFile()).get("report").get(0);
            String key = want.fieldNames().next();
            assertEquals(want.get(key).size(), have.get(key).size(), f + " rows");
            for (int i = 0; i < want.get(key).size(); i++) {
                com.fasterxml.jackson.databind.JsonNode w = want.get(key).get(i);
                com.fasterxml.jackson.databind.JsonNode h = have.get(key).get(i);
                java.util.Iterator<String> names = w.fieldNames();
                while (names.hasNext()) {
                    String n = names.next();
                    assertEquals(w.get(n).asText(), h.has(n) ? h.get(n).asText() : "<absent>", f + " " + w.get("lv_name").asText() + " " + n);
                }
            }
        }
        assertTrue(Files.readString(out.resolve("lvm2-lvs.txt")).contains("-wi-s-----"), "the suspended LV is in the comparison");
    }

    private static Path repo() {
        return Path.of(System.getProperty("user.dir")).getParent();
    }

    /** The probe's class files, for the guest's class path beside the jar. */
    private static void copyProbe(Path to) throws IOException, URISyntaxException {
        Path classes = Path.of(KernelDmProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = Path.of("io/lvmcoord/agent/cli");
        Files.createDirectories(to.resolve(pkg));
        try (Stream<Path> s = Files.list(classes.resolve(pkg))) {
            for (Path c : s.filter(p -> p.getFileName().toString().startsWith("KernelDmProbe")).toList()) {
                Files.copy(c, to.resolve(pkg).resolve(c.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** A vmlab index whose ssh port (22200 + idx) is free and not claimed by another VM of the lab. */
    private static int freeIndex(Path vmlabDir) throws IOException {
        List<String> claimed = new ArrayList<>();
        Path run = vmlabDir.resolve("run");
        if (Files.isDirectory(run)) {
            try (Stream<Path> s = Files.list(run)) {
                // This test's own VM dir (left by an earlier run) claims nothing: boot.sh refuses a VM still running.
                for (Path p : s.filter(d -> !d.getFileName().toString().equals(VM)).map(d -> d.resolve("sshport"))
                        .filter(Files::isRegularFile).toList()) {
                    claimed.add(Files.readString(p).strip());
                }
            }
        }
        for (int idx = 150; idx <= 199; idx++) {
            int port = 22200 + idx;
            if (claimed.contains(Integer.toString(port))) {
                continue;
            }
            try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return free.getLocalPort() - 22200;
            } catch (IOException busy) {
                // taken; try the next
            }
        }
        throw new IllegalStateException("no free vmlab ssh port in 22350..22399");
    }

    private static boolean onPath(String exe) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, exe)));
    }

    /** Runs a host command (its output to {@code log}); fails with that output when it fails or outlasts {@code timeoutSeconds}. */
    private static void run(List<String> cmd, Map<String, String> env, String stdin, long timeoutSeconds, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to " + cmd, e);
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroy();
            throw new AssertionError(String.join(" ", cmd) + ": still running after " + timeoutSeconds + " s; output:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        System.out.println("KernelStateInVmTest: " + String.join(" ", cmd).replace(" bash -s", "") + " took "
                + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + " s\n" + output.indent(2));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed; output:\n" + output);
    }
}
