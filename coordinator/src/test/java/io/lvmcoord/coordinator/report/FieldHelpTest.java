package io.lvmcoord.coordinator.report;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code -o help} is what lvm2 prints, line for line: its field table, sections and special
 * fields. Compared with the installed lvm2 when there is one (CI installs it).
 */
class FieldHelpTest {
    private static final Fields FIELDS = new Fields(ZoneId.of("UTC"));

    @Test
    void helpListsEveryFieldOnceUnderItsSectionWithAnAllEntryPerSection() {
        List<String> help = FIELDS.helpLines();
        assertEquals("  Logical Volume Fields", help.get(0));
        assertEquals("    lv_all                      - All fields in this section.", help.get(2));
        assertTrue(help.contains("    writecache_writeback_blocks - Total writecache writeback blocks."), help.toString());
        assertEquals(10, help.stream().filter(l -> l.equals("   ")).count(), "nine sections and the special fields, each closed by a blank line");
        for (String id : List.of("pv_major", "vg_mda_copies", "seg_le_ranges", "pvseg_size", "lv_attr")) {
            assertEquals(1, help.stream().filter(l -> l.startsWith("    " + id + " ")).count(), id);
        }
    }

    @Test
    void helpIsLineForLineWhatLvm2Prints() throws Exception {
        Path lvs = Path.of("/usr/sbin/lvs");
        if (!Files.isExecutable(lvs)) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI must have lvm2 installed (/usr/sbin/lvs) for the -o help comparison");
            }
            Assumptions.abort("lvm2 is not installed: -o help not compared with lvm2");
        }
        ProcessBuilder pb = new ProcessBuilder(lvs.toString(), "-o", "help");
        pb.environment().putAll(Map.of("LVM_SUPPRESS_FD_WARNINGS", "1"));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        List<String> lvm2 = err.lines().filter(l -> !l.contains("leaked on")).toList();
        assertEquals(lvm2, FIELDS.helpLines());
    }
}
