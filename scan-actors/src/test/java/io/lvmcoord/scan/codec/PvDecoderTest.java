package io.lvmcoord.scan.codec;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PvDecoderTest {
    private final PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);

    private DeviceScan decode(String scenario, String image) {
        return decoder.decode(new Images.Memory(image, Images.load(scenario, image)));
    }

    @Test
    void labelAndPvHeaderOfAFreshVgPvAreDecoded() {
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, decode("s01-single-linear", "pv1.img"));
        Label l = pv.label();
        assertEquals(1, l.sector());
        assertEquals(32L << 20, l.deviceSize());
        assertEquals(List.of(new DiskArea(1 << 20, 0)), l.dataAreas());
        assertEquals(List.of(new DiskArea(4096, 1044480)), l.metadataAreas());
        assertEquals(2, l.extVersion());
        assertTrue(l.extUsed());
        assertEquals(List.of(), l.bootloaderAreas());
        assertEquals(38, l.pvUuidDashed().length());
        MdaScan m = pv.mdas().get(0);
        assertEquals(MdaScan.Status.IN_USE, m.status());
        assertEquals("vg01", m.vg().name());
        assertEquals(1, m.vg().lvs().size());
        assertEquals("data", m.vg().lvs().get(0).name());
    }

    @Test
    void wrappedMetadataIsReassembledAcrossTheRingEnd() {
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, decode("s07-wrapped-mda", "pv1.img"));
        MdaScan m = pv.mdas().get(0);
        RawLocn slot = m.committed();
        assertTrue(slot.offset() + slot.size() > m.header().size(), "fixture text must wrap: " + slot + " in " + m.header().size());
        assertEquals(MdaScan.Status.IN_USE, m.status());
        assertEquals("vg07", m.vg().name());
        assertEquals(6, m.vg().lvs().size());
        assertTrue(m.vg().tags().contains("step_1"), "tags written late must be in the reassembled text: " + m.vg().tags());
    }

    @Test
    void secondMetadataAreaAtTheDeviceEndIsRead() {
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, decode("s03-two-mdas", "pv1.img"));
        assertEquals(2, pv.mdas().size());
        MdaScan second = pv.mdas().get(1);
        assertTrue(second.area().offset() > 16L << 20, "mda2 lies at the end: " + second.area());
        assertEquals(pv.deviceSize(), second.area().offset() + second.area().size());
        assertEquals(MdaScan.Status.IN_USE, second.status());
        assertEquals(pv.mdas().get(0).vg().seqno(), second.vg().seqno());
        assertEquals(pv.mdas().get(0).committed().checksum(), second.committed().checksum());
    }

    @Test
    void ignoredMetadataAreaIsSkippedAndTheOtherAreaServes() {
        byte[] img = Images.load("s03-two-mdas", "pv1.img");
        // What 'vgchange --vgmetadatacopies' does to mda1: set RAW_LOCN_IGNORED on slot 0 and reseal.
        int slot0Flags = 4096 + 40 + 20;
        Images.putU32(img, slot0Flags, RawLocn.IGNORED);
        Images.resealMdaHeader(img, 4096);
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, decoder.decode(new Images.Memory("pv1.img", img)));
        assertEquals(MdaScan.Status.IGNORED, pv.mdas().get(0).status());
        assertNull(pv.mdas().get(0).vg());
        assertEquals(MdaScan.Status.IN_USE, pv.mdas().get(1).status());
        assertEquals("vg03", pv.metadata().orElseThrow().name());
    }

    @Test
    void pvWithoutMetadataAreasHasAnEmptyAreaList() {
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, decode("s04-no-mda-pv", "pv2.img"));
        assertEquals(List.of(), pv.label().metadataAreas());
        assertTrue(pv.metadata().isEmpty());
    }

    @Test
    void orphanPvHasAnEmptySlotAndNoUsedFlag() {
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, decode("s05-orphans", "pv1.img"));
        assertEquals(MdaScan.Status.EMPTY, pv.mdas().get(0).status());
        assertTrue(!pv.label().extUsed());
        assertEquals(521216, pv.mdas().get(0).freeBytes());
    }

    @Test
    void badLabelChecksumIsNotAPvAndSaysWhy() {
        DeviceScan.NotAPv n = assertInstanceOf(DeviceScan.NotAPv.class, decode("s13-bad-inputs", "badlabelcrc.img"));
        assertEquals(DecodeError.Kind.LABEL_CHECKSUM, n.reason().kind());
        assertEquals(512, n.reason().offset());
        assertEquals("badlabelcrc.img", n.reason().device());
        assertTrue(n.reason().reason().contains("sector 1"), n.reason().reason());
    }

    @Test
    void badMdaHeaderChecksumIsReportedAtTheHeaderOffset() {
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, decode("s13-bad-inputs", "badmdacrc.img"));
        MdaScan m = pv.mdas().get(0);
        assertEquals(MdaScan.Status.BAD_HEADER, m.status());
        assertEquals(DecodeError.Kind.MDA_HEADER_CHECKSUM, m.error().kind());
        assertEquals(4096, m.error().offset());
        // lvm2 printed "wrong checksum 95ce39f1 in mda header on badmdacrc.img at 4096"
        assertEquals("wrong checksum 95ce39f1 in mda header", m.error().reason());
    }

    @Test
    void damagedTextFailsItsChecksumAtTheTextOffset() {
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, decode("s13-bad-inputs", "truncmeta.img"));
        MdaScan m = pv.mdas().get(0);
        assertEquals(MdaScan.Status.BAD_TEXT, m.status());
        assertEquals(DecodeError.Kind.TEXT_CHECKSUM, m.error().kind());
        assertEquals(4608, m.error().offset());
    }

    @Test
    void randomGarbageAndBlankDevicesCarryNoLabel() {
        for (String img : List.of("garbage.img", "tiny.img")) {
            DeviceScan.NotAPv n = assertInstanceOf(DeviceScan.NotAPv.class, decode("s13-bad-inputs", img));
            assertEquals(DecodeError.Kind.NO_LABEL, n.reason().kind(), img);
        }
        assertEquals(1 << 20, ((DeviceScan.NotAPv) decode("s13-bad-inputs", "tiny.img")).deviceSize());
        assertInstanceOf(DeviceScan.PvScan.class, decode("s13-bad-inputs", "good.img"));
    }

    @Test
    void hugeClaimedMetadataAreaIsRejectedWithoutAllocatingIt() {
        byte[] img = Images.load("s01-single-linear", "pv1.img");
        // pv_header mda list entry: size field at label 512 + 0x48 + 16 (data area) + 16 (terminator) + 8
        int mdaSize = 512 + 0x48 + 32 + 8;
        Images.putU64(img, mdaSize, 1L << 40);
        Images.resealLabel(img, 512);
        // and the header's own size and slot claim a terabyte too
        Images.putU64(img, 4096 + 32, 1L << 40);
        Images.putU64(img, 4096 + 40 + 8, (1L << 40) - 4096);
        Images.resealMdaHeader(img, 4096);
        Images.Memory dev = new Images.Memory("huge.img", img);
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, decoder.decode(dev));
        MdaScan m = pv.mdas().get(0);
        assertEquals(MdaScan.Status.BAD_TEXT, m.status());
        assertEquals(DecodeError.Kind.TRUNCATED, m.error().kind());
        assertTrue(dev.largestRead <= PvDecoder.HEAD_BYTES, "largest read " + dev.largestRead);
    }

    @Test
    void metadataAreaClaimedBeyondTheDeviceEndPointsAtThePvHeaderEntry() {
        byte[] img = Images.load("s01-single-linear", "pv1.img");
        int entry = 512 + 32 + 32 + 8 + 32;
        Images.putU64(img, entry, 1L << 62);
        Images.resealLabel(img, 512);
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class, decoder.decode(new Images.Memory("far.img", img)));
        DecodeError e = pv.mdas().get(0).error();
        assertEquals(DecodeError.Kind.TRUNCATED, e.kind());
        assertEquals(entry, e.offset());
        assertEquals(entry, pv.label().metadataAreaEntryOffset(0));
    }

    @Test
    void textLargerThanTheCapIsRefused() {
        PvDecoder small = new PvDecoder(new DecodeLimits(1024, 64));
        DeviceScan.PvScan pv = assertInstanceOf(DeviceScan.PvScan.class,
                small.decode(new Images.Memory("pv1.img", Images.load("s06-many-lvs", "pv1.img"))));
        assertEquals(DecodeError.Kind.TOO_LARGE, pv.mdas().get(0).error().kind());
        assertEquals(pv.mdas().get(0).textOffset(), pv.mdas().get(0).error().offset());
    }
}
