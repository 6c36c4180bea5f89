package io.lvmcoord.scan.fuzz;

import io.lvmcoord.scan.codec.LvmCrc;
import io.lvmcoord.scan.codec.MdaHeader;

import java.util.Random;

/**
 * Edits of a PV image at the places lvm2's on-disk structures live: the label sector, the
 * pv_header's area lists, the mda headers and their raw_locn slots; and the replacement of a
 * metadata area's committed text. Checksums are recomputed afterwards (mostly: a stale CRC must
 * be handled too), so edits reach the field checks and the text parser instead of stopping at
 * the first CRC.
 */
public final class ImageMutator {
    private static final int SECTOR = 512;

    private ImageMutator() {
    }

    /** Byte and field edits of label, pv_header and mda headers, usually resealed. */
    public static String damageHeaders(SparseImage img, FixtureSeeds.Seed seed, Random rnd) {
        StringBuilder what = new StringBuilder("header edits:");
        long label = Math.max(0, seed.labelSector()) * (long) SECTOR;
        int edits = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 40 : 6);
        for (int i = 0; i < edits; i++) {
            long at;
            int region = rnd.nextInt(seed.areas().isEmpty() ? 3 : 6);
            switch (region) {
                case 0 -> at = rnd.nextInt(4 * SECTOR);
                case 1, 2 -> at = label + 32 + rnd.nextInt(SECTOR - 40);
                default -> {
                    FixtureSeeds.Area a = seed.areas().get(rnd.nextInt(seed.areas().size()));
                    // raw_locn slots (offset 40..88) and the size field (32) are where the interesting values go.
                    at = a.offset() + (rnd.nextInt(3) == 0 ? rnd.nextInt(SECTOR) : 24 + 8L * rnd.nextInt(8));
                }
            }
            if (rnd.nextBoolean()) {
                long v = interesting(rnd, img.size(), seed);
                img.putU64(at - Math.floorMod(at, 4), v);
                what.append(' ').append(at).append("=u64:").append(v);
            } else {
                int v = rnd.nextInt(256);
                img.write(at, new byte[]{(byte) v});
                what.append(' ').append(at).append("=b:").append(v);
            }
        }
        if (rnd.nextInt(4) != 0) {
            resealLabel(img, seed.labelSector());
            for (FixtureSeeds.Area a : seed.areas()) {
                resealMdaHeader(img, a.offset());
            }
            what.append(" (resealed)");
        }
        return what.toString();
    }

    private static long interesting(Random rnd, long devSize, FixtureSeeds.Seed seed) {
        long areaSize = seed.areas().isEmpty() ? 1 << 20 : seed.areas().get(0).size();
        long[] vals = {0, 1, -1, 511, 512, 513, 4096, areaSize, areaSize - 1, areaSize + 1, areaSize - 512, devSize, devSize - 512,
                devSize + 1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 31, 1L << 32, 1L << 40, 0xFFFFFFFFL};
        return rnd.nextInt(4) == 0 ? rnd.nextLong() : vals[rnd.nextInt(vals.length)];
    }

    /**
     * Puts {@code text} (NUL-terminated) as the committed copy of the area at {@code area}: at the
     * ring start, or placed so that it wraps past the ring end, with raw_locn and header CRC
     * rewritten. Text longer than the ring is cut to fit.
     */
    public static String putText(SparseImage img, FixtureSeeds.Area area, byte[] text, Random rnd) {
        long ring = area.size() - MdaHeader.HEADER_SIZE;
        if (ring <= 0 || area.offset() < 0 || area.offset() + area.size() > img.size()) {
            return "text not placed: area {" + area.offset() + ", " + area.size() + "} unusable";
        }
        int len = (int) Math.min(text.length, ring);
        long off = MdaHeader.HEADER_SIZE;
        boolean wrap = rnd.nextInt(4) == 0 && len > 1 && len < ring;
        if (wrap) {
            long lowest = Math.max(MdaHeader.HEADER_SIZE, area.size() - len + 1);
            off = lowest + (long) rnd.nextInt((int) Math.max(1, Math.min(len - 1, area.size() - lowest)));
        }
        int first = (int) Math.min(len, area.size() - off);
        img.write(area.offset() + off, text, 0, first);
        if (first < len) {
            img.write(area.offset() + MdaHeader.HEADER_SIZE, text, first, len - first);
        }
        long slot = area.offset() + MdaHeader.COMMITTED_SLOT_OFFSET;
        img.putU64(slot, off);
        img.putU64(slot + 8, len);
        img.putU32(slot + 16, LvmCrc.of(text, 0, len));
        img.putU32(slot + 20, 0);
        resealMdaHeader(img, area.offset());
        return "text of " + len + " bytes at area " + area.offset() + " slot offset " + off + (first < len ? " (wrapped)" : "");
    }

    static void resealLabel(SparseImage img, int labelSector) {
        if (labelSector < 0) {
            return;
        }
        long at = (long) labelSector * SECTOR;
        byte[] s = img.read(at, SECTOR);
        if (s.length == SECTOR) {
            img.putU32(at + 16, LvmCrc.of(s, 20, SECTOR - 20));
        }
    }

    static void resealMdaHeader(SparseImage img, long at) {
        byte[] h = img.read(at, MdaHeader.HEADER_SIZE);
        if (h.length == MdaHeader.HEADER_SIZE) {
            img.putU32(at, LvmCrc.of(h, 4, MdaHeader.HEADER_SIZE - 4));
        }
    }
}
