package io.lvmcoord.scan.io;

/**
 * Executes {@link IoRequest}s asynchronously. Implementations: {@link IoUringEngine} (the one
 * we optimise) and {@link PreadEngine} (blocking calls on a bounded pool, same code path for
 * callers). Limits and deadlines are the {@link IoScheduler}'s business, not the engine's.
 */
public interface IoEngine extends AutoCloseable {
    /** "io_uring" or "pread": shown in logs and stats. */
    String name();

    void submit(IoRequest request);

    /**
     * Asks the engine to abandon a submitted request. It still completes exactly once (with
     * -ECANCELED, or its real result if the kernel finished first); until then the kernel may
     * still write into its buffer.
     */
    void cancel(IoRequest request);

    /** System calls this engine has made for I/O (opens, reads, closes, io_uring_enter, wake-ups). */
    long syscalls();

    @Override
    void close();
}
