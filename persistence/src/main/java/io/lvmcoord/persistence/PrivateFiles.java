package io.lvmcoord.persistence;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files only the agent's user may read: the state directory (journal, keys) is 0700 and what
 * the agent writes in it 0600, whatever the umask, since the journal holds every VG's metadata
 * and the key stores are the cluster's only authentication.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /**
     * Creates {@code dir} (and missing parents) 0700, or narrows an existing one to 0700.
     *
     * @return whether an existing directory was open to others and has been narrowed
     */
    public static boolean ensureDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } catch (FileAlreadyExistsException e) {
                // Made by someone else meanwhile: narrowed below like any existing one.
            }
            // The umask may have taken bits away from the attribute, never added any; set it exactly.
            Files.setPosixFilePermissions(dir, DIRECTORY);
            return false;
        }
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(dir);
        if (now.equals(DIRECTORY)) {
            return false;
        }
        Files.setPosixFilePermissions(dir, DIRECTORY);
        return !EnumSet.copyOf(DIRECTORY).containsAll(now);
    }

    /** Replaces {@code file} with {@code content} atomically; the new file is 0600 from its creation. */
    public static void write(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(FILE));
        try {
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Sets every regular file directly in {@code dir} to 0600 (files made by libraries that
     * follow the umask, such as H2's journal and trace files). Symbolic links are left alone.
     *
     * @return how many files were narrowed
     */
    public static int narrowFiles(Path dir) throws IOException {
        int narrowed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && !Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS).equals(FILE)) {
                    Files.setPosixFilePermissions(f, FILE);
                    narrowed++;
                }
            }
        }
        return narrowed;
    }
}
