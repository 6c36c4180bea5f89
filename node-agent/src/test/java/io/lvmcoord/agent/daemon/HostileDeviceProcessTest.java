package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.cli.FixtureImages;
import io.lvmcoord.scan.codec.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device issue 11 measured: a PV whose metadata has a segment of type "+" once killed its
 * scanner, stalled every batch holding it for 85 s, made pvscan answer 503 after 30 s and leaked
 * an fd. Now it is one device with a decode error, and the host's other VGs answer.
 */
class HostileDeviceProcessTest {
    private static final int FIRST_MDA = 4096;

    @TempDir
    Path tmp;

    @Test
    void aPvWithASegmentOfTypePlusIsOneBadDeviceWhileTheOtherVgsAnswerAndPvscanReturnsAtOnce() throws Exception {
        Path devices = Files.createDirectories(tmp.resolve("dev"));
        for (Path img : FixtureImages.unpack("s11-multi-vg", tmp.resolve("staging"))) {
            Files.move(img, devices.resolve(img.getFileName()));
        }
        Path c = devices.resolve("c.img");
        byte[] img = Files.readAllBytes(c);
        String text = Images.committedText(img, FIRST_MDA);
        assertTrue(text.contains("type = \"striped\""), text);
        Files.write(c, Images.withText(img, FIRST_MDA, text.replaceFirst("type = \"striped\"", "type = \"+\"")));

        try (AgentProcess agent = AgentProcess.start(tmp.resolve("agent"), "--devices-dir", devices.toString())) {
            agent.awaitScanned();
            AgentProcess.Run vgs = agent.cli("vgs", "--noheadings", "-o", "vg_name");
            assertEquals("vgdata,vgold", String.join(",", vgs.out().lines().map(String::strip).toList()), vgs.err());
            // lvm2's words for a PV whose text it cannot parse, with our reason (device, offset, key path) first.
            assertTrue(vgs.err().contains("WARNING: invalid metadata text from " + c + " at 4608: invalid metadata text: "
                    + "/vglogs/logical_volumes/app/segment1/type: malformed segment type \"+\""), vgs.err());
            assertTrue(vgs.err().contains("WARNING: bad metadata text on " + c + " in mda1"), vgs.err());

            long started = System.nanoTime();
            AgentProcess.Run pvscan = agent.cli("pvscan", "--cache", c.toString());
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 10_000, "pvscan took " + millis + " ms: " + pvscan.err());
            assertEquals(0, pvscan.exit(), pvscan.out() + pvscan.err());
            assertTrue(agent.alive());
            String log = agent.logText();
            assertTrue(!log.contains("no outcome from the device scanner") && !log.contains("ArrayIndexOutOfBounds"), log);
        }
    }
}
