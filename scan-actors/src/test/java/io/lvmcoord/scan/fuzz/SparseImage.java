package io.lvmcoord.scan.fuzz;

import io.lvmcoord.scan.codec.BlockSource;

import java.util.Map;
import java.util.TreeMap;

/**
 * A device image that keeps only its non-zero 64 KiB chunks: lvm2's fixture PVs are 32 to
 * 256 MiB of which a few hundred KiB are written, so thousands of mutants fit a 256 MiB heap.
 * Copies share chunks; {@link #write} copies a chunk before changing it, so a mutant never
 * changes its seed.
 */
public final class SparseImage implements BlockSource {
    static final int CHUNK = 64 * 1024;

    private final String name;
    private final long size;
    private final TreeMap<Long, byte[]> chunks;

    private SparseImage(String name, long size, TreeMap<Long, byte[]> chunks) {
        this.name = name;
        this.size = size;
        this.chunks = chunks;
    }

    /** Builds an image from a stream of its bytes (a gunzipped fixture), dropping all-zero chunks. */
    static SparseImage read(String name, java.io.InputStream in) throws java.io.IOException {
        TreeMap<Long, byte[]> chunks = new TreeMap<>();
        long at = 0;
        while (true) {
            byte[] b = in.readNBytes(CHUNK);
            if (b.length == 0) {
                break;
            }
            if (!allZero(b)) {
                chunks.put(at, b.length == CHUNK ? b : java.util.Arrays.copyOf(b, CHUNK));
            }
            at += b.length;
            if (b.length < CHUNK) {
                break;
            }
        }
        return new SparseImage(name, at, chunks);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** A copy under another name; chunks are shared until written. */
    public SparseImage copy(String newName) {
        return new SparseImage(newName, size, new TreeMap<>(chunks));
    }

    /** The same bytes seen as a device of {@code newSize} bytes (a truncated or grown device). */
    public SparseImage resized(long newSize) {
        TreeMap<Long, byte[]> kept = new TreeMap<>(chunks.headMap(Math.max(0, newSize), false));
        return new SparseImage(name, Math.max(0, newSize), kept);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] read(long offset, int length) {
        if (offset < 0 || offset >= size || length <= 0) {
            return new byte[0];
        }
        int n = (int) Math.min(length, size - offset);
        byte[] out = new byte[n];
        long first = offset - Math.floorMod(offset, CHUNK);
        for (Map.Entry<Long, byte[]> e : chunks.subMap(first, true, offset + n, false).entrySet()) {
            long cStart = e.getKey();
            long from = Math.max(offset, cStart);
            long to = Math.min(offset + n, cStart + CHUNK);
            if (from < to) {
                System.arraycopy(e.getValue(), (int) (from - cStart), out, (int) (from - offset), (int) (to - from));
            }
        }
        return out;
    }

    /** Writes {@code data} at {@code offset}; bytes past the device end are dropped. */
    public void write(long offset, byte[] data, int from, int length) {
        long end = Math.min(size, offset + length);
        for (long at = Math.max(0, offset); at < end; ) {
            long cStart = at - Math.floorMod(at, CHUNK);
            byte[] chunk = chunks.get(cStart);
            chunk = chunk == null ? new byte[CHUNK] : chunk.clone();
            chunks.put(cStart, chunk);
            int n = (int) Math.min(end - at, cStart + CHUNK - at);
            System.arraycopy(data, (int) (from + at - offset), chunk, (int) (at - cStart), n);
            at += n;
        }
    }

    public void write(long offset, byte[] data) {
        write(offset, data, 0, data.length);
    }

    public void putU32(long offset, int v) {
        write(offset, new byte[]{(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
    }

    public void putU64(long offset, long v) {
        putU32(offset, (int) v);
        putU32(offset + 4, (int) (v >>> 32));
    }

    /** Bytes held, for memory accounting in the bench. */
    public long heldBytes() {
        return (long) chunks.size() * CHUNK;
    }

    /** The written chunks as (offset, bytes), for saving a reproducer. */
    public Map<Long, byte[]> chunks() {
        return java.util.Collections.unmodifiableMap(chunks);
    }
}
