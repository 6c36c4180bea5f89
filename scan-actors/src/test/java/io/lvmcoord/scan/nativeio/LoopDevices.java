package io.lvmcoord.scan.nativeio;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Attaches loop devices for live tests; callers detach exactly the ones they attached. */
final class LoopDevices {
    private LoopDevices() {
    }

    /** Aborts the test without root or losetup, except under CI=true where that is a failure. */
    static void require(String what) throws IOException {
        boolean root = Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[1].equals("0"));
        boolean losetup = Files.isExecutable(Path.of("/usr/sbin/losetup")) || Files.isExecutable(Path.of("/sbin/losetup"));
        String why = !root ? "not root" : !losetup ? "no losetup" : null;
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true requires " + what + ", but " + why);
            }
            Assumptions.abort(what + " skipped: " + why);
        }
    }

    static Path sparseFile(Path file, long bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return file;
    }

    /** Returns the device path, e.g. /dev/loop3. */
    static String attach(Path file) throws IOException, InterruptedException {
        return run("losetup", "--find", "--show", file.toString()).trim();
    }

    static void detach(String device) throws IOException, InterruptedException {
        run("losetup", "-d", device);
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
