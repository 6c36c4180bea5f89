package io.lvmcoord.agent.systemd;

import io.lvmcoord.agent.cli.FixtureImages;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * packaging/69-lvmcoord.rules hands a device event to the agent in well under a second, whatever
 * state the agent is in: its RUN commands, run as udev would (split on spaces, no shell, $env{}
 * substituted), against a socket nobody listens on and one whose agent never answers.
 */
class UdevRuleTest {
    private static final Path RULES = FixtureImages.repoRoot().resolve("packaging/69-lvmcoord.rules");
    private static final String DEFAULT_SOCKET = "/run/lvmcoord/agent.sock";
    /** The hand-off's limit, with the process start inside it. */
    private static final long LIMIT_MILLIS = 1000;

    @TempDir
    Path tmp;

    @BeforeAll
    static void curlIsThere() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "/usr/bin/curl is not installed: the rule's RUN is not timed");
    }

    /** Every RUN+= command line of the rules file, in order. */
    static List<String> runCommands() throws IOException {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("^RUN\\+=\"([^\"]*)\"", Pattern.MULTILINE).matcher(Files.readString(RULES));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    record Timed(int exit, long millis) {
    }

    private static Timed runAsUdev(String command, Path socket) throws Exception {
        assertTrue(command.contains(DEFAULT_SOCKET), command);
        String line = command.replace(DEFAULT_SOCKET, socket.toString()).replace("$env{DEVNAME}", "/dev/loop7");
        List<String> argv = Arrays.asList(line.split(" +"));
        long started = System.nanoTime();
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(line + " still running after 30 s");
        }
        return new Timed(p.exitValue(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Test
    void ruleHasAnAddAndARemoveRunWithoutRetries() throws Exception {
        List<String> runs = runCommands();

        assertEquals(2, runs.size(), runs.toString());
        assertTrue(runs.get(1).endsWith("&remove=1"), runs.get(1));
        for (String run : runs) {
            assertTrue(run.contains(" --retry 0 "), run);
        }
    }

    @Test
    void staleSocketOfADeadAgentIsGivenUpAtOnce() throws Exception {
        Path stale = tmp.resolve("agent.sock");
        // A socket file whose listener has gone, as a killed agent leaves it.
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale));

        for (String run : runCommands()) {
            Timed t = runAsUdev(run, stale);

            assertEquals(7, t.exit(), "curl's 'could not connect' for " + run);
            assertTrue(t.millis() < LIMIT_MILLIS, run + " took " + t.millis() + " ms");
        }
    }

    @Test
    void agentThatNeverAnswersHoldsTheEventUnderASecond() throws Exception {
        Path hung = tmp.resolve("hung.sock");
        // Bound and listening, never accepting: the kernel completes the connection, the request is
        // sent, and no answer ever comes, as with an agent whose threads are all stuck.
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(hung), 16);
            for (String run : runCommands()) {
                Timed t = runAsUdev(run, hung);

                assertEquals(28, t.exit(), "curl's 'operation timed out' for " + run);
                assertTrue(t.millis() < LIMIT_MILLIS, run + " took " + t.millis() + " ms");
            }
        }
    }

    @Test
    void missingSocketIsSkippedByTheRuleAndWouldFailAtOnceAnyway() throws Exception {
        // udev never runs curl then: the rule jumps to its end while the socket does not exist.
        assertTrue(Files.readString(RULES).contains("TEST!=\"" + DEFAULT_SOCKET + "\", GOTO=\"lvmcoord_end\""));
        for (String run : runCommands()) {
            Timed t = runAsUdev(run, tmp.resolve("absent.sock"));

            assertEquals(7, t.exit(), run);
            assertTrue(t.millis() < LIMIT_MILLIS, run + " took " + t.millis() + " ms");
        }
    }
}
