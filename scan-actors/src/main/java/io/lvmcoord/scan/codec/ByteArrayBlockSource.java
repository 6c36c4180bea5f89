package io.lvmcoord.scan.codec;

import java.util.Arrays;

/** A device held in memory: images in tests and benchmarks, or bytes already read by a scanner. */
public record ByteArrayBlockSource(String name, byte[] data) implements BlockSource {

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public byte[] read(long offset, int length) {
        if (offset < 0 || offset >= data.length) {
            return new byte[0];
        }
        return Arrays.copyOfRange(data, (int) offset, (int) Math.min(data.length, offset + (long) length));
    }
}
