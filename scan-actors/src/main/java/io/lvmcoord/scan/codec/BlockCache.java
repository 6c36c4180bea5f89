package io.lvmcoord.scan.codec;

import java.util.Map;
import java.util.TreeMap;

/**
 * The blocks a scanner has read from one device during one scan, keyed by offset. Ranges are
 * served from them when fully covered; the decoder asks for what is missing.
 */
public final class BlockCache {
    private final TreeMap<Long, byte[]> blocks = new TreeMap<>();

    public void put(long offset, byte[] data) {
        blocks.put(offset, data);
    }

    public int blockCount() {
        return blocks.size();
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
        Map.Entry<Long, byte[]> exact = blocks.floorEntry(offset);
        if (exact != null && exact.getKey() == offset && exact.getValue().length == end - offset) {
            // The common case, the head block asked for whole: no copy (callers do not modify it).
            return exact.getValue();
        }
        byte[] out = new byte[(int) (end - offset)];
        long pos = offset;
        while (pos < end) {
            Map.Entry<Long, byte[]> e = blocks.floorEntry(pos);
            if (e == null || e.getKey() + e.getValue().length <= pos) {
                return null;
            }
            int from = (int) (pos - e.getKey());
            int n = (int) Math.min(e.getValue().length - from, end - pos);
            System.arraycopy(e.getValue(), from, out, (int) (pos - offset), n);
            pos += n;
        }
        return out;
    }
}
