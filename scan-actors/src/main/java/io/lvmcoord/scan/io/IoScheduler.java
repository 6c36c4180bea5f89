package io.lvmcoord.scan.io;

import io.lvmcoord.scan.nativeio.AlignedBuffer;
import io.lvmcoord.scan.nativeio.FileStat;
import io.lvmcoord.scan.nativeio.NativeIo;
import io.lvmcoord.scan.nativeio.NativeIoException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds and times every device I/O of a node, in front of an {@link IoEngine}.
 *
 * <p>Two limits, as lvm's own scanning design asked: I/Os in flight and bytes of read buffers.
 * Beyond them requests wait in a FIFO queue, holding no memory: a read's aligned buffer is taken
 * (from a small pool, or allocated) only when it is issued. Each issued I/O gets a deadline.
 *
 * <p>The byte limit counts a buffer from issue until its reader releases it, not only until the
 * read completes: a scan keeps its reads until its decode steps are done, and those wait for a
 * few decode threads, so counting only reads in flight let every device of a large scan hold
 * its 128 KiB head at once. Counting held buffers could deadlock, though, if scans holding a
 * head waited for room to read the rest of their text while new heads held all the room. So a
 * read for a device that already holds a buffer (a follow-up of a started scan) goes to its own
 * queue, served first and bounded only by the bytes actually in flight, which always drain: a
 * started scan can always finish, and new scans start as finished ones release their buffers.
 *
 * <p>Buffer memory: a buffer comes back when its reader releases it (a scan releases its
 * buffers when it ends). Up to {@code poolBytes} of returned buffers are kept for the next
 * reads; any other is freed at once, not left to the garbage collector. So the I/O memory a
 * node holds is at most the bytes in flight plus the bytes its readers still hold plus the
 * pool, whatever the number of devices it has read: never a buffer per device.
 * When it passes, the caller is failed with TIMED_OUT at once and the engine is asked to cancel;
 * the request keeps its slot, its bytes and its buffer until the engine reports the kernel is
 * done with them, so a late completion can never write into memory that was reused. An open
 * abandoned this way that later succeeds has its fd closed here.
 *
 * <p>Engine results are io_uring-style (fd/bytes, or minus errno). EAGAIN is retried a few
 * times; a short read is continued from where it stopped until the length is read or the
 * device ends.
 */
public final class IoScheduler implements AutoCloseable {
    private static final int EAGAIN = 11;
    private static final int MAX_RETRIES = 3;
    private static final int MAX_CONTINUATIONS = 8;

    /**
     * @param maxIosInFlight   I/Os issued to the engine at once
     * @param maxBytesInFlight bytes of read buffers issued at once (one larger read may run alone)
     * @param deadline         per-I/O time limit, from issue to completion
     * @param poolBytes        bytes of returned buffers kept for reuse (capped at {@code maxBytesInFlight}); 0 keeps none
     */
    public record Limits(int maxIosInFlight, long maxBytesInFlight, Duration deadline, long poolBytes) {
        public Limits {
            if (maxIosInFlight < 1 || maxBytesInFlight < AlignedBuffer.ALIGNMENT || deadline.isNegative() || deadline.isZero()
                    || poolBytes < 0) {
                throw new IllegalArgumentException("invalid I/O limits: " + maxIosInFlight + " I/Os, " + maxBytesInFlight
                        + " bytes, deadline " + deadline + ", pool " + poolBytes + " bytes");
            }
        }

        /**
         * Fails fast, naming the settings, when the buffers these limits allow may not fit in the
         * JVM's direct memory: an allocation refused mid-scan would fail I/O on the engine's
         * thread. Twice max-bytes-in-flight (room for the follow-up reads of started scans and
         * the alignment slack) plus the pool must fit.
         */
        public void requireFitsIn(long maxDirectMemory) {
            long needed = 2 * maxBytesInFlight + poolBound();
            if (needed > maxDirectMemory) {
                throw new IllegalArgumentException("lvmcoord.scan.max-bytes-in-flight (" + maxBytesInFlight + " bytes) and buffer-pool-bytes ("
                        + poolBytes + ") need up to " + needed + " bytes of direct memory, but this JVM allows " + maxDirectMemory
                        + " (-XX:MaxDirectMemorySize): lower the first or raise the second (LVMCOORD_JAVA_OPTS)");
            }
        }

        /** The pool's real bound: never more than may be in flight, as the pool only ever refills reads. */
        public long poolBound() {
            return Math.min(poolBytes, maxBytesInFlight);
        }
    }

    /**
     * A snapshot of the scheduler's counters.
     *
     * @param pooledBytes  buffer bytes kept in the pool for the next reads
     * @param bufferBytes  direct memory held by this scheduler's buffers now: in flight, held by
     *                     readers, and pooled (alignment slack included); freed buffers not counted
     * @param buffersFreed buffers whose memory was returned because the pool was full
     * @param heldBytes    bytes of read buffers issued and not yet returned (in flight or held by readers)
     * @param maxObservedHeldBytes the most {@code heldBytes} seen
     */
    public record Stats(String engine, long inFlightIos, long inFlightBytes, long maxObservedIos, long maxObservedBytes,
                        long queued, long reads, long bytesRead, long timeouts, long errors, long abandonedInFlight,
                        long buffersOutstanding, long syscalls, long pooledBytes, long bufferBytes, long buffersFreed,
                        long heldBytes, long maxObservedHeldBytes) {
    }

    private final IoEngine engine;
    private final NativeIo io;
    private final Limits limits;
    private final ScheduledExecutorService timer;
    private final Object lock = new Object();
    private final ArrayDeque<Op> queue = new ArrayDeque<>();
    /** Reads for devices that already hold a buffer: they finish started scans, so they go first. */
    private final ArrayDeque<Op> followUps = new ArrayDeque<>();
    /** Buffers held per target (issued and not yet returned): tells a follow-up from a first read. */
    private final Map<String, Integer> heldByTarget = new HashMap<>();
    private long heldBytes;
    private long maxObservedHeldBytes;
    /** Issued ops in issue order; with one deadline for all, the oldest expires first. */
    private final ArrayDeque<Op> issuedOrder = new ArrayDeque<>();
    private final ScheduledFuture<?> sweeper;
    private final Map<Integer, ArrayDeque<AlignedBuffer>> pool = new HashMap<>();
    private final Map<String, IoCounters> counters = new ConcurrentHashMap<>();
    private final AtomicLong directSyscalls = new AtomicLong();
    private long pooledBytes;
    private long bufferBytes;
    private long buffersFreed;
    private boolean closed;
    private int inFlightIos;
    private long inFlightBytes;
    private long maxObservedIos;
    private long maxObservedBytes;
    private long abandonedInFlight;
    private long buffersOutstanding;
    private long reads;
    private long bytesRead;
    private long timeouts;
    private long errors;

    /** @throws IllegalArgumentException when the limits' buffers may not fit in this JVM's direct memory */
    public IoScheduler(IoEngine engine, NativeIo io, Limits limits, ScheduledExecutorService timer) {
        limits.requireFitsIn(AlignedBuffer.maxDirectMemory());
        this.engine = engine;
        this.io = io;
        this.limits = limits;
        this.timer = timer;
        // One sweep every 1/20 of the deadline (5-100 ms) instead of a timer per I/O: thousands of
        // reads per scan would otherwise pay a priority-queue insert and cancel each.
        long tick = Math.max(5, Math.min(100, limits.deadline().toMillis() / 20));
        this.sweeper = timer.scheduleAtFixedRate(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
    }

    public String engineName() {
        return engine.name();
    }

    public Limits limits() {
        return limits;
    }

    /** Opens read-only; resolves to the fd. */
    public CompletableFuture<Integer> open(String path, int flags, String target) {
        Op op = new Op(Kind.OPEN, target, 0);
        op.path = path;
        op.flags = flags;
        enqueue(op);
        return op.result.thenApply(r -> r);
    }

    /**
     * Reads {@code length} bytes at {@code offset} (both multiples of the alignment for
     * O_DIRECT); resolves to the bytes read (fewer only at the end of the device), still in the
     * I/O buffer: the caller must {@link ReadBuffer#release()} it.
     */
    public CompletableFuture<ReadBuffer> read(int fd, long offset, int length, String target) {
        Op op = new Op(Kind.READ, target, AlignedBuffer.roundUp(length));
        op.fd = fd;
        op.offset = offset;
        op.length = length;
        // Attached before the op can complete: the mapping must run while op.data is still set.
        CompletableFuture<ReadBuffer> out = op.result.thenApply(n -> op.data);
        enqueue(op);
        return out;
    }

    /** Reads like {@link #read} and copies the bytes to the heap, releasing the buffer. */
    public CompletableFuture<byte[]> readBytes(int fd, long offset, int length, String target) {
        return read(fd, offset, length, target).thenApply(b -> {
            byte[] out = new byte[b.length()];
            b.copy(0, out, 0, out.length);
            b.release();
            return out;
        });
    }

    /** Called by {@link ReadBuffer#release()}: the room it frees may let queued reads go. */
    void releaseBuffer(AlignedBuffer buffer, String target) {
        List<Op> issue;
        synchronized (lock) {
            returnBuffer(buffer, target);
            issue = takeIssuable();
        }
        issue.forEach(this::issue);
    }

    /** Closes in the background; failures are counted, not reported (the fd is gone either way). */
    public CompletableFuture<Integer> close(int fd, String target) {
        Op op = new Op(Kind.CLOSE, target, 0);
        op.fd = fd;
        enqueue(op);
        return op.result;
    }

    /**
     * Device size by direct system call (ioctl for block devices, fstat for files); it never
     * touches the media. -1 when the kind of file has no size (a FIFO, a character device): the
     * caller then learns it from what a read returns.
     */
    public long size(int fd, String target) throws NativeIoException {
        try {
            directSyscalls.incrementAndGet();
            return io.blockDeviceSize(fd, target);
        } catch (NativeIoException notABlockDevice) {
            directSyscalls.incrementAndGet();
            FileStat st = io.fstat(fd, target);
            return st.isRegularFile() || st.isBlockDevice() ? st.size() : -1;
        }
    }

    public IoCounters counters(String target) {
        return counters.computeIfAbsent(target, t -> new IoCounters());
    }

    public Stats stats() {
        synchronized (lock) {
            return new Stats(engine.name(), inFlightIos, inFlightBytes, maxObservedIos, maxObservedBytes, queue.size() + followUps.size(), reads,
                    bytesRead, timeouts, errors, abandonedInFlight, buffersOutstanding, engine.syscalls() + directSyscalls.get(),
                    pooledBytes, bufferBytes, buffersFreed, heldBytes, maxObservedHeldBytes);
        }
    }

    /** Waits (bounded) until nothing is queued or in flight, then returns the stats. */
    public Stats awaitQuiet(Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        Stats st = stats();
        while ((st.inFlightIos() - st.abandonedInFlight() > 0 || st.queued() > 0) && System.nanoTime() < until) {
            Thread.sleep(2);
            st = stats();
        }
        return st;
    }

    private enum Kind { OPEN, READ, CLOSE }

    /** One scheduled operation; mutable fields are guarded by {@code lock}. */
    private final class Op {
        final Kind kind;
        final String target;
        final int bytes;
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        String path;
        int flags;
        int fd;
        long offset;
        int length;
        ReadBuffer data;
        int done;
        int retries;
        int continuations;
        AlignedBuffer buffer;
        IoRequest request;
        long deadlineNanos;
        boolean abandoned;
        boolean inFlight;

        Op(Kind kind, String target, int bytes) {
            this.kind = kind;
            this.target = target;
            this.bytes = bytes;
        }

        String name() {
            return kind.name().toLowerCase();
        }
    }

    private void enqueue(Op op) {
        List<Op> issue;
        synchronized (lock) {
            (op.kind == Kind.READ && heldByTarget.containsKey(op.target) ? followUps : queue).add(op);
            issue = takeIssuable();
        }
        issue.forEach(this::issue);
    }

    /**
     * Under the lock: moves ops into flight while the limits allow, follow-ups first. A follow-up
     * waits only for bytes in flight; anything else also for the bytes held (see the class comment).
     * A read larger than the limit runs when nothing else is counted.
     */
    private List<Op> takeIssuable() {
        List<Op> out = new ArrayList<>();
        while (!followUps.isEmpty() && inFlightIos < limits.maxIosInFlight()) {
            Op next = followUps.peek();
            if (inFlightBytes > 0 && inFlightBytes + next.bytes > limits.maxBytesInFlight()) {
                break;
            }
            out.add(start(followUps.poll()));
        }
        while (!queue.isEmpty() && inFlightIos < limits.maxIosInFlight()) {
            Op next = queue.peek();
            if (next.bytes > 0 && heldBytes > 0 && heldBytes + next.bytes > limits.maxBytesInFlight()) {
                break;
            }
            out.add(start(queue.poll()));
        }
        return out;
    }

    /** Under the lock: counts the op as in flight, with its buffer if it reads. */
    private Op start(Op next) {
        if (next.kind == Kind.READ) {
            next.buffer = takeBuffer(next.bytes, next.target);
        }
        inFlightIos++;
        inFlightBytes += next.bytes;
        maxObservedIos = Math.max(maxObservedIos, inFlightIos);
        maxObservedBytes = Math.max(maxObservedBytes, inFlightBytes);
        next.inFlight = true;
        return next;
    }

    private AlignedBuffer takeBuffer(int size, String target) {
        buffersOutstanding++;
        heldBytes += size;
        maxObservedHeldBytes = Math.max(maxObservedHeldBytes, heldBytes);
        heldByTarget.merge(target, 1, Integer::sum);
        ArrayDeque<AlignedBuffer> free = pool.get(size);
        if (free != null && !free.isEmpty()) {
            pooledBytes -= size;
            return free.poll();
        }
        AlignedBuffer b = AlignedBuffer.allocate(size);
        bufferBytes += b.footprint();
        return b;
    }

    /** Under the lock: keeps the buffer for the next reads if the pool has room, else frees its memory now. */
    private void returnBuffer(AlignedBuffer b, String target) {
        buffersOutstanding--;
        heldBytes -= b.capacity();
        heldByTarget.computeIfPresent(target, (t, n) -> n == 1 ? null : n - 1);
        if (!closed && pooledBytes + b.capacity() <= limits.poolBound()) {
            pool.computeIfAbsent(b.capacity(), k -> new ArrayDeque<>()).add(b);
            pooledBytes += b.capacity();
        } else {
            bufferBytes -= b.footprint();
            buffersFreed++;
            b.free();
        }
    }

    /** Outside the lock: builds the engine request and hands it over, with its deadline. */
    private void issue(Op op) {
        IoRequest.Completion done = result -> onComplete(op, result);
        IoRequest req = switch (op.kind) {
            case OPEN -> new IoRequest.Open(op.path, op.flags, op.target, done);
            case READ -> new IoRequest.Read(op.fd, op.buffer.slice(op.done), op.length - op.done, op.offset + op.done, op.target, done);
            case CLOSE -> new IoRequest.Close(op.fd, op.target, done);
        };
        synchronized (lock) {
            op.request = req;
            if (op.deadlineNanos == 0) {
                op.deadlineNanos = System.nanoTime() + limits.deadline().toNanos();
                issuedOrder.add(op);
            }
        }
        engine.submit(req);
    }

    /** Abandons issued ops past their deadline (oldest first; completed ones are dropped on the way). */
    private void sweep() {
        long now = System.nanoTime();
        List<Op> expired = new ArrayList<>();
        synchronized (lock) {
            while (!issuedOrder.isEmpty()) {
                Op head = issuedOrder.peek();
                if (!head.inFlight || head.abandoned) {
                    issuedOrder.poll();
                } else if (head.deadlineNanos - now <= 0) {
                    issuedOrder.poll();
                    head.abandoned = true;
                    abandonedInFlight++;
                    timeouts++;
                    expired.add(head);
                } else {
                    break;
                }
            }
        }
        for (Op op : expired) {
            counters(op.target).timeouts.incrementAndGet();
            engine.cancel(op.request);
            op.result.completeExceptionally(IoFailure.timedOut(op.name(), op.target, limits.deadline().toMillis()));
        }
    }

    private void onComplete(Op op, int result) {
        IoCounters c = counters(op.target);
        boolean again = false;
        boolean closeLateFd = false;
        List<Op> issue;
        synchronized (lock) {
            if (!op.abandoned && result == -EAGAIN && op.retries < MAX_RETRIES) {
                op.retries++;
                again = true;
            } else if (!op.abandoned && op.kind == Kind.READ && result > 0 && op.done + result < op.length
                    && op.continuations < MAX_CONTINUATIONS) {
                op.done += result;
                op.continuations++;
                reads++;
                bytesRead += result;
                again = true;
            }
            if (again) {
                issue = List.of();
            } else {
                op.inFlight = false;
                inFlightIos--;
                inFlightBytes -= op.bytes;
                if (op.abandoned) {
                    abandonedInFlight--;
                    closeLateFd = op.kind == Kind.OPEN && result >= 0;
                } else if (result < 0) {
                    errors++;
                } else if (op.kind == Kind.READ) {
                    reads++;
                    bytesRead += result;
                    // Ownership passes to the caller, who releases it; until then it stays outstanding.
                    op.data = new ReadBuffer(this, op.buffer, op.done + result, op.target);
                    op.buffer = null;
                }
                if (op.buffer != null) {
                    returnBuffer(op.buffer, op.target);
                    op.buffer = null;
                }
                issue = takeIssuable();
            }
        }
        if (again) {
            issue(op);
            return;
        }
        if (op.kind == Kind.READ && result > 0 && !op.abandoned) {
            c.reads.incrementAndGet();
            c.bytes.addAndGet(op.done + result);
        }
        if (op.kind == Kind.OPEN && result >= 0) {
            c.opens.incrementAndGet();
        } else if (op.kind == Kind.CLOSE) {
            c.closes.incrementAndGet();
        }
        if (closeLateFd) {
            close(result, op.target);
        }
        issue.forEach(this::issue);
        if (op.abandoned) {
            return;
        }
        if (result < 0) {
            c.errors.incrementAndGet();
            op.result.completeExceptionally(IoFailure.errno(op.name(), op.target, -result));
        } else {
            op.result.complete(result);
        }
        // The op may linger in issuedOrder until the next sweep; it must not keep the data alive.
        op.data = null;
    }

    @Override
    public void close() {
        sweeper.cancel(false);
        engine.close();
        // Pooled buffers are in no I/O; buffers still in flight or held by readers are freed as they come back.
        synchronized (lock) {
            closed = true;
            pool.values().forEach(free -> free.forEach(b -> {
                bufferBytes -= b.footprint();
                b.free();
            }));
            pool.clear();
            pooledBytes = 0;
        }
    }
}
