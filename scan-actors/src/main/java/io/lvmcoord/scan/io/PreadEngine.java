package io.lvmcoord.scan.io;

import io.lvmcoord.scan.nativeio.NativeIo;
import io.lvmcoord.scan.nativeio.NativeIoException;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The synchronous fallback: each request is a blocking system call on a bounded pool of daemon
 * threads. A call blocked on a hung device holds its thread until the device answers; the
 * scheduler's deadline abandons it for the caller, and the pool's other threads carry on.
 */
public final class PreadEngine implements IoEngine {
    private static final int ESPIPE = 29;
    private final NativeIo io;
    private final ExecutorService pool;
    private final AtomicLong syscalls = new AtomicLong();

    public PreadEngine(NativeIo io, int threads) {
        this.io = io;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "lvmcoord-pread-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
    }

    @Override
    public String name() {
        return "pread";
    }

    @Override
    public void submit(IoRequest request) {
        pool.execute(() -> request.completion().complete(execute(request)));
    }

    private int execute(IoRequest request) {
        syscalls.incrementAndGet();
        try {
            if (request instanceof IoRequest.Open o) {
                return io.open(o.path(), o.flags());
            } else if (request instanceof IoRequest.Read r) {
                try {
                    return io.pread(r.fd(), r.buffer().address(), r.length(), r.offset(), r.target());
                } catch (NativeIoException e) {
                    // A FIFO cannot pread (ESPIPE); its head is read sequentially, as io_uring does.
                    if (e.errno() == ESPIPE && r.offset() == 0) {
                        syscalls.incrementAndGet();
                        return io.read(r.fd(), r.buffer().address(), r.length(), r.target());
                    }
                    throw e;
                }
            } else {
                io.close(((IoRequest.Close) request).fd());
                return 0;
            }
        } catch (NativeIoException e) {
            return -e.errno();
        }
    }

    /** A blocking call cannot be withdrawn; its completion still arrives and releases its buffer. */
    @Override
    public void cancel(IoRequest request) {
        // Deliberately empty: a thread blocked in the kernel cannot be withdrawn (see the class comment).
    }

    @Override
    public long syscalls() {
        return syscalls.get();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
