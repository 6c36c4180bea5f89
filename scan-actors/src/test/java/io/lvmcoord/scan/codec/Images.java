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
}
