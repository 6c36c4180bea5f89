package io.lvmcoord.scan.io;

import io.lvmcoord.scan.nativeio.AlignedBuffer;

/**
 * One operation handed to an {@link IoEngine}. Results follow io_uring's convention for every
 * engine: {@code >= 0} is success (an fd, a byte count), {@code < 0} is minus errno.
 */
public sealed interface IoRequest permits IoRequest.Open, IoRequest.Read, IoRequest.Close {

    /** Called exactly once, on an engine thread; must be short. */
    interface Completion {
        void complete(int result);
    }

    String target();

    Completion completion();

    record Open(String path, int flags, String target, Completion completion) implements IoRequest {
    }

    record Read(int fd, AlignedBuffer buffer, int length, long offset, String target, Completion completion) implements IoRequest {
    }

    record Close(int fd, String target, Completion completion) implements IoRequest {
    }
}
