package io.lvmcoord.agent.autoact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The "already ran" marks of the autoactivation hook: one file per VG in a runtime directory,
 * as lvm2's {@code /run/lvm/vgs_online/<vg name>} files.
 *
 * <p>lvm2's pvscan creates its file with {@code O_CREAT|O_EXCL} <i>before</i> activating, so of
 * several pvscans that see a VG complete at once exactly one creates it and activates; a failed
 * activation keeps its file. We do the same, for the same reason and one more: a claim made
 * before the command runs means a crash or restart of the agent while it runs does not run it a
 * second time (at most once per boot, like lvm2; re-arming is the operator's deliberate act).
 * The file is written under a temporary name and hard-linked to its name, which fails if the
 * name exists: the claim is exclusive, and a file that exists is always complete.
 *
 * <p>Files are named by VG UUID where lvm2 uses the VG name: names are not unique on shared
 * storage (another host's foreign VG, a cloned LUN's copy may carry the same name) and a rename
 * would re-arm a VG whose LVs are active. The name and the time are in the file for people.
 */
public final class VgLatches {
    /** lvm2's ID characters (lib/uuid/uuid.c) and the dashes of the printed form: never a path separator. */
    private static final Pattern UUID = Pattern.compile("[A-Za-z0-9!#-]{1,64}");
    private static final String AT = "latched_at=";
    /** Our files are a few lines; one edited by hand is read this far for its time. */
    private static final int HEAD_BYTES = 4096;

    /** What a claim found. */
    public sealed interface Claim permits Claimed, Held, Failed {
    }

    /** This claim made the latch: the command is to run. */
    public record Claimed(Path file, Instant at) implements Claim {
    }

    /** The latch already existed (made {@code at}): the command ran, or was claimed, before. */
    public record Held(Path file, Instant at) implements Claim {
    }

    /** No latch could be made or read; the command must not run (it could not be kept to once). */
    public record Failed(Path file, String reason) implements Claim {
    }

    private final Path dir;

    public VgLatches(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The latch file of {@code vgUuid}. */
    public Path fileOf(String vgUuid) {
        if (!UUID.matcher(vgUuid).matches()) {
            throw new IllegalArgumentException("not a VG UUID: \"" + vgUuid.replaceAll("\\p{Cntrl}", "?") + "\"");
        }
        return dir.resolve(vgUuid);
    }

    /** Whether {@code vgUuid} is latched (one stat). */
    public boolean held(String vgUuid) {
        return UUID.matcher(vgUuid).matches() && Files.exists(fileOf(vgUuid));
    }

    /**
     * Latches {@code vgUuid} unless it is already: {@link Claimed} for exactly one of any number of
     * concurrent callers (in this process or another), {@link Held} for the rest.
     */
    public Claim claim(String vgUuid, String vgName, Instant now) {
        if (!UUID.matcher(vgUuid).matches()) {
            return new Failed(dir, "VG " + vgName + " has no usable UUID for a latch file name: \"" + vgUuid.replaceAll("\\p{Cntrl}", "?")
                    + "\"");
        }
        Path file = fileOf(vgUuid);
        if (Files.exists(file)) {
            return held(file);
        }
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + vgUuid + ".", ".tmp");
            Files.writeString(temp, "vg=" + vgName + "\nvg_uuid=" + vgUuid + "\n" + AT + now + "\n", StandardCharsets.UTF_8);
            Files.createLink(file, temp);
            return new Claimed(file, now);
        } catch (FileAlreadyExistsException e) {
            return held(file);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return new Failed(file, "cannot make latch file " + file + ": " + e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // A leftover temporary file has a dot name and is never taken for a latch.
                }
            }
        }
    }

    private Claim held(Path file) {
        try {
            return new Held(file, latchedAt(file));
        } catch (NoSuchFileException e) {
            // Removed between the look and the read (an operator re-arming it): next time it is claimed.
            return new Failed(file, "latch file " + file + " vanished while read");
        } catch (IOException e) {
            return new Failed(file, "cannot read latch file " + file + ": " + e);
        }
    }

    /** When {@code file} was latched: the time written in it, else (a file made by hand) its modification time. */
    static Instant latchedAt(Path file) throws IOException {
        byte[] head;
        try (var in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD_BYTES);
        }
        for (String line : new String(head, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith(AT)) {
                try {
                    return Instant.parse(line.substring(AT.length()).trim());
                } catch (DateTimeParseException e) {
                    break;
                }
            }
        }
        return Files.getLastModifiedTime(file).toInstant();
    }

    /** The latch time of {@code vgUuid}, if it is latched and readable. */
    public Optional<Instant> latchedAt(String vgUuid) {
        try {
            return Optional.of(latchedAt(fileOf(vgUuid)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
