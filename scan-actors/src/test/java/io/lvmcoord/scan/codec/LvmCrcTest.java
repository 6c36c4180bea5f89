package io.lvmcoord.scan.codec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LvmCrcTest {
    @Test
    void equalsComplementedZlibCrcSeededWithTheComplementOfLvmsInitial() {
        byte[] d = "rvg {\nid = \"peJgqU\"\nseqno = 3\n}".getBytes(StandardCharsets.US_ASCII);
        // lvm(init, d) = ~zlib.crc32(d, ~init); zlib's crc32(d, seed) = ~raw(~seed, d), so lvm = raw(init, d).
        // java.util.zip.CRC32 starts from seed 0, i.e. raw(0xFFFFFFFF): check the relation at that seed.
        CRC32 z = new CRC32();
        z.update(d);
        assertEquals((int) z.getValue(), ~LvmCrc.update(0xFFFFFFFF, d, 0, d.length));
    }

    @Test
    void chainingOverTwoPartsEqualsOnePass() {
        byte[] d = new byte[1000];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (i * 31 + 7);
        }
        int whole = LvmCrc.of(d, 0, d.length);
        int chained = LvmCrc.update(LvmCrc.update(LvmCrc.INITIAL, d, 0, 377), d, 377, d.length - 377);
        assertEquals(whole, chained);
    }

    @Test
    void theFastPathEqualsTheBytewiseDefinitionForAnyStateAndLength() {
        java.util.Random rnd = new java.util.Random(11);
        for (int t = 0; t < 2000; t++) {
            byte[] d = new byte[rnd.nextInt(5000)];
            rnd.nextBytes(d);
            int state = rnd.nextInt();
            int off = d.length == 0 ? 0 : rnd.nextInt(d.length);
            int len = d.length - off;
            assertEquals(LvmCrc.updateBytewise(state, d, off, len), LvmCrc.update(state, d, off, len), "length " + len);
        }
    }

    @Test
    void matchesTheStoredLabelChecksumOfARealPv() {
        byte[] img = Images.load("s02-striped-two-pv", "pv1.img");
        int stored = (img[512 + 16] & 0xFF) | (img[512 + 17] & 0xFF) << 8 | (img[512 + 18] & 0xFF) << 16 | (img[512 + 19] & 0xFF) << 24;
        assertEquals(stored, LvmCrc.of(img, 512 + 20, 492));
    }
}
