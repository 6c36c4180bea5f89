package io.lvmcoord.agent.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * This agent's hold on its embedded Aeron media driver's directory.
 *
 * <p>The driver keeps its log buffers, about 200 MB with one peer, as files in that directory
 * (under /dev/shm: memory, not disk). Pekko deletes the directory when the actor system stops,
 * but a {@code kill -9} or a crash leaves it behind, and Aeron refuses to start on a directory
 * whose old driver looks alive ("active driver detected") until its heartbeat is older than the
 * driver timeout. So at start the agent removes a leftover directory at its own path at once.
 *
 * <p>Removing it is only safe if no running agent uses that path (two agents configured with
 * the same node name and port on one host, say). A lock on a file beside the directory settles
 * that: a running agent holds it for its lifetime, and the kernel drops it with the process
 * however that process ends, so whoever obtains it knows the directory's previous owner is gone.
 * The lock file (empty) stays behind on purpose: deleting it would let a second agent lock a
 * new file of the same name while a third still holds the old one.
 */
public final class AeronDirectory implements AutoCloseable {
    /** Aeron's command-and-control file; a directory without it was never a media driver's. */
    static final String CNC_FILE = "cnc.dat";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean removedLeftover;

    private AeronDirectory(Path dir, FileChannel lockChannel, FileLock lock, boolean removedLeftover) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.removedLeftover = removedLeftover;
    }

    /**
     * Locks {@code dir} for this agent and removes what a dead agent left there.
     *
     * @throws IllegalStateException when another running agent holds the directory, or when the
     *                               path holds something that is not an Aeron directory (the
     *                               driver would delete it: refuse rather than lose files)
     */
    public static AeronDirectory claim(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        Files.createDirectories(absolute.getParent());
        Path lockFile = lockFileOf(absolute);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another actor system of this JVM
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("Aeron directory " + absolute + " is in use by another running agent (it holds "
                    + lockFile + "); give each agent on a host its own lvmcoord.agent.aeron-dir, node name or cluster port");
        }
        try {
            boolean removed = removeLeftover(absolute);
            return new AeronDirectory(absolute, channel, lock, removed);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    static Path lockFileOf(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".lock");
    }

    private static boolean removeLeftover(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return false;
        }
        if (!Files.isDirectory(dir) || (!Files.exists(dir.resolve(CNC_FILE)) && !isEmpty(dir))) {
            throw new IllegalStateException("lvmcoord.agent.aeron-dir " + dir + " exists and is not an Aeron directory (no "
                    + CNC_FILE + "); the media driver deletes its directory, so choose a path of its own");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw new IOException("cannot remove the leftover Aeron directory " + dir + ": " + e.getCause().getMessage(), e.getCause());
        }
        return true;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    public Path dir() {
        return dir;
    }

    /** Whether {@link #claim} found and removed a dead agent's directory. */
    public boolean removedLeftover() {
        return removedLeftover;
    }

    /** Releases the lock; call once the media driver has stopped (and deleted the directory). */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
