package io.lvmcoord.persistence;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The start-up check of the embedded H2 journal, run before the actor system opens it.
 *
 * <p>Without it a damaged journal surfaces deep inside Pekko: the connection pool retries, the
 * schema creation and the first entity recoveries time out one after the other, and the agent
 * gives up after tens of seconds with a timeout whose message is null, the real cause only in
 * H2's trace file. Here the file is opened directly over JDBC, read-only, and every row of
 * every table is read (journal, tags, snapshots, with their payloads), which touches every live
 * page: H2 reports a damaged page or chunk as an error at once. A journal of thousands of
 * aggregates reads in a second or two. Read-only matters: opened for writing, H2 "repairs" a
 * file whose recent chunks are damaged by rolling it back to an older state, or to an empty
 * one, without an error, which is how a damaged journal used to become "0 aggregates". (A file
 * left by a crash, kill -9 mid-write, opens read-only without complaint.)
 *
 * <p>A missing database with the marker of {@link JournalFiles} present is reported too; a
 * missing database without a marker is a first start and fine.
 */
public final class JournalCheck {
    /** H2's error codes for "the database is already open" (locked by another process). */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;
    /** H2's "the database is read only": on a read-only open, H2 wanted to write, i.e. to roll damaged chunks back. */
    private static final int H2_DATABASE_IS_READ_ONLY = 90097;

    private JournalCheck() {
    }

    /** Nothing when the journal can be used (or the profile is not H2), else why not. */
    public static Optional<JournalProblem> atStart(JournalSettings settings) {
        if (settings.profile() != JournalSettings.Profile.H2) {
            return Optional.empty();
        }
        JournalFiles files = JournalFiles.of(settings);
        Path db = files.database();
        if (!Files.exists(db)) {
            return files.createdAt().map(at -> new JournalProblem.Missing(db, files.marker(), at));
        }
        if (!settings.verifyAtStart()) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(db)) {
            return Optional.of(new JournalProblem.Unreadable(db, "not a regular file"));
        }
        // IFEXISTS: never create a database here; ACCESS_MODE_DATA=r: the check writes nothing.
        String url = "jdbc:h2:file:" + files.stateDir().resolve(files.baseName()).toAbsolutePath() + ";IFEXISTS=TRUE;ACCESS_MODE_DATA=r";
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            readEverything(c);
            return Optional.empty();
        } catch (SQLException e) {
            if (e.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                return Optional.of(new JournalProblem.InUse(db, causes(e)));
            }
            // A writable open would "succeed" here by rolling the file back to an older state (or to an
            // empty one), silently dropping what was acknowledged after it: exactly what must not happen.
            return Optional.of(new JournalProblem.Unreadable(db, e.getErrorCode() == H2_DATABASE_IS_READ_ONLY
                    ? "its chunks are damaged: H2 could open it only by rolling it back to an earlier state and dropping what "
                    + "was written after (the check opened it read-only and left it as found; " + causes(e) + ")"
                    : causes(e)));
        } catch (RuntimeException e) {
            // H2's MVStore throws IllegalStateException for some damage it meets outside SQL.
            return Optional.of(new JournalProblem.Unreadable(db, causes(e)));
        }
    }

    /** Throws when {@link #atStart} finds a problem. */
    public static void requireUsable(JournalSettings settings) throws JournalUnusableException {
        Optional<JournalProblem> p = atStart(settings);
        if (p.isPresent()) {
            throw new JournalUnusableException(p.get());
        }
    }

    private static void readEverything(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        for (String table : tables) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM \"" + table.replace("\"", "\"\"") + "\"")) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        // getBytes/getObject materialise the value: BLOB payloads are read, not just referenced.
                        Object v = rs.getObject(i);
                        if (v instanceof java.sql.Blob b) {
                            b.getBytes(1, (int) Math.min(Integer.MAX_VALUE, b.length()));
                        }
                    }
                }
            }
        }
    }

    /**
     * The chain of causes on one line, innermost last, each as "Type: message" (messages that
     * repeat their cause are given once). H2 wraps MVStore errors several levels deep.
     */
    public static String causes(Throwable t) {
        StringBuilder sb = new StringBuilder();
        String previous = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage() == null ? "" : c.getMessage().lines().findFirst().orElse("").strip();
            if (previous != null && !m.isEmpty() && previous.contains(m)) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(c.getClass().getSimpleName());
            if (!m.isEmpty()) {
                sb.append(": ").append(m);
            }
            previous = m;
        }
        return sb.toString();
    }
}
