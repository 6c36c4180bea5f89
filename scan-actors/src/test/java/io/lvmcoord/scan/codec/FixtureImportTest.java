package io.lvmcoord.scan.codec;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The importer's checks (extents within their PV, stripe divisibility, exact size arithmetic,
 * count caps) refuse only what lvm2 refuses: every metadata copy lvm2 wrote in the fixtures
 * still imports. s13 holds deliberately damaged devices and s15 is the same VG 122 times.
 */
class FixtureImportTest {
    @Test
    void everyMetadataCopyLvm2WroteImports() throws IOException {
        List<Path> images;
        try (Stream<Path> files = Files.walk(Images.fixtures(), 2)) {
            images = files.filter(p -> p.toString().endsWith(".img.gz"))
                    .filter(p -> !p.getParent().getFileName().toString().startsWith("s13"))
                    .sorted().toList();
        }
        assertTrue(images.size() >= 25, "found only " + images);
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        int inUse = 0;
        for (Path image : images) {
            String scenario = image.getParent().getFileName().toString();
            String name = image.getFileName().toString().replace(".gz", "");
            DeviceScan scan = decoder.decode(new ByteArrayBlockSource(scenario + "/" + name, Images.load(scenario, name)));
            if (scan instanceof DeviceScan.PvScan pv) {
                for (MdaScan m : pv.mdas()) {
                    assertTrue(m.status() != MdaScan.Status.BAD_TEXT && m.status() != MdaScan.Status.BAD_HEADER,
                            () -> scenario + "/" + name + ": " + m.error());
                    inUse += m.status() == MdaScan.Status.IN_USE ? 1 : 0;
                }
            }
        }
        assertTrue(inUse >= 20, "only " + inUse + " areas in use");
        assertEquals(images.size(), images.stream().distinct().count());
    }

    @Test
    void theDamagedFixtureStillReadsAsDamaged() {
        DeviceScan scan = new PvDecoder(DecodeLimits.DEFAULT).decode(
                new ByteArrayBlockSource("truncmeta.img", Images.load("s13-bad-inputs", "truncmeta.img")));
        assertTrue(scan instanceof DeviceScan.PvScan pv && pv.hasUnreadableMetadata(), scan.toString());
    }
}
