package io.lvmcoord.agent.systemd;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Standard error as journald wants it from a service: each line starts with its syslog priority
 * in the sd-daemon(3) form ({@code <3>} error, {@code <4>} warning, {@code <6>} info,
 * {@code <7>} debug), so {@code journalctl -p warning} finds warnings and errors.
 *
 * <p>The log backend is slf4j-simple with {@code levelInBrackets}: an event's first line starts
 * {@code [WARN]}, its stack trace follows in the same synchronized write, and the backend flushes
 * after each event. So a line that starts with a level sets the priority, the lines up to the
 * next flush (the stack trace) carry the same one, and journald keeps them as entries of that
 * priority. Lines written directly to stderr (the agent's "ready on ..." line, the JVM's own
 * "Exception in thread" reports) get info, or error for an uncaught exception; indented lines and
 * "Caused by:" stay with the priority of the line before.
 *
 * <p>Installed only when stderr is the journal's stream: systemd then sets {@code $JOURNAL_STREAM}
 * to that stream's {@code device:inode}, and it is compared with what fd 2 is, as systemd.exec(5)
 * advises. The variable alone is not enough: it is inherited, e.g. by the shells of a terminal
 * that runs as a user service, where the prefixes would be noise on a screen. Nor is
 * {@code $INVOCATION_ID} (set for every service, whatever its StandardError=, and inherited the
 * same way).
 */
public final class JournalPriorities extends OutputStream {
    static final int ERROR = 3;
    static final int WARNING = 4;
    static final int INFO = 6;
    static final int DEBUG = 7;

    private final OutputStream out;
    private final ByteBufferLine line = new ByteBufferLine();
    private int eventPriority = INFO;
    private boolean inEvent;

    JournalPriorities(OutputStream out) {
        this.out = out;
    }

    /** The device and inode numbers of a file, as systemd writes them in $JOURNAL_STREAM. */
    public record StreamId(long device, long inode) {
        /** "8:12345" (unsigned decimals); empty when malformed. */
        static Optional<StreamId> parse(String spelled) {
            if (spelled == null) {
                return Optional.empty();
            }
            int colon = spelled.indexOf(':');
            try {
                return colon < 0 ? Optional.empty() : Optional.of(new StreamId(Long.parseUnsignedLong(spelled.substring(0, colon)),
                        Long.parseUnsignedLong(spelled.substring(colon + 1))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        /** What {@code file} (followed, as /proc/self/fd/N links are) is; empty when it cannot be stat-ed. */
        public static Optional<StreamId> of(Path file) {
            try {
                Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino");
                return Optional.of(new StreamId((Long) a.get("dev"), (Long) a.get("ino")));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    /** Whether {@code stderr} is the journal stream systemd announced in {@code $JOURNAL_STREAM}. */
    static boolean stderrIsTheJournal(Map<String, String> env, Optional<StreamId> stderr) {
        Optional<StreamId> journal = StreamId.parse(env.get("JOURNAL_STREAM"));
        return journal.isPresent() && journal.equals(stderr);
    }

    /**
     * When fd 2 is the journal's stream, replaces {@code System.err} by a prefixing stream (once)
     * and returns it if {@code current} was the old one; otherwise returns {@code current} untouched.
     */
    public static synchronized PrintStream installIfUnderSystemd(PrintStream current, Map<String, String> env) {
        PrintStream original = System.err;
        if (original instanceof Prefixed || !stderrIsTheJournal(env, StreamId.of(Path.of("/proc/self/fd/2")))) {
            return current;
        }
        PrintStream prefixed = new Prefixed(new JournalPriorities(original));
        System.setErr(prefixed);
        return current == original ? prefixed : current;
    }

    /** The priority a line gets when it is not the continuation of an event. */
    static int priorityOf(String line) {
        if (line.startsWith("[ERROR]") || line.startsWith("Exception in thread")) {
            return ERROR;
        }
        if (line.startsWith("[WARN]")) {
            return WARNING;
        }
        if (line.startsWith("[DEBUG]") || line.startsWith("[TRACE]")) {
            return DEBUG;
        }
        return INFO;
    }

    /** Stack frames and causes: they belong to the line before. */
    static boolean continues(String line) {
        return line.startsWith("\t") || line.startsWith(" ") || line.startsWith("Caused by:") || line.startsWith("Suppressed:");
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (b == '\n') {
            emit();
        } else {
            line.add((byte) b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void emit() throws IOException {
        String text = line.text();
        line.clear();
        int priority;
        boolean starts = text.startsWith("[") || text.startsWith("Exception in thread") || !(inEvent || continues(text));
        if (starts) {
            priority = priorityOf(text);
            eventPriority = priority;
        } else {
            priority = eventPriority;
        }
        inEvent = true;
        out.write(("<" + priority + ">" + text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The end of an event (slf4j-simple flushes after each): the next unprefixed line starts afresh. */
    @Override
    public synchronized void flush() throws IOException {
        inEvent = false;
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        if (line.size() > 0) {
            emit();
        }
        out.flush();
    }

    /** The installed System.err: no autoflush, so one event's println and stack trace stay one event until its flush. */
    private static final class Prefixed extends PrintStream {
        Prefixed(JournalPriorities lines) {
            super(lines, false, StandardCharsets.UTF_8);
        }
    }

    /** A growable line of bytes, decoded as UTF-8 when complete (a character may span writes). */
    private static final class ByteBufferLine {
        private byte[] bytes = new byte[256];
        private int size;

        void add(byte b) {
            if (size == bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, size * 2);
            }
            bytes[size++] = b;
        }

        int size() {
            return size;
        }

        String text() {
            return new String(bytes, 0, size, StandardCharsets.UTF_8);
        }

        void clear() {
            size = 0;
        }
    }
}
