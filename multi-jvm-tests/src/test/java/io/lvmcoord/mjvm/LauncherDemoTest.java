package io.lvmcoord.mjvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/lvmcoord demo}, the README's main-job command, as a script or CI runs it: under a
 * caller's {@code set -e}, stdin not a terminal, on the jars the reactor just packaged. It must
 * end with status 0 (its agent is stopped by SIGTERM, whose 143 once became the demo's) and
 * leave no temp directory behind.
 */
class LauncherDemoTest {

    private static final Pattern SOCKET = Pattern.compile("--unix-socket (/tmp/lvmcoord-demo\\.[^/]+)/agent\\.sock");

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void demoQueriesItsAgentAndExitsZeroUnderSetE() throws Exception {
        Path launcher = ClusterHarness.launcher();
        Path out = Files.createTempFile("lvmcoord-demo", ".out");
        Path err = Files.createTempFile("lvmcoord-demo", ".err");
        try {
            // The caller's set -e: a non-zero demo would stop the script before the echo.
            Process p = new ProcessBuilder("bash", "-c", "set -euo pipefail; \"$0\" demo </dev/null; echo demo-finished", launcher.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(4, TimeUnit.MINUTES), "demo still running after 4 minutes");
            String stdout = Files.readString(out);
            String stderr = Files.readString(err);
            assertEquals(0, p.exitValue(), stdout + stderr);
            assertTrue(stdout.endsWith("demo-finished\n"), stdout);
            assertTrue(stderr.contains("agent: lvmcoord agent: start-up scan persisted (7 devices"), stderr);
            for (String line : List.of("$ lvmcoord vgs", "$ lvmcoord lvs -a -o +devices,lv_layout,lv_role", "$ lvmcoord pvs -a",
                    "  VG vg12 is complete on demo.")) {
                assertTrue(stdout.contains("\n" + line + "\n"), line + " missing from:\n" + stdout);
            }
            assertTrue(stdout.lines().anyMatch(l -> l.matches("  vgdata +2 +2 +0 wz--n- +56\\.00m +28\\.00m")), stdout);
            Matcher socket = SOCKET.matcher(stdout);
            assertTrue(socket.find(), stdout);
            assertFalse(Files.exists(Path.of(socket.group(1))), socket.group(1) + " was left behind");
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
