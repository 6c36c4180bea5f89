package io.lvmcoord.scan.codec;

import java.util.Map;
import java.util.TreeMap;

/**
 * The blocks a scanner has read from one device during one scan, keyed by offset. Ranges are
 * copied out of them only when asked for and fully covered; the decoder asks for what is
 * missing. Blocks may live outside the heap (the I/O buffers themselves), so a 128 KiB head read
 * costs a copy of only the few KiB the decoder looks at.
 */
public final class BlockCache {

    /** Bytes of one block, wherever they live. */
    public interface Bytes {
        int length();

        void copy(int from, byte[] dst, int dstOffset, int count);
    }

    private record HeapBytes(byte[] data) implements Bytes {
        @Override
        public int length() {
            return data.length;
        }

        @Override
        public void copy(int from, byte[] dst, int dstOffset, int count) {
            System.arraycopy(data, from, dst, dstOffset, count);
        }
    }

    private final TreeMap<Long, Bytes> blocks = new TreeMap<>();

    public void put(long offset, Bytes data) {
        blocks.put(offset, data);
    }

    public void put(long offset, byte[] data) {
        put(offset, new HeapBytes(data));
    }

    /** True when {@code [offset, offset+length)} (clipped to the device) is cached. */
    public boolean covers(long offset, int length, long deviceSize) {
        long end = Math.min(offset + length, deviceSize);
        long pos = offset;
        while (pos < end) {
            Map.Entry<Long, Bytes> e = blocks.floorEntry(pos);
            if (e == null || e.getKey() + e.getValue().length() <= pos) {
                return false;
            }
            pos = e.getKey() + e.getValue().length();
        }
        return true;
    }

    /**
     * The bytes of {@code [offset, offset+length)}, or null when some are not cached. A range
     * reaching past {@code deviceSize} is served up to the end of the device.
     */
    public byte[] get(long offset, int length, long deviceSize) {
        long end = Math.min(offset + length, deviceSize);
        if (end <= offset) {
            return new byte[0];
        }
        if (!covers(offset, length, deviceSize)) {
            return null;
        }
        byte[] out = new byte[(int) (end - offset)];
        long pos = offset;
        while (pos < end) {
            Map.Entry<Long, Bytes> e = blocks.floorEntry(pos);
            int from = (int) (pos - e.getKey());
            int n = (int) Math.min(e.getValue().length() - from, end - pos);
            e.getValue().copy(from, out, (int) (pos - offset), n);
            pos += n;
        }
        return out;
    }
}
