package io.lvmcoord.scan.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Fixture images (written by lvm2 2.03.16) held in memory for codec tests. */
public final class Images {
    private Images() {
    }

    /** testdata/lvm2 of this repository. */
    public static Path fixtures() {
        String prop = System.getProperty("lvmcoord.repo.root");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata/lvm2"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("testdata/lvm2 not found");
        }
        return p.resolve("testdata/lvm2");
    }

    static byte[] load(String scenario, String image) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(fixtures().resolve(scenario).resolve(image + ".gz")))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A device made of bytes; records the largest single read it was asked for. */
    static final class Memory implements BlockSource {
        private final ByteArrayBlockSource bytes;
        long largestRead;

        Memory(String name, byte[] data) {
            this.bytes = new ByteArrayBlockSource(name, data);
        }

        @Override
        public String name() {
            return bytes.name();
        }

        @Override
        public long size() {
            return bytes.size();
        }

        @Override
        public byte[] read(long offset, int length) {
            largestRead = Math.max(largestRead, length);
            return bytes.read(offset, length);
        }
    }

    static void putU32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static void putU64(byte[] b, int off, long v) {
        putU32(b, off, (int) v);
        putU32(b, off + 4, (int) (v >>> 32));
    }

    /** Recomputes the mda header checksum after a test edited the header at {@code at}. */
    static void resealMdaHeader(byte[] b, int at) {
        putU32(b, at, LvmCrc.of(b, at + 4, 508));
    }

    /** Recomputes the label checksum after a test edited the label sector at {@code at}. */
    static void resealLabel(byte[] b, int at) {
        putU32(b, at + 16, LvmCrc.of(b, at + 20, 492));
    }

    static long getU64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    /** The committed metadata text of the area whose header is at {@code mda} (NUL excluded; no ring wrap). */
    public static String committedText(byte[] img, int mda) {
        int offset = (int) getU64(img, mda + 40);
        int size = (int) getU64(img, mda + 48);
        return new String(img, mda + offset, size - 1, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * A copy of {@code img} whose area at {@code mda} commits {@code text} instead: written just
     * after the header, with the slot's size and CRC and the header CRC rewritten, so that only the
     * text itself can be found wrong.
     */
    public static byte[] withText(byte[] img, int mda, String text) {
        byte[] out = img.clone();
        byte[] t = (text + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long areaSize = getU64(out, mda + 32);
        if (512 + t.length > areaSize) {
            throw new IllegalArgumentException(t.length + " bytes of text do not fit a " + areaSize + "-byte area");
        }
        System.arraycopy(t, 0, out, mda + 512, t.length);
        putU64(out, mda + 40, 512);
        putU64(out, mda + 48, t.length);
        putU32(out, mda + 56, LvmCrc.of(t, 0, t.length));
        resealMdaHeader(out, mda);
        return out;
    }
}
