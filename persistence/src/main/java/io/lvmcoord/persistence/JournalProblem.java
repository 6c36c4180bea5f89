package io.lvmcoord.persistence;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Why the journal cannot be used at start. Each names the file and says what was found; the
 * recovery step is added by whoever knows the command line ({@link #file()} is what it needs).
 */
public sealed interface JournalProblem permits JournalProblem.Missing, JournalProblem.Unreadable, JournalProblem.InUse {

    Path file();

    /** One line: the file, and what is wrong with it. */
    String describe();

    /** The database file is gone although the marker says a journal was created here. */
    record Missing(Path file, Path marker, Instant createdAt) implements JournalProblem {
        @Override
        public String describe() {
            return "the journal " + file + " is missing, but " + marker + " records that it was created on " + createdAt
                    + " (deleted or moved while or after the agent ran); starting empty would silently drop every aggregate";
        }
    }

    /** H2 cannot open or read the database: corrupt, truncated, or not an H2 file. */
    record Unreadable(Path file, String cause) implements JournalProblem {
        @Override
        public String describe() {
            return "the journal " + file + " is corrupt or unreadable: " + cause;
        }
    }

    /** Another process holds the database open (an agent already running on this state directory). */
    record InUse(Path file, String cause) implements JournalProblem {
        @Override
        public String describe() {
            return "the journal " + file + " is in use by another process (is an agent already running on this state directory?): "
                    + cause;
        }
    }
}
