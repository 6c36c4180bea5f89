package io.lvmcoord.agent.systemd;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalPrioritiesTest {
    private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(new JournalPriorities(sink), false, StandardCharsets.UTF_8);

    private String written() {
        return sink.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachLevelGetsItsSyslogPriority() {
        for (String level : new String[] {"ERROR", "WARN", "INFO", "DEBUG", "TRACE"}) {
            err.println("[" + level + "] device /dev/sdb: something");
            err.flush();
        }

        assertEquals("<3>[ERROR] device /dev/sdb: something\n<4>[WARN] device /dev/sdb: something\n"
                + "<6>[INFO] device /dev/sdb: something\n<7>[DEBUG] device /dev/sdb: something\n"
                + "<7>[TRACE] device /dev/sdb: something\n", written());
    }

    @Test
    void stackTraceOfAWarningCarriesTheWarningsPriorityOnEveryLine() {
        // As slf4j-simple writes an event: the message, the throwable, one flush.
        err.println("[WARN] closing UnixHttpServer: boom");
        new IllegalStateException("boom", new java.io.IOException("disk")).printStackTrace(err);
        err.flush();
        err.println("lvmcoord agent ready on /run/lvmcoord/agent.sock");
        err.flush();

        String[] lines = written().split("\n");
        assertEquals("<4>[WARN] closing UnixHttpServer: boom", lines[0]);
        assertEquals("<4>java.lang.IllegalStateException: boom", lines[1]);
        assertTrue(lines[2].startsWith("<4>\tat "), lines[2]);
        for (int i = 1; i < lines.length - 1; i++) {
            assertTrue(lines[i].startsWith("<4>"), lines[i]);
        }
        assertTrue(written().contains("<4>Caused by: java.io.IOException: disk\n"), written());
        assertEquals("<6>lvmcoord agent ready on /run/lvmcoord/agent.sock", lines[lines.length - 1]);
    }

    @Test
    void uncaughtExceptionReportIsAnErrorEvenAfterAnUnflushedLine() {
        err.println("lvmcoord agent: start-up scan persisted");
        err.println("Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space");
        err.println("\tat io.lvmcoord.X.y(X.java:1)");
        err.flush();

        assertEquals("<6>lvmcoord agent: start-up scan persisted\n"
                + "<3>Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n"
                + "<3>\tat io.lvmcoord.X.y(X.java:1)\n", written());
    }

    @Test
    void multiByteCharactersSplitAcrossWritesStayWhole() throws Exception {
        byte[] utf8 = "[WARN] VG «vg0» missing\n".getBytes(StandardCharsets.UTF_8);
        JournalPriorities lines = new JournalPriorities(sink);
        for (byte b : utf8) {
            lines.write(b);
        }

        assertEquals("<4>[WARN] VG «vg0» missing\n", written());
    }

    @Test
    void journalIsStderrOnlyWhenJournalStreamNamesStderrsDeviceAndInode() {
        Optional<JournalPriorities.StreamId> stderr = Optional.of(new JournalPriorities.StreamId(8, 12345));

        assertTrue(JournalPriorities.stderrIsTheJournal(Map.of("JOURNAL_STREAM", "8:12345"), stderr));
        // Inherited from a parent whose stderr was the journal (a terminal run as a user service): ours is another file.
        assertFalse(JournalPriorities.stderrIsTheJournal(Map.of("JOURNAL_STREAM", "8:999"), stderr));
        assertFalse(JournalPriorities.stderrIsTheJournal(Map.of("INVOCATION_ID", "0123456789abcdef"), stderr));
        assertFalse(JournalPriorities.stderrIsTheJournal(Map.of("JOURNAL_STREAM", "8-12345"), stderr));
        assertFalse(JournalPriorities.stderrIsTheJournal(Map.of("JOURNAL_STREAM", "8:12345"), Optional.empty()));
    }

    @Test
    void streamIdOfAFileIsItsDeviceAndInode(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createFile(tmp.resolve("log"));
        java.nio.file.Path link = java.nio.file.Files.createSymbolicLink(tmp.resolve("fd2"), f);

        JournalPriorities.StreamId id = JournalPriorities.StreamId.of(link).orElseThrow();

        assertEquals(java.nio.file.Files.getAttribute(f, "unix:ino"), id.inode());
        assertEquals(java.nio.file.Files.getAttribute(f, "unix:dev"), id.device());
    }

    @Test
    void outsideSystemdStderrIsLeftAlone() {
        PrintStream before = System.err;

        PrintStream got = JournalPriorities.installIfUnderSystemd(before, Map.of());

        assertEquals(before, got);
        assertEquals(before, System.err);
    }
}
