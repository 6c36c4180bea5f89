package io.lvmcoord.agent.systemd;

import io.lvmcoord.agent.cli.FixtureImages;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * packaging/lvmcoord-agent.service as systemd itself judges it: {@code systemd-analyze verify}
 * accepts it and {@code systemd-analyze security --offline=yes} (systemd 252+) rates its
 * exposure at 2.5 or less. Skipped, saying so, where systemd-analyze is missing.
 */
class ServiceUnitTest {
    static final double MAX_EXPOSURE = 2.5;
    private static final Path UNIT = FixtureImages.repoRoot().resolve("packaging/lvmcoord-agent.service");

    @TempDir
    Path tmp;

    record Run(int exit, String output) {
    }

    static Run run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within 60 s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void systemdAnalyzeIsThere() throws Exception {
        boolean present;
        try {
            present = run(Path.of("/"), "systemd-analyze", "--version").exit() == 0;
        } catch (IOException e) {
            present = false;
        }
        Assumptions.assumeTrue(present, "systemd-analyze is not installed: the unit file is not checked");
    }

    @Test
    void verifyAcceptsTheUnitWithoutAWarning() throws Exception {
        // verify also checks that ExecStart's binary exists, which only the installed package provides: a copy of the
        // unit runs this JVM's java instead; the rest of the file is verified as shipped.
        String unit = Files.readString(UNIT);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String copy = unit.replace("ExecStart=/usr/bin/lvmcoord ", "ExecStart=" + java + " ");
        assertTrue(!copy.equals(unit), "the unit's ExecStart is not /usr/bin/lvmcoord any more: update this test");
        Path file = tmp.resolve("lvmcoord-agent.service");
        Files.writeString(file, copy);

        Run verify = run(tmp, "systemd-analyze", "verify", "--man=no", file.toString());

        assertEquals(new Run(0, ""), verify);
    }

    @Test
    void offlineSecurityExposureIsAtMostTwoAndAHalf() throws Exception {
        Run security = run(tmp, "systemd-analyze", "security", "--offline=yes", "--no-pager", UNIT.toString());

        Matcher m = Pattern.compile("Overall exposure level for lvmcoord-agent\\.service: (\\d+\\.\\d)").matcher(security.output());
        assertTrue(m.find(), "no exposure line in:\n" + security.output());
        double exposure = Double.parseDouble(m.group(1));
        assertTrue(exposure <= MAX_EXPOSURE, "exposure " + exposure + " > " + MAX_EXPOSURE + ":\n" + security.output());
    }

    @Test
    void unitIsANotifyServiceWithAWatchdogThatOnlyItsMainProcessMayPet() throws Exception {
        List<String> lines = Files.readAllLines(UNIT).stream().filter(l -> !l.startsWith("#")).toList();

        for (String setting : List.of("Type=notify", "NotifyAccess=main", "WatchdogSec=30s", "Restart=always",
                "RestartPreventExitStatus=6", "IPAddressDeny=any", "IPAddressAllow=localhost", "ProtectSystem=strict",
                "SystemCallFilter=@system-service", "SystemCallErrorNumber=EPERM", "ProtectProc=invisible")) {
            assertTrue(lines.contains(setting), setting + " missing from " + UNIT);
        }
    }
}
