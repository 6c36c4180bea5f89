package io.lvmcoord.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsCommandTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = LvmcoordCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void initCaThenIssueWriteTheFilesAnAgentReadsFromItsStateDirectory() {
        Path ca = tmp.resolve("ca");
        Run init = run("tls", "init-ca", "--out", ca.toString(), "--name", "prod cluster", "--days", "30");
        assertEquals(0, init.exit(), init.err());
        assertTrue(init.out().startsWith("CA CN=prod cluster,O=lvmcoord made in " + ca.toAbsolutePath()), init.out());
        Path node = tmp.resolve("state/tls");
        Run issue = run("tls", "issue", "--ca", ca.toString(), "--node", "host-b", "--host", "10.0.0.12", "--out", node.toString());
        assertEquals(0, issue.exit(), issue.err());
        assertTrue(issue.out().startsWith("certificate for host-b issued by CN=prod cluster,O=lvmcoord into " + node.toAbsolutePath()),
                issue.out());
        for (String f : new String[]{"node.p12", "trust.p12", "password"}) {
            assertTrue(Files.isRegularFile(node.resolve(f)), f);
        }
        assertFalse(Files.exists(node.resolve("ca.p12")), "the CA's key is not handed to nodes");
    }

    @Test
    void mistakesAreRefusedNamingWhatIsWrong() {
        Path ca = tmp.resolve("ca");
        Run days = run("tls", "init-ca", "--out", ca.toString(), "--days", "0");
        assertEquals(ReportCommand.EXIT_USAGE, days.exit());
        assertEquals("lvmcoord tls init-ca: --days must be at least 1, got 0", days.err().strip());
        assertFalse(Files.exists(ca));

        Run noCa = run("tls", "issue", "--ca", ca.toString(), "--node", "n", "--out", tmp.resolve("n").toString());
        assertEquals(ReportCommand.EXIT_FAILED, noCa.exit());
        assertEquals("lvmcoord tls issue: " + ca + " holds no CA (ca.p12 is missing): make one with `lvmcoord tls init-ca --out DIR`",
                noCa.err().strip());

        assertEquals(0, run("tls", "init-ca", "--out", ca.toString()).exit());
        Run again = run("tls", "init-ca", "--out", ca.toString());
        assertEquals(ReportCommand.EXIT_FAILED, again.exit());
        assertTrue(again.err().contains("already exists: a cluster keeps one CA"), again.err());

        Run bare = run("tls");
        assertEquals(ReportCommand.EXIT_USAGE, bare.exit());
        assertTrue(bare.err().contains("a subcommand is required: init-ca or issue"), bare.err());
    }
}
