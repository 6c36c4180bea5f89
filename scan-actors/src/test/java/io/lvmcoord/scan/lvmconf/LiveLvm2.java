package io.lvmcoord.scan.lvmconf;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/** What the live lvm2 tests of this package need: root, losetup and lvm2 (CI has all three). */
final class LiveLvm2 {
    private LiveLvm2() {
    }

    /** Skips the test (naming what is missing) without them; under {@code CI=true} fails it instead. */
    static void require(String test) throws IOException {
        String why = missing();
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true requires root, losetup and lvm2, but " + why);
            }
            Assumptions.abort(test + " skipped: " + why);
        }
    }

    private static String missing() throws IOException {
        boolean root = Files.readString(Path.of("/proc/self/status")).lines()
                .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[1].equals("0"));
        if (!root) {
            return "not root";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/losetup")) && !Files.isExecutable(Path.of("/sbin/losetup"))) {
            return "no losetup";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/lvm")) && !Files.isExecutable(Path.of("/sbin/lvm"))) {
            return "no lvm2 (/usr/sbin/lvm)";
        }
        return null;
    }
}
