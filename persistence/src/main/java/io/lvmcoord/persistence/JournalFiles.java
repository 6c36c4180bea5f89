package io.lvmcoord.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files of the embedded H2 journal under the state directory: the database itself
 * ({@code <file>.mv.db}), H2's error log ({@code <file>.trace.db}) and lvmcoord's marker
 * ({@code <file>.created}), written once the journal exists. The marker is what tells "this
 * host never had a journal" (start empty, as on first install) from "the journal was here and
 * is gone" (refuse: starting empty would silently forget every aggregate).
 */
public record JournalFiles(Path stateDir, String baseName) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public static JournalFiles of(JournalSettings settings) {
        return new JournalFiles(settings.stateDir(), settings.h2File());
    }

    /** The H2 database file. */
    public Path database() {
        return stateDir.resolve(baseName + ".mv.db");
    }

    /** H2's own log of the errors it met (the cause of a failed open is often only here). */
    public Path trace() {
        return stateDir.resolve(baseName + ".trace.db");
    }

    /** Written the first time the journal is seen to exist; holds that instant. */
    public Path marker() {
        return stateDir.resolve(baseName + ".created");
    }

    /** When the marker says the journal was first created, if it says so. */
    public Optional<Instant> createdAt() {
        try {
            return Optional.of(Instant.parse(Files.readString(marker(), StandardCharsets.UTF_8).strip()));
        } catch (IOException | java.time.format.DateTimeParseException e) {
            return Files.exists(marker()) ? Optional.of(Instant.EPOCH) : Optional.empty();
        }
    }

    /** Writes the marker (mode 0600) when the journal exists and the marker does not; idempotent. */
    public void markCreated(Instant now) throws IOException {
        if (!Files.exists(database()) || Files.exists(marker())) {
            return;
        }
        PrivateFiles.write(marker(), (now + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Moves every file of the journal (database, trace, lock, marker) into a new directory
     * {@code <state-dir>/<file>-set-aside-<UTC time>/} and returns it. The files are kept for
     * forensics; the next agent start creates a fresh journal and rebuilds it from a rescan.
     *
     * @throws IllegalStateException when a process (a running agent) holds the database open
     */
    public Path setAside(Instant now) throws IOException {
        if (Files.exists(database()) && heldByAnotherProcess()) {
            throw new IllegalStateException("the journal " + database() + " is open in a running process (an agent on this "
                    + "state directory?): stop it first");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(stateDir, baseName + ".*")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    files.add(p);
                }
            }
        }
        Path aside = stateDir.resolve(baseName + "-set-aside-" + STAMP.format(now));
        for (int n = 2; ; n++) {
            try {
                Files.createDirectory(aside, PosixFilePermissions.asFileAttribute(PrivateFiles.DIRECTORY));
                break;
            } catch (FileAlreadyExistsException e) {
                aside = stateDir.resolve(baseName + "-set-aside-" + STAMP.format(now) + "-" + n);
            }
        }
        // The marker last: if a move fails half-way, the next start still refuses rather than starting empty.
        files.sort((a, b) -> Boolean.compare(a.equals(marker()), b.equals(marker())));
        for (Path p : files) {
            Files.move(p, aside.resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        return aside;
    }

    /** H2 locks its database file while open; a lock we cannot take means another process has it. */
    private boolean heldByAnotherProcess() throws IOException {
        try (FileChannel ch = FileChannel.open(database(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }
}
