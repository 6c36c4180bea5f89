package io.lvmcoord.scan.codec;

import java.io.IOException;

/**
 * Random-access bytes of one device or image. The codec only decides what to read; how bytes
 * are fetched (plain reads here, io_uring or O_DIRECT in the scan actors) is the caller's.
 */
public interface BlockSource {
    /** Name used in every message about this device (a path, or an image file name). */
    String name();

    /** Size in bytes. */
    long size() throws IOException;

    /**
     * Reads up to {@code length} bytes at {@code offset}; returns fewer only at the end of the
     * device.
     */
    byte[] read(long offset, int length) throws IOException;
}
