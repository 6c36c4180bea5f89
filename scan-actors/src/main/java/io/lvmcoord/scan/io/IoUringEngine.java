package io.lvmcoord.scan.io;

import io.lvmcoord.scan.nativeio.AlignedBuffer;
import io.lvmcoord.scan.nativeio.IoUring;
import io.lvmcoord.scan.nativeio.LinuxNativeIo;
import io.lvmcoord.scan.nativeio.NativeIoException;
import jnr.ffi.Pointer;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * io_uring engine: one ring owned by one thread, which batches every queued request into the
 * submission ring and waits for completions in the same io_uring_enter call.
 *
 * <p>Waking the ring thread: callers enqueue and, only if the thread is parked in
 * io_uring_enter, write to an eventfd. A read of that eventfd is always armed in the ring, so the
 * write completes it and the thread returns to drain the queue. The parked flag is set before the
 * final emptiness check, so an enqueue cannot slip between check and sleep unnoticed. Under load
 * completions keep the thread awake and one enter submits many requests: that is how opens, reads
 * and closes of a thousand devices cost a few dozen system calls.
 *
 * <p>Cancellation: an ASYNC_CANCEL SQE names the request's user_data. The request still
 * completes once (usually -ECANCELED); only then is it forgotten and its buffer released.
 */
public final class IoUringEngine implements IoEngine {
    private static final long WAKE = 0;
    private static final long CANCEL_TAG = 1L << 62;
    private final IoUring ring;
    private final int wakeFd;
    private final Pointer wakeBuffer;
    private final Pointer wakeValue;
    private final ConcurrentLinkedQueue<Object> incoming = new ConcurrentLinkedQueue<>();
    private final Map<Long, Submitted> inFlight = new HashMap<>();
    // Identity, not equals: requests are records, and two may be equal in value.
    private final Map<IoRequest, Long> ids = new IdentityHashMap<>();
    /** Wakes the ring thread so it notices {@code running == false}. */
    private static final Object STOP = new Object();
    private final AtomicLong syscalls = new AtomicLong();
    private final Thread thread;
    private volatile boolean parked;
    private volatile boolean running = true;
    private boolean wakeArmed;
    /** The completion queue holds twice the SQ entries; staying at the SQ size leaves room for cancels and the wake-up. */
    private final int maxInFlight;
    private long nextId = 1;

    /** A submitted request, with what must stay alive until the kernel is done with it. */
    private record Submitted(IoRequest request, Pointer path) {
    }

    private record CancelOf(IoRequest request) {
    }

    private IoUringEngine(IoUring ring, int wakeFd) {
        this.ring = ring;
        this.wakeFd = wakeFd;
        this.maxInFlight = ring.entries();
        this.wakeBuffer = LinuxNativeIo.runtime().getMemoryManager().allocateDirect(8, true);
        this.wakeValue = LinuxNativeIo.runtime().getMemoryManager().allocateDirect(8, true);
        wakeValue.putLong(0, 1L);
        this.thread = new Thread(this::loop, "lvmcoord-io_uring");
        thread.setDaemon(true);
        // A bug in a completion callback would end the ring thread; make that loud, never silent.
        thread.setUncaughtExceptionHandler((t, e) -> LoggerFactory.getLogger(IoUringEngine.class)
                .error("io_uring engine thread died; pending I/O will not complete", e));
        thread.start();
    }

    /** Probes io_uring_setup; throws when the kernel refuses (old kernel, seccomp, sysctl). */
    public static IoUringEngine create(int entries) throws NativeIoException {
        IoUring ring = IoUring.create(entries);
        int efd = LinuxNativeIo.libc().eventfd(0, 0x80000);
        if (efd < 0) {
            int errno = LinuxNativeIo.runtime().getLastError();
            ring.close();
            throw new NativeIoException("eventfd", "io_uring wake-up", errno);
        }
        return new IoUringEngine(ring, efd);
    }

    @Override
    public String name() {
        return "io_uring";
    }

    @Override
    public void submit(IoRequest request) {
        enqueue(request);
    }

    @Override
    public void cancel(IoRequest request) {
        enqueue(new CancelOf(request));
    }

    private void enqueue(Object item) {
        incoming.add(item);
        if (parked) {
            parked = false;
            syscalls.incrementAndGet();
            LinuxNativeIo.libc().write(wakeFd, wakeValue, 8);
        }
    }

    @Override
    public long syscalls() {
        return syscalls.get();
    }

    private void loop() {
        try {
            while (running) {
                fill();
                if (!wakeArmed && ring.freeSlots() > 0) {
                    ring.prepRead(wakeFd, wakeBuffer.address(), 8, 0, WAKE);
                    wakeArmed = true;
                }
                parked = true;
                boolean canTakeMore = !incoming.isEmpty() && ring.freeSlots() > 1 && inFlight.size() < maxInFlight;
                syscalls.incrementAndGet();
                // Submit what is prepared; sleep for a completion only when nothing else can be queued now.
                ring.submitAndWait(canTakeMore ? 0 : 1);
                parked = false;
                ring.reap(c -> complete(c.userData(), c.result()));
            }
        } catch (NativeIoException e) {
            // The ring itself failed: fail everything still pending rather than hang callers.
            for (Submitted s : inFlight.values()) {
                s.request().completion().complete(-e.errno());
            }
            inFlight.clear();
        }
    }

    /** Moves queued requests into free SQ slots, keeping one for the wake-up read. */
    private void fill() {
        while (ring.freeSlots() > 1 && inFlight.size() < maxInFlight) {
            Object item = incoming.poll();
            if (item == null) {
                break;
            }
            if (item == STOP) {
                continue;
            }
            if (item instanceof CancelOf c) {
                Long id = ids.get(c.request());
                if (id != null) {
                    ring.prepCancel(id, id | CANCEL_TAG);
                }
                continue;
            }
            IoRequest r = (IoRequest) item;
            long id = nextId++;
            Pointer path = null;
            if (r instanceof IoRequest.Open o) {
                path = IoUring.nativePath(o.path());
                ring.prepOpenAt(path.address(), o.flags(), id);
            } else if (r instanceof IoRequest.Read rd) {
                AlignedBuffer b = rd.buffer();
                ring.prepRead(rd.fd(), b.address(), rd.length(), rd.offset(), id);
            } else {
                ring.prepClose(((IoRequest.Close) r).fd(), id);
            }
            inFlight.put(id, new Submitted(r, path));
            ids.put(r, id);
        }
    }

    private void complete(long userData, int result) {
        if (userData == WAKE) {
            wakeArmed = false;
            return;
        }
        if ((userData & CANCEL_TAG) != 0) {
            return;
        }
        Submitted s = inFlight.remove(userData);
        if (s != null) {
            ids.remove(s.request());
            s.request().completion().complete(result);
        }
    }

    @Override
    public void close() {
        running = false;
        enqueue(STOP);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            ring.close();
            LinuxNativeIo.libc().close(wakeFd);
        }
    }
}
