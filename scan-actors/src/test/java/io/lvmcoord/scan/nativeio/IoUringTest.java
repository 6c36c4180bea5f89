package io.lvmcoord.scan.nativeio;

import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IoUringTest {
    @TempDir
    Path tmp;

    @Test
    void opensReadsAndClosesAFileThroughTheRing() throws Exception {
        byte[] data = new byte[3 * 4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        Path f = Files.write(tmp.resolve("dev.img"), data);
        try (IoUring ring = IoUring.create(8)) {
            Pointer path = IoUring.nativePath(f.toString());
            ring.prepOpenAt(path.address(), NativeIo.O_RDONLY, 1);
            ring.submitAndWait(1);
            List<IoUring.Completion> done = new ArrayList<>();
            ring.reap(done::add);
            assertEquals(1, done.size());
            assertEquals(1, done.get(0).userData());
            int fd = done.get(0).result();
            assertTrue(fd >= 0, "openat result " + fd);

            AlignedBuffer buf = AlignedBuffer.allocate(8192);
            ring.prepRead(fd, buf.address(), 8192, 4096, 2);
            ring.submitAndWait(1);
            done.clear();
            ring.reap(done::add);
            assertEquals(new IoUring.Completion(2, 8192), done.get(0));
            byte[] expected = new byte[8192];
            System.arraycopy(data, 4096, expected, 0, 8192);
            byte[] got = new byte[8192];
            buf.copyOut(0, got, 0, 8192);
            assertArrayEquals(expected, got);

            ring.prepClose(fd, 3);
            ring.submitAndWait(1);
            done.clear();
            ring.reap(done::add);
            assertEquals(new IoUring.Completion(3, 0), done.get(0));
            assertEquals(3, ring.enterCalls());
        }
    }

    @Test
    void failedOpenCompletesWithMinusErrno() throws Exception {
        try (IoUring ring = IoUring.create(4)) {
            ring.prepOpenAt(IoUring.nativePath(tmp.resolve("absent").toString()).address(), NativeIo.O_RDONLY, 9);
            ring.submitAndWait(1);
            List<IoUring.Completion> done = new ArrayList<>();
            ring.reap(done::add);
            assertEquals(new IoUring.Completion(9, -2), done.get(0));
        }
    }
}
