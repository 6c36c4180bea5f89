package io.lvmcoord.scan.io;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine the test drives by hand: requests pile up until the test completes them, in any
 * order, with any result (errno, short reads, EAGAIN), writing chosen bytes into read buffers.
 */
final class FakeEngine implements IoEngine {
    final List<IoRequest> pending = new ArrayList<>();
    final List<IoRequest> cancelled = new ArrayList<>();
    final AtomicInteger submitted = new AtomicInteger();

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public synchronized void submit(IoRequest request) {
        submitted.incrementAndGet();
        pending.add(request);
    }

    @Override
    public synchronized void cancel(IoRequest request) {
        cancelled.add(request);
    }

    @Override
    public long syscalls() {
        return submitted.get();
    }

    @Override
    public void close() {
    }

    synchronized List<IoRequest> take() {
        List<IoRequest> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    /** Completes a read by writing {@code n} bytes of a pattern derived from the offset. */
    static void completeRead(IoRequest r, int n) {
        IoRequest.Read read = (IoRequest.Read) r;
        read.buffer().copyIn(pattern(read.offset(), n), 0, n);
        r.completion().complete(n);
    }

    static byte[] pattern(long offset, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ((offset + i) * 31);
        }
        return b;
    }
}
