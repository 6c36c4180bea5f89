package io.lvmcoord.scan.codec;

import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.MetadataImporter;
import io.lvmcoord.scan.metadata.TextLimits;
import io.lvmcoord.scan.metadata.VgMetadata;
import io.lvmcoord.scan.report.PvReport;
import io.lvmcoord.scan.report.PvReports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Metadata texts that are valid on disk (checksums right) but wrong inside: each must become a
 * BAD_TEXT error for that area, naming the device, the text's byte offset and the reason, and
 * must leave the decoder able to read a good device next. Texts are s01's, edited in one place.
 */
class MalformedMetadataTest {
    private static final int MDA = 4096;
    /** Where {@link Images#withText} puts the text: right after the 512-byte header. */
    private static final long TEXT_AT = MDA + 512;
    private static final byte[] GOOD = Images.load("s01-single-linear", "pv1.img");
    private static final String TEXT = Images.committedText(GOOD, MDA);
    private static final PvDecoder DECODER = new PvDecoder(DecodeLimits.DEFAULT);

    private static MdaScan decode(String text, PvDecoder decoder) {
        DeviceScan scan = decoder.decode(new ByteArrayBlockSource("crafted.img", Images.withText(GOOD, MDA, text)));
        return assertInstanceOf(DeviceScan.PvScan.class, scan).mdas().get(0);
    }

    /** Replaces the first occurrence of {@code from}, failing if the fixture text lacks it. */
    private static String edit(String from, String to) {
        int at = TEXT.indexOf(from);
        assertTrue(at >= 0, "fixture text lacks " + from);
        return TEXT.substring(0, at) + to + TEXT.substring(at + from.length());
    }

    private static DecodeError assertBadText(MdaScan m, String... reasonParts) {
        assertEquals(MdaScan.Status.BAD_TEXT, m.status(), () -> "expected BAD_TEXT, got " + m);
        assertNull(m.vg());
        DecodeError e = m.error();
        assertEquals("crafted.img", e.device());
        assertEquals(TEXT_AT, e.offset());
        assertEquals(DecodeError.Kind.BAD_TEXT, e.kind());
        for (String part : reasonParts) {
            assertTrue(e.reason().contains(part), () -> "reason \"" + e.reason() + "\" lacks \"" + part + "\"");
        }
        return e;
    }

    @Test
    void editedTextsOfTheFixtureStillDecode() {
        MdaScan m = decode(TEXT, DECODER);
        assertEquals(MdaScan.Status.IN_USE, m.status());
        assertEquals(8, m.vg().lvs().get(0).extents());
    }

    @Test
    void segmentTypePlusIsAnErrorNamingDeviceOffsetAndSegment() {
        DecodeError e = assertBadText(decode(edit("type = \"striped\"", "type = \"+\""), DECODER),
                "/vg01/logical_volumes/data/segment1/type", "malformed segment type \"+\"");
        // The reason points into the text at the segment's section.
        assertTrue(e.reason().contains("section at text byte " + TEXT.indexOf("segment1 {")), e.reason());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "type = \"striped\"        | type = \"striped+\"                     | malformed segment type",
            "type = \"striped\"        | type = \"+RAID\"                        | malformed segment type",
            "type = \"striped\"        | type = 5                              | missing string type",
            "extent_count = 8        | extent_count = -8                     | extent_count: must not be negative, found -8",
            "extent_count = 8        | extent_count = \"eight\"                | extent_count: expected an integer",
            "extent_count = 8        | extent_cnt = 8                        | missing extent_count",
            "extent_count = 8        | extent_count = 32                     | extents 0 + 32 lie beyond the 31 extents of pv0",
            "start_extent = 0        | start_extent = 9223372036854775807    | start_extent + extent_count overflows",
            "stripe_count = 1        | stripe_count = 4611686018427387905    | stripe_count: must be between 1 and 1024",
            "stripe_count = 1        | stripe_count = 0                      | stripe_count: must be between 1 and 1024",
            "stripe_count = 1        | stripe_count = 3                      | extent_count 8 is not a multiple of stripe_count 3",
            "\"pv0\", 0               | \"pv0\", 24                             | extents 24 + 8 lie beyond the 31 extents of pv0",
            "\"pv0\", 0               | \"pv0\", -1                             | must be a non-negative extent number",
            "\"pv0\", 0               | \"pv0\", 0, \"pv0\", 8                    | expects 1 (name, extent) pairs, found 4 items",
            "\"pv0\", 0               | \"pv9\", 0                              | refers to unknown PV or LV pv9",
            "\"pv0\", 0               | 0, 0                                  | expected a string",
            "segment_count = 1       | segment_count = -1                    | segment_count: must not be negative",
            "segment_count = 1       | segment_count = 9223372036854775807   | past the cap of 4194304 segments",
            "segment_count = 1       | segment_count = 2                     | segment2 is missing",
            "pe_count = 31           | pe_count = 9223372036854775807        | pe_start + pe_count * extent_size overflows",
            "pe_count = 31           | pe_count = -31                        | pe_count: must not be negative",
            "dev_size = 65536        | dev_size = -5                         | dev_size: must not be negative",
            "dev_size = 65536        | dev_size = 18014398509481984          | dev_size is 18014398509481984 sectors, beyond 2^63 bytes",
            "extent_size = 2048      | extent_size = 9223372036854775807     | extent_size: must be between 1 and",
            "extent_size = 2048      | extent_size = 4503599627370496        | pe_start + pe_count * extent_size is",
            "seqno = 2               | seqno = -2                            | seqno: must not be negative",
            "seqno = 2               | seqno = 99999999999999999999          | out-of-range integer '99999999999999999999'",
            "seqno = 2               | seqno = 0xffffffffffffffff            | out-of-range integer '0xffffffffffffffff'",
            "seqno = 2               | seqno = 0x                            | malformed or out-of-range integer '0x'",
            "seqno = 2               | seqno = 1.2.3                         | malformed number '1.2.3'",
            "\"READ\", \"WRITE\", \"VISIBLE\" | 1, 2                        | status: expected a string",
            "flags = []              | flags = \"x\"                           | flags: expected an array of strings",
            "max_lv = 0              | max_lv = -1                           | max_lv: must not be negative",
            "stripes = [             | stripes = 7 junk = [                  | stripes: expected an array",
    })
    void malformedTextIsABadTextErrorAndTheNextDeviceDecodes(String from, String to, String reason) {
        assertBadText(decode(edit(from.strip(), to.strip()), DECODER), reason.strip());
        // The decoder keeps no state from a bad text: a good device right after is read in full.
        assertEquals(MdaScan.Status.IN_USE, decode(TEXT, DECODER).status());
    }

    @Test
    void raidSegmentsWithOddOrMissingImageListsAreErrors() {
        String raid = "type = \"raid1\"\nregion_size = 1024";
        String noList = edit("type = \"striped\"\nstripe_count = 1\n\nstripes = [\n\"pv0\", 0\n]", raid);
        assertBadText(decode(noList, DECODER), "segment1: missing raids");
        String odd = edit("type = \"striped\"\nstripe_count = 1\n\nstripes = [\n\"pv0\", 0\n]", raid + "\nraids = [\"a\", \"b\", \"c\"]");
        assertBadText(decode(odd, DECODER), "expects rmeta/rimage pairs, found 3 names");
        String fine = edit("type = \"striped\"\nstripe_count = 1\n\nstripes = [\n\"pv0\", 0\n]", raid + "\nraids = [\"a\", \"b\"]");
        MdaScan m = decode(fine, DECODER);
        assertEquals(MdaScan.Status.IN_USE, m.status());
        assertEquals("a", m.vg().lvs().get(0).segments().get(0).metaAreas().get(0));
    }

    @Test
    void creationTimesAreCarriedAsWrittenWhateverTheirYear() {
        // lvm2 prints such times (localtime() takes years far past java.time's); the report side formats them.
        String lvFar = edit("creation_time = 1795238318\ncreation_host", "creation_time = 9223372036854775807\ncreation_host");
        String both = lvFar.replace("creation_time = 1795238318\t#", "creation_time = 253402300800\t#");
        MdaScan m = decode(both, DECODER);
        assertEquals(MdaScan.Status.IN_USE, m.status());
        assertEquals(Long.MAX_VALUE, m.vg().lvs().get(0).creationTime());
        assertEquals(253402300800L, m.vg().creationTime());
        assertEquals(-5, decode(edit("creation_time = 1795238318\ncreation_host", "creation_time = -5\ncreation_host"), DECODER)
                .vg().lvs().get(0).creationTime());
    }

    @Test
    void configuredCountCapsTurnBigTextsIntoErrors() {
        TextLimits d = TextLimits.DEFAULT;
        PvDecoder fewNodes = new PvDecoder(new DecodeLimits(64 << 20, new TextLimits(64, 20, d.maxPvs(), d.maxLvs(), d.maxSegments(), 1)));
        assertBadText(decode(TEXT, fewNodes), "more than 20 keys, sections and array items");
        PvDecoder noLvs = new PvDecoder(new DecodeLimits(64 << 20, new TextLimits(64, d.maxNodes(), 1, 1, 1, 1)));
        String twoLvs = edit("}\n}\n}\n\n}", "}\n}\nmore {\nid = \"x\"\nstatus = [\"READ\"]\n}\n}\n\n}");
        assertBadText(decode(twoLvs, noLvs), "/vg01/logical_volumes: 2 LVs exceed the cap of 1");
        PvDecoder shallow = new PvDecoder(new DecodeLimits(64 << 20, 3));
        assertBadText(decode(TEXT, shallow), "sections nested deeper than 3");
    }

    @Test
    void storedTextsAreReparsedUnderTheConfiguredDepthAndNeverThrow() {
        String deep = edit("flags = []\nextent_size", "deep { a { b { c { d = 1 } } } }\nflags = []\nextent_size");
        DeviceScan.PvScan scan = (DeviceScan.PvScan) DECODER.decode(new ByteArrayBlockSource("dev", Images.withText(GOOD, MDA, deep)));
        PvReports.Extracted x = PvReports.of("node", scan);
        Map<PvReport.TextKey, byte[]> texts = x.texts();
        assertEquals(1, texts.size());

        DeviceScan.PvScan back = (DeviceScan.PvScan) PvReports.toScan(x.report(), new PvReports.TextParser(texts::get, DecodeLimits.DEFAULT));
        assertEquals(MdaScan.Status.IN_USE, back.mdas().get(0).status());

        // Depth 5 (VG / deep / a / b / c) exceeds a cap of 4: the area reads as bad text, with the reason.
        PvReports.TextParser shallow = new PvReports.TextParser(texts::get, new DecodeLimits(64 << 20, 4));
        MdaScan m = ((DeviceScan.PvScan) PvReports.toScan(x.report(), shallow)).mdas().get(0);
        assertEquals(MdaScan.Status.BAD_TEXT, m.status());
        assertEquals("dev", m.error().device());
        assertEquals(TEXT_AT, m.error().offset());
        assertTrue(m.error().reason().contains("sections nested deeper than 4"), m.error().reason());
        assertTrue(shallow.error(texts.keySet().iterator().next()).contains("no longer parses"));
    }

    @Test
    void sumsOverPvsThatOverflowAreErrorsThoughEachPvFits() {
        // Each PV holds 2^53 sectors' worth of extents (2^62 bytes): fine alone, 2^63 bytes together.
        String pv = "pe_count = 31\n}";
        String twoPvs = edit(pv, "pe_count = 4398046511104\n}\npv1 {\nid = \"x\"\npe_start = 0\npe_count = 4398046511104\n}");
        assertBadText(decode(twoPvs, DECODER), "/vg01/physical_volumes: the VG's extents * extent_size is");
    }

    @Test
    void aModelFromAnImportedTextHasOnlyPrintableSizes() {
        VgMetadata vg = decode(TEXT, DECODER).vg();
        LvMetadata lv = vg.lvs().get(0);
        assertEquals(8L * 2048 * 512, Math.multiplyExact(Math.multiplyExact(lv.extents(), vg.extentSize()), 512L));
    }
}
