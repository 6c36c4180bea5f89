package io.lvmcoord.persistence;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the journal this node writes to is still durable, for whoever acknowledges writes.
 *
 * <p>H2 keeps its database file open for as long as the agent runs. If the file is deleted (or
 * replaced) under it, every write still "succeeds", into an inode no path reaches any more, and
 * is lost at the next start. So once the journal is open ({@link #arm}) the guard remembers the
 * file's identity (device and inode) and compares it with what the path names now: before each
 * acknowledgement ({@link #fault}) and every {@code lvmcoord.persistence.journal-watch-interval}
 * in the background, which logs the loss even when nothing is being written. A fault is
 * latched: writes went to the lost file, so putting a file back does not make them durable.
 * A write the journal itself failed ({@link #writeFailed}) latches a fault too: on an embedded
 * file that means damage or a full disk, not a passing network error.
 * Only the embedded H2 profile has a local file to watch; with PostgreSQL the guard stays inert.
 */
public final class JournalGuard implements Extension {
    private static final Logger LOG = LoggerFactory.getLogger(JournalGuard.class);

    private static final ExtensionId<JournalGuard> ID = new ExtensionId<>() {
        @Override
        public JournalGuard createExtension(ActorSystem<?> system) {
            return new JournalGuard(system);
        }
    };

    /** The file being watched and the identity it had when armed. */
    private record Armed(Path file, Object identity) {
    }

    private final ActorSystem<?> system;
    private final Duration interval;
    private final AtomicReference<Armed> armed = new AtomicReference<>();
    private final AtomicReference<String> fault = new AtomicReference<>();

    private JournalGuard(ActorSystem<?> system) {
        this.system = system;
        this.interval = system.settings().config().getDuration("lvmcoord.persistence.journal-watch-interval");
    }

    public static JournalGuard get(ActorSystem<?> system) {
        return system.registerExtension(ID);
    }

    /**
     * Starts watching the journal of {@code settings} as it is now (call once it is open).
     * Does nothing for profiles without a local file, or when the file does not exist.
     */
    public void arm(JournalSettings settings) throws IOException {
        if (settings.profile() != JournalSettings.Profile.H2) {
            return;
        }
        Path file = JournalFiles.of(settings).database();
        if (!Files.exists(file)) {
            return;
        }
        Armed a = new Armed(file, identity(file));
        if (armed.compareAndSet(null, a) && !interval.isZero()) {
            system.scheduler().scheduleWithFixedDelay(interval, interval, () -> fault(), system.executionContext());
        }
    }

    /** Whether {@link #arm} found a journal file to watch. */
    public boolean armed() {
        return armed.get() != null;
    }

    /**
     * Empty while writes are durable; otherwise why they are not (the first reason found,
     * naming the file). Checks the file now, so it is current to within a stat call.
     */
    public Optional<String> fault() {
        String known = fault.get();
        if (known != null) {
            return Optional.of(known);
        }
        Armed a = armed.get();
        if (a == null) {
            return Optional.empty();
        }
        String reason = check(a);
        if (reason == null) {
            return Optional.empty();
        }
        if (fault.compareAndSet(null, reason)) {
            LOG.error("{}; from now on no report is acknowledged as persisted. Stop the agent, then run "
                    + "`lvmcoord journal reset --state-dir {}` and start it again: it rebuilds the journal from a rescan",
                    reason, a.file().getParent());
        }
        return Optional.of(fault.get());
    }

    /**
     * An entity's write to the journal failed with {@code cause}: from now on nothing is
     * acknowledged (the file, or the disk under it, is not taking writes reliably). Ignored
     * when the guard is not armed: a server's journal (PostgreSQL) may fail a write for a
     * passing reason, and the entity's own retry after restart is the right answer there.
     */
    public void writeFailed(String persistenceId, Throwable cause) {
        Armed a = armed.get();
        if (a == null) {
            return;
        }
        String reason = "writing to the journal " + a.file() + " failed (" + persistenceId + ": " + JournalCheck.causes(cause)
                + "): the file may be damaged or its disk full";
        if (fault.compareAndSet(null, reason)) {
            LOG.error("{}; from now on no report is acknowledged as persisted. Stop the agent, then run `lvmcoord journal check "
                    + "--state-dir {}` (and `lvmcoord journal reset` if it is damaged) and start it again", reason, a.file().getParent());
        }
    }

    private static String check(Armed a) {
        Object now;
        try {
            now = identity(a.file());
        } catch (NoSuchFileException e) {
            return "the journal " + a.file() + " was deleted while the agent ran: writes since then go to a file no path "
                    + "reaches and would be lost at the next start";
        } catch (IOException e) {
            return "the journal " + a.file() + " cannot be examined (" + e + "): its writes cannot be trusted to be durable";
        }
        if (!Objects.equals(now, a.identity())) {
            return "the journal " + a.file() + " was replaced while the agent ran (now " + now + ", opened as " + a.identity()
                    + "): the agent writes to the file it opened, which no path reaches any more";
        }
        return null;
    }

    /** Device and inode on Unix (the file key); a moved-in copy has another. */
    private static Object identity(Path file) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        return attrs.fileKey() != null ? attrs.fileKey() : attrs.creationTime();
    }
}
