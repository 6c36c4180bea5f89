package io.lvmcoord.scan.codec;

import io.lvmcoord.scan.metadata.ConfigParser;
import io.lvmcoord.scan.metadata.VgMetadata;
import io.lvmcoord.scan.report.PvReport;
import io.lvmcoord.scan.report.PvReports;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParsedTextsTest {
    private static final int DEVICES = 32;

    private static MdaScan inUse(DeviceScan scan) {
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, scan);
        return pv.newest().orElseThrow();
    }

    @Test
    void devicesCarryingByteIdenticalTextsHoldOneParsedModelAndOneCopyOfTheText() {
        ParsedTexts texts = new ParsedTexts(DecodeLimits.DEFAULT);
        PvDecoder decoder = new PvDecoder(texts);
        byte[] pv1 = Images.load("s02-striped-two-pv", "pv1.img");
        byte[] pv2 = Images.load("s02-striped-two-pv", "pv2.img");
        List<DeviceScan> scans = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            // Each device its own bytes: the sharing cannot come from decoding one array twice.
            byte[] image = (i % 2 == 0 ? pv1 : pv2).clone();
            scans.add(decoder.decode(new Images.Memory("/dev/d" + i, image)));
        }

        MdaScan first = inUse(scans.get(0));
        assertEquals("vg02", first.vg().name());
        assertEquals(2, first.vg().pvs().size());
        for (DeviceScan s : scans) {
            MdaScan m = inUse(s);
            assertSame(first.vg(), m.vg(), s.device() + " holds its own parse");
            assertSame(first.text(), m.text(), s.device() + " holds its own copy of the text");
        }
        assertEquals(1, texts.parses(), "one parse for " + DEVICES + " devices carrying one text");
        assertEquals(1, texts.size());
    }

    @Test
    void theStoredTextReparsedForAReportIsTheModelTheScannerHolds() {
        ParsedTexts texts = new ParsedTexts(DecodeLimits.DEFAULT);
        DeviceScan scan = new PvDecoder(texts).decode(new Images.Memory("/dev/a", Images.load("s02-striped-two-pv", "pv1.img")));
        VgMetadata scanned = inUse(scan).vg();
        PvReports.Extracted e = PvReports.of("n1", scan);
        // As read back from a journal: equal bytes in a new array.
        Map<PvReport.TextKey, byte[]> stored = new java.util.HashMap<>();
        e.texts().forEach((k, v) -> stored.put(k, v.clone()));

        DeviceScan back = PvReports.toScan(e.report(), new PvReports.TextParser(stored::get, texts));
        DeviceScan again = PvReports.toScan(e.report(), new PvReports.TextParser(stored::get, texts));

        assertSame(scanned, inUse(back).vg());
        assertSame(scanned, inUse(again).vg());
        assertEquals(1, texts.parses());
    }

    @Test
    void aKeyCollisionWithOtherBytesIsParsedOnItsOwnAndNeverShared() throws Exception {
        ParsedTexts texts = new ParsedTexts(DecodeLimits.DEFAULT);
        byte[] a = text("vg_a", "Zq0A4Z-2kX1a-aaaa-aaaa-aaaa-aaaa-aaaaaa");
        byte[] b = text("vg_b", "Zq0A4Z-2kX1b-bbbb-bbbb-bbbb-bbbb-bbbbbb");
        assertEquals(a.length, b.length);

        ParsedTexts.Shared sa = texts.parse(7, a.length, a);
        // A crafted CRC collision: same {checksum, size}, other bytes.
        ParsedTexts.Shared sb = texts.parse(7, b.length, b);

        assertEquals("vg_a", sa.vg().name());
        assertEquals("vg_b", sb.vg().name());
        assertSame(b, sb.text());
        assertSame(sa.vg(), texts.parse(7, a.length, a.clone()).vg(), "the first text keeps its entry");
        assertEquals(2, texts.parses());
    }

    @Test
    void aTextThatFailsToParseIsNotKeptAndFailsForEachCaller() {
        ParsedTexts texts = new ParsedTexts(DecodeLimits.DEFAULT);
        byte[] bad = "vg { id = \0".getBytes(StandardCharsets.UTF_8);

        assertThrows(ConfigParser.SyntaxError.class, () -> texts.parse(1, bad.length, bad));
        assertThrows(ConfigParser.SyntaxError.class, () -> texts.parse(1, bad.length, bad));

        assertEquals(0, texts.size());
        assertEquals(2, texts.parses());
    }

    @Test
    void anEntryGoesAwayOnceNoHolderKeepsItsModel() throws Exception {
        ParsedTexts texts = new ParsedTexts(DecodeLimits.DEFAULT);
        byte[] t = text("vg_gone", "Zq0A4Z-2kX1c-cccc-cccc-cccc-cccc-cccccc");
        ParsedTexts.Shared held = texts.parse(9, t.length, t);
        assertEquals(1, texts.size());
        assertSame(held.vg(), texts.parse(9, t.length, t.clone()).vg());

        held = null;
        for (int i = 0; i < 50 && texts.size() > 0; i++) {
            System.gc();
            Thread.sleep(20);
        }

        assertNull(held);
        assertEquals(0, texts.size(), "the text no device holds any more is dropped");
        assertNotNull(texts.parse(9, t.length, t).vg());
        assertEquals(2, texts.parses(), "parsed again once it had been dropped");
    }

    @Test
    void devicesDecodingOneTextAtOnceWaitForOneParse() throws Exception {
        ParsedTexts texts = new ParsedTexts(DecodeLimits.DEFAULT);
        byte[] image = Images.load("s02-striped-two-pv", "pv1.img");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<DeviceScan>> futures = new ArrayList<>();
            for (int i = 0; i < threads * 4; i++) {
                byte[] own = image.clone();
                String name = "/dev/c" + i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return new PvDecoder(texts).decode(new Images.Memory(name, own));
                }));
            }
            go.countDown();
            VgMetadata first = null;
            for (Future<DeviceScan> f : futures) {
                VgMetadata vg = inUse(f.get()).vg();
                first = first == null ? vg : first;
                assertSame(first, vg);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, texts.parses(), "concurrent decoders of one text share one parse");
    }

    @Test
    void theNodeTableIsOnePerLimits() {
        assertSame(ParsedTexts.of(DecodeLimits.DEFAULT), ParsedTexts.of(new DecodeLimits(DecodeLimits.DEFAULT.maxTextBytes(),
                DecodeLimits.DEFAULT.text())));
        DecodeLimits shallow = new DecodeLimits(64 << 20, new io.lvmcoord.scan.metadata.TextLimits(4, DecodeLimits.DEFAULT.text().maxNodes(),
                DecodeLimits.DEFAULT.text().maxPvs(), DecodeLimits.DEFAULT.text().maxLvs(), DecodeLimits.DEFAULT.text().maxSegments(),
                DecodeLimits.DEFAULT.text().maxAreasPerSegment()));
        assertNotSame(ParsedTexts.of(DecodeLimits.DEFAULT), ParsedTexts.of(shallow));
    }

    @Test
    void stringsRepeatedAcrossTextsAreOneObject() throws Exception {
        ParsedTexts texts = new ParsedTexts(DecodeLimits.DEFAULT);
        byte[] a = text("vg_x", "Zq0A4Z-2kX1d-dddd-dddd-dddd-dddd-dddddd");
        byte[] b = text("vg_y", "Zq0A4Z-2kX1e-eeee-eeee-eeee-eeee-eeeeee");
        VgMetadata x = texts.parse(1, a.length, a).vg();
        VgMetadata y = texts.parse(2, b.length, b).vg();

        assertNotSame(x, y);
        assertSame(x.format(), y.format());
        assertSame(x.pvs().get(0).id(), y.pvs().get(0).id(), "the PV UUID both texts list");
        assertTrue(x.status().contains("WRITE"));
    }

    /** A minimal valid VG text naming one PV (same PV UUID in every text), NUL-terminated. */
    private static byte[] text(String name, String vgId) {
        String s = name + " {\nid = \"" + vgId + "\"\nseqno = 1\nformat = \"lvm2\"\nstatus = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\n"
                + "flags = []\nextent_size = 8192\nmax_lv = 0\nmax_pv = 0\nmetadata_copies = 0\n"
                + "physical_volumes {\npv0 {\nid = \"Pv0000-0000-0000-0000-0000-0000-000000\"\ndevice = \"/dev/x\"\n"
                + "status = [\"ALLOCATABLE\"]\nflags = []\ndev_size = 65536\npe_start = 2048\npe_count = 7\n}\n}\n}\n"
                + "contents = \"Text Format Volume Group\"\nversion = 1\ndescription = \"\"\ncreation_host = \"h\"\n"
                + "creation_time = 1\n";
        byte[] body = s.getBytes(StandardCharsets.US_ASCII);
        return java.util.Arrays.copyOf(body, body.length + 1);
    }
}
