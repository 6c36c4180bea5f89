package io.lvmcoord.agent.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AeronDirectoryTest {
    @TempDir
    Path tmp;

    /** What a kill -9'd driver leaves: its CnC file and log buffers. */
    private static Path leftover(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("publications"));
        Files.write(dir.resolve(AeronDirectory.CNC_FILE), new byte[4096]);
        Files.write(dir.resolve("publications").resolve("1-2.logbuffer"), new byte[8192]);
        return dir;
    }

    @Test
    void aLeftoverDirectoryAtOurPathIsRemovedWhenClaimedAndOthersAreLeftAlone() throws Exception {
        Path ours = leftover(tmp.resolve("lvmcoord-aeron-n1-25520"));
        Path theirs = leftover(tmp.resolve("lvmcoord-aeron-n2-25520"));
        try (AeronDirectory claimed = AeronDirectory.claim(ours)) {
            assertTrue(claimed.removedLeftover());
            assertFalse(Files.exists(ours));
            assertEquals(ours, claimed.dir());
        }
        assertTrue(Files.isRegularFile(theirs.resolve("publications").resolve("1-2.logbuffer")));
    }

    @Test
    void aDirectoryHeldByARunningAgentIsRefusedAndKept() throws Exception {
        Path dir = tmp.resolve("lvmcoord-aeron-n1-25520");
        try (AeronDirectory first = AeronDirectory.claim(dir)) {
            leftover(dir); // the first agent's driver at work
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> AeronDirectory.claim(dir));
            assertEquals("Aeron directory " + dir + " is in use by another running agent (it holds " + dir + ".lock); give each"
                    + " agent on a host its own lvmcoord.agent.aeron-dir, node name or cluster port", e.getMessage());
            assertTrue(Files.isRegularFile(dir.resolve(AeronDirectory.CNC_FILE)));
            assertFalse(first.removedLeftover());
        }
        try (AeronDirectory next = AeronDirectory.claim(dir)) {
            assertTrue(next.removedLeftover(), "once released, the next agent takes over what is left");
        }
    }

    @Test
    void aPathHoldingSomethingElseIsRefusedAndLeftAsItIs() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("var-lib"));
        Files.writeString(dir.resolve("precious.db"), "keep me");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AeronDirectory.claim(dir));
        assertEquals("lvmcoord.agent.aeron-dir " + dir + " exists and is not an Aeron directory (no cnc.dat); the media driver"
                + " deletes its directory, so choose a path of its own", e.getMessage());
        assertEquals("keep me", Files.readString(dir.resolve("precious.db")));
        Files.delete(dir.resolve("precious.db"));
        try (AeronDirectory claimed = AeronDirectory.claim(dir)) {
            assertTrue(claimed.removedLeftover(), "the refused claim released its lock; an empty directory is taken over");
        }
    }
}
