package io.lvmcoord.scan.metadata;

import io.lvmcoord.scan.codec.HostileTexts;
import io.lvmcoord.scan.codec.Images;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parser and importer are total: real lvm2 texts with values swapped for hostile ones (wrong
 * types, extreme and negative numbers, odd segment types, lists of the wrong length, keys removed)
 * yield a model or a {@link ConfigParser.SyntaxError} / {@link MetadataImporter.ImportError}, never
 * another exception; and every model that comes out has sizes whose byte counts fit a long and
 * creation times a report can print.
 */
class ImporterTotalityProperties {
    private static final List<String> TEXTS = List.of(
            text("s01-single-linear", "pv1.img"), text("s02-striped-two-pv", "pv1.img"),
            text("s06-many-lvs", "pv1.img"), text("s12-lv-types", "pv1.img"));
    private static String text(String scenario, String image) {
        try (var in = new GZIPInputStream(java.nio.file.Files.newInputStream(
                Images.fixtures().resolve(scenario).resolve(image + ".gz")))) {
            return Images.committedText(in.readNBytes(16 << 20), 4096);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Property(tries = 600)
    void hostileValuesYieldAModelOrAnImportError(@ForAll @IntRange(min = 0, max = 3) int which,
                                                 @ForAll @IntRange(min = 1, max = 6) int edits,
                                                 @ForAll long seed) {
        String text = HostileTexts.mutate(TEXTS.get(which), new Random(seed), edits);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        VgMetadata vg;
        try {
            vg = MetadataImporter.importVg(ConfigParser.parse(b, b.length, TextLimits.DEFAULT), TextLimits.DEFAULT);
        } catch (ConfigParser.SyntaxError | MetadataImporter.ImportError expected) {
            Statistics.collect(expected.getClass().getSimpleName());
            assertTrue(expected.getMessage().contains("byte"), expected.getMessage());
            return;
        }
        Statistics.collect("model");
        assertPrintable(vg);
    }

    private static void assertPrintable(VgMetadata vg) {
        long extentBytes = Math.multiplyExact(vg.extentSize(), 512L);
        assertTrue(vg.seqno() >= 0);
        for (PvMetadata pv : vg.pvs()) {
            Math.multiplyExact(Math.addExact(pv.peStart(), Math.multiplyExact(pv.peCount(), vg.extentSize())), 512L);
            assertTrue(pv.devSize() >= -1 && pv.peStart() >= 0 && pv.peCount() >= 0);
        }
        for (LvMetadata lv : vg.lvs()) {
            long sum = 0;
            for (Segment s : lv.segments()) {
                assertTrue(s.startExtent() >= 0 && s.extentCount() >= 0 && !s.type().isEmpty(), s.toString());
                Math.addExact(s.startExtent(), s.extentCount());
                sum = Math.addExact(sum, s.extentCount());
                for (SegmentArea a : s.areas()) {
                    if (a instanceof SegmentArea.OnPv on) {
                        PvMetadata pv = vg.pv(on.pvKey()).orElseThrow();
                        assertTrue(on.startExtent() >= 0 && on.startExtent() <= pv.peCount(), s.toString());
                    }
                }
            }
            assertEquals(sum, lv.extents());
            Math.multiplyExact(lv.extents(), extentBytes);
        }
    }
}
