package io.lvmcoord.packaging;

import io.lvmcoord.agent.cli.LvmcoordCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Installs the built .deb on this host with dpkg, checks what an administrator gets, and purges
 * it again, leaving the host as it found it (the lvmcoord group removed when this test made it).
 * Needs root and dpkg, and a host without lvmcoord installed or its directories present;
 * skipped, saying which, otherwise. The package's postinst neither enables nor starts the unit,
 * so nothing runs on the host but the agent this test starts on image files in a temp dir.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebInstallTest {
    private static final List<Path> PACKAGE_PATHS = List.of(Path.of("/etc/lvmcoord"), Path.of("/var/lib/lvmcoord"),
            Path.of("/var/cache/lvmcoord"), Path.of("/usr/share/lvmcoord"), Path.of("/usr/bin/lvmcoord"));
    private static final Path UNIT = Path.of("/lib/systemd/system/lvmcoord-agent.service");

    private boolean installed;
    private boolean groupExistedBefore;
    private Path tmp;

    record Run(int rc, String out, String err) {
    }

    @BeforeAll
    void install() throws Exception {
        assumeTrue("0".equals(run(List.of("id", "-u")).out.strip()), "DebInstallTest: not root, the .deb is not installed");
        assumeTrue(onPath("dpkg"), "DebInstallTest: no dpkg on this host, the .deb is not installed");
        assumeTrue(run(List.of("dpkg-query", "-W", "-f", "${Status}", "lvmcoord")).out.contains("not-installed")
                        || run(List.of("dpkg-query", "-W", "lvmcoord")).rc != 0,
                "DebInstallTest: lvmcoord is already installed on this host; the test does not replace it");
        for (Path p : PACKAGE_PATHS) {
            assumeTrue(!Files.exists(p), "DebInstallTest: " + p + " exists already; the test would not leave the host as it found it");
        }
        groupExistedBefore = run(List.of("getent", "group", "lvmcoord")).rc == 0;
        Path deb = deb();
        tmp = Files.createTempDirectory("lvmcoord-debtest");
        // The package's own files and scripts are under test; its Depends are apt's business. A
        // host whose JDK is not Debian's (or lacks curl) still installs it, forcing them.
        List<String> missing = missingDependencies();
        List<String> cmd = new ArrayList<>(List.of("dpkg", "-i"));
        if (!missing.isEmpty()) {
            System.err.println("DebInstallTest: dependencies not installed (" + missing + "), installing with --force-depends");
            cmd.add("--force-depends");
        }
        cmd.add(deb.toString());
        installed = true;
        Run r = run(cmd);
        assertEquals(0, r.rc, "dpkg -i " + deb + ": " + r.out + r.err);
    }

    @AfterAll
    void purge() throws Exception {
        if (!installed) {
            return;
        }
        Run r = run(List.of("dpkg", "--purge", "--force-depends", "lvmcoord"));
        if (!groupExistedBefore) {
            run(List.of("groupdel", "lvmcoord"));
        }
        if (tmp != null) {
            run(List.of("rm", "-rf", tmp.toString()));
        }
        assertEquals(0, r.rc, "dpkg --purge lvmcoord: " + r.out + r.err);
        for (Path p : PACKAGE_PATHS) {
            assertTrue(!Files.exists(p), p + " is left after the purge");
        }
        assertTrue(!Files.exists(UNIT), UNIT + " is left after the purge");
        if (!groupExistedBefore) {
            assertTrue(run(List.of("getent", "group", "lvmcoord")).rc != 0, "the lvmcoord group is left after the purge");
        }
    }

    @Test
    void installedPackageHasTheProjectVersionAndTheLauncherPrintsIt() throws Exception {
        String version = System.getProperty("lvmcoord.version");
        // Debian orders "0.1.0~SNAPSHOT" before the release "0.1.0"; Maven's "-" would order it after.
        assertEquals(version.replace('-', '~'), run(List.of("dpkg-query", "-W", "-f", "${Version}", "lvmcoord")).out);
        Run v = run(List.of("/usr/bin/lvmcoord", "--version"));
        assertEquals(0, v.rc, v.err);
        assertEquals("lvmcoord " + version, v.out.lines().findFirst().orElse(""), v.out);
        assertTrue(v.out.contains("lvm2 2.03.16"), v.out);
    }

    @Test
    void postinstCreatesTheSocketGroupAndKeepsTheConfigurationAsAConffile() throws Exception {
        assertEquals(0, run(List.of("getent", "group", "lvmcoord")).rc, "no lvmcoord group after install");
        assertTrue(Files.isRegularFile(Path.of("/etc/lvmcoord/lvmcoord.conf")));
        assertEquals("/etc/lvmcoord/lvmcoord.conf", run(List.of("dpkg-query", "-W", "-f", "${Conffiles}", "lvmcoord")).out.strip().split(" ")[0]);
        assertTrue(Files.isRegularFile(UNIT));
        assertTrue(Files.isRegularFile(Path.of("/lib/udev/rules.d/69-lvmcoord.rules")));
    }

    @Test
    void postinstDumpsClassDataArchivesTheInstalledJvmMaps() throws Exception {
        // -Xshare:on makes a JVM that cannot map the archive fail instead of running without it.
        Run full = run(List.of("java", "-Xshare:on", "-XX:SharedArchiveFile=/var/cache/lvmcoord/lvmcoord.jsa", "-XX:+UseSerialGC",
                "-jar", "/usr/share/lvmcoord/lvmcoord.jar", "--version"));
        assertEquals(0, full.rc, full.out + full.err);
        Run client = run(List.of("java", "-Xshare:on", "-XX:SharedArchiveFile=/var/cache/lvmcoord/client.jsa", "-XX:+UseSerialGC",
                "-cp", "/usr/share/lvmcoord/lvmcoord-client.jar", "io.lvmcoord.agent.client.ClientCli", "vgs", "--version"));
        assertEquals(0, client.rc, client.out + client.err);
        assertTrue(client.out.contains("LVM version:"), client.out);
    }

    @Test
    void everyCommandHasAManPageThatManRenders() throws Exception {
        List<String> expected = GenerateDocs.allCommands(new CommandLine(new LvmcoordCli())).stream()
                .map(c -> GenerateDocs.pageName(c.getCommandSpec()) + ".8.gz").sorted().toList();
        assertTrue(expected.containsAll(List.of("lvmcoord.8.gz", "lvmcoord-vgs.8.gz", "lvmcoord-agent.8.gz", "lvmcoord-tls-issue.8.gz")), expected.toString());
        for (String page : expected) {
            assertTrue(Files.isRegularFile(Path.of("/usr/share/man/man8", page)), page + " not installed");
        }
        assumeTrue(onPath("man"), "DebInstallTest: no man on this host, the pages are not rendered");
        Run vgs = run(List.of("man", "-l", "/usr/share/man/man8/lvmcoord-vgs.8.gz"), Map.of("MANPAGER", "cat", "PAGER", "cat", "MANWIDTH", "100"));
        assertEquals(0, vgs.rc, vgs.err);
        assertTrue(vgs.out.contains("lvmcoord-vgs - Report volume groups"), vgs.out);
        assertTrue(vgs.out.contains("--reportformat"), vgs.out);
        Run top = run(List.of("man", "-l", "/usr/share/man/man8/lvmcoord.8.gz"), Map.of("MANPAGER", "cat", "PAGER", "cat", "MANWIDTH", "100"));
        assertEquals(0, top.rc, top.err);
        assertTrue(top.out.contains("lvmcoord-agent(8)"), top.out);
    }

    @Test
    void bashCompletesSubcommandsAndTheirOptions() throws Exception {
        assumeTrue(onPath("bash"), "DebInstallTest: no bash on this host");
        assertEquals(List.of("vgs"), complete("lvmcoord", "vg"));
        assertEquals(List.of("--reportformat"), complete("lvmcoord", "vgs", "--reportf"));
        assertEquals(List.of("tls"), complete("lvmcoord", "tl"));
    }

    /** What the installed completion offers for the last word, as bash calls it on TAB. */
    private List<String> complete(String... words) throws Exception {
        String line = String.join(" ", words);
        String script = "source /usr/share/bash-completion/completions/lvmcoord && complete -p lvmcoord >/dev/null"
                + " && COMP_WORDS=(" + line + ") && COMP_CWORD=" + (words.length - 1) + " && COMP_LINE='" + line + "' && COMP_POINT=" + line.length()
                + " && _complete_lvmcoord lvmcoord '" + words[words.length - 1] + "' '" + words[words.length - 2] + "'"
                + " && printf '%s\\n' \"${COMPREPLY[@]}\"";
        Run r = run(List.of("bash", "-c", script));
        assertEquals(0, r.rc, r.err);
        return Arrays.stream(r.out.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void theInstalledAgentOnImageFilesAnswersVgsAsLvm2DidWithTheClassDataArchivesMapped() throws Exception {
        String scenario = "s01-single-linear";
        Path fixture = repoRoot().resolve("testdata/lvm2").resolve(scenario);
        Path devices = Files.createDirectories(tmp.resolve("devices"));
        for (String image : Files.readAllLines(fixture.resolve("images.txt"))) {
            if (!image.isBlank()) {
                gunzip(fixture.resolve(image.strip() + ".gz"), devices.resolve(image.strip()));
            }
        }
        Path socket = tmp.resolve("agent.sock");
        Path log = tmp.resolve("agent.log");
        // The JVM's class-load log says where each class came from: an lvmcoord class from the
        // "shared objects file" proves the launcher gave the JVM postinst's archive (the JDK's
        // own archive holds no lvmcoord class), and that the archive matched the jar.
        Path agentClasses = tmp.resolve("agent-classes.log");
        Path clientClasses = tmp.resolve("client-classes.log");
        // As the unit starts it (ExecStart: agent --config /etc/lvmcoord/lvmcoord.conf), with the
        // installed configuration; the flags keep it off this host's devices and paths.
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/lvmcoord", "agent", "--config", "/etc/lvmcoord/lvmcoord.conf",
                "--devices-dir", devices.toString(), "--socket", socket.toString(),
                "--state-dir", tmp.resolve("state").toString(), "--node-name", "debtest");
        pb.environment().put("LVMCOORD_JAVA_OPTS", "-Xlog:class+load=info:file=" + agentClasses);
        Process agent = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.readString(log).contains("start-up scan persisted")) {
                if (!agent.isAlive() || System.nanoTime() > deadline) {
                    fail("the installed agent did not persist its start-up scan: " + Files.readString(log));
                }
                Thread.sleep(100);
            }
            // The recorded command of the fixture's vgs.json (testdata/lvm2/INDEX.md), through the agent.
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/lvmcoord"));
            cmd.addAll(Arrays.asList(recordedCommand("vgs.json").split(" ")));
            cmd.addAll(List.of("--socket", socket.toString(), "--reportformat", "json", "--units", "b", "--nosuffix"));
            Run vgs = run(cmd, Map.of("LVMCOORD_JAVA_OPTS", "-Xlog:class+load=info:file=" + clientClasses));
            assertEquals(0, vgs.rc, vgs.err);
            assertEquals(Files.readString(fixture.resolve("expected/vgs.json")), vgs.out);
            assertTrue(Files.readString(clientClasses).contains("io.lvmcoord.agent.client.ClientCli source: shared objects file"),
                    "the client did not map /var/cache/lvmcoord/client.jsa");
            assertTrue(Files.readString(agentClasses).contains("io.lvmcoord.agent.Main source: shared objects file"),
                    "the agent did not map /var/cache/lvmcoord/lvmcoord.jsa");
        } finally {
            agent.destroy();
            if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                agent.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void systemdAnalyzeVerifiesTheInstalledUnit() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "DebInstallTest: no systemd-analyze on this host, the unit is not verified");
        Run r = run(List.of("systemd-analyze", "verify", UNIT.toString()));
        System.err.println("DebInstallTest: systemd-analyze verify " + UNIT + ": rc " + r.rc + "\n" + r.out + r.err);
        assertEquals(0, r.rc, r.out + r.err);
    }

    private static String recordedCommand(String file) throws IOException {
        String marker = "| `" + file + "` | `";
        for (String line : Files.readAllLines(repoRoot().resolve("testdata/lvm2/INDEX.md"))) {
            if (line.startsWith(marker)) {
                return line.substring(marker.length(), line.indexOf('`', marker.length()));
            }
        }
        throw new IllegalStateException("testdata/lvm2/INDEX.md names no command for " + file);
    }

    private static void gunzip(Path gz, Path out) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz)); OutputStream o = Files.newOutputStream(out)) {
            in.transferTo(o);
        }
    }

    private static Path deb() throws IOException {
        Path dir = Path.of(System.getProperty("lvmcoord.deb.dir", "target"));
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> debs = s.filter(p -> p.getFileName().toString().matches("lvmcoord_.*_all\\.deb")).toList();
            assertEquals(1, debs.size(), "one lvmcoord_*_all.deb in " + dir + ", the build's: " + debs);
            return debs.get(0);
        }
    }

    private static Path repoRoot() {
        Path p = Path.of(System.getProperty("lvmcoord.repo.root", "..")).toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata/lvm2"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("testdata/lvm2 not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** The package's Depends alternatives none of which dpkg has installed. */
    private static List<String> missingDependencies() throws Exception {
        Run r = run(List.of("dpkg-deb", "-f", deb().toString(), "Depends"));
        List<String> missing = new ArrayList<>();
        for (String alternatives : r.out.strip().split(",\\s*")) {
            boolean any = false;
            for (String pkg : alternatives.split("\\s*\\|\\s*")) {
                any |= run(List.of("dpkg-query", "-W", "-f", "${Status}", pkg.strip())).out.contains("install ok installed");
            }
            if (!any) {
                missing.add(alternatives);
            }
        }
        return missing;
    }

    private static boolean onPath(String tool) throws Exception {
        return run(List.of("sh", "-c", "command -v " + tool)).rc == 0;
    }

    private static Run run(List<String> cmd) throws Exception {
        return run(cmd, Map.of());
    }

    private static Run run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("debtest", ".out");
        Path err = Files.createTempFile("debtest", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail(String.join(" ", cmd) + ": still running after 180 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
