package io.lvmcoord.scan;

import io.lvmcoord.scan.codec.BlockCache;
import io.lvmcoord.scan.codec.DecodeError;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.DiskArea;
import io.lvmcoord.scan.codec.MdaHeader;
import io.lvmcoord.scan.codec.ParsedMetadata;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.io.IoFailure;
import io.lvmcoord.scan.io.IoScheduler;
import io.lvmcoord.scan.io.ReadBuffer;
import io.lvmcoord.scan.nativeio.AlignedBuffer;
import io.lvmcoord.scan.nativeio.NativeIo;
import io.lvmcoord.scan.nativeio.NativeIoException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.function.Function;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * One actor per device: opens it, reads what the decoder asks for through the node's
 * {@link IoScheduler}, and answers every waiting {@link Scan} with the outcome.
 *
 * <p>Read plan: one aligned head read (128 KiB: label, first mda header and usually the text),
 * then aligned reads only for bytes the decoder still lacks (text past the head, a second mda at
 * the device end). Ignored mdas need no text. Parsed metadata is remembered per area and
 * committed slot, so a rescan whose fresh header shows the same slot reads nothing more; the
 * model itself is the one every device carrying that text shares (the fleet's {@code ParsedTexts}).
 * A rescan's head read is only as long as the last decode needed (label and area headers, see
 * {@link #firstRead()}): an unchanged device costs one small read.
 * Requests arriving while a scan runs join it. Opens try O_DIRECT|O_NOATIME and drop what the
 * device or filesystem refuses, saying so once.
 *
 * <p>Containment: the decoder reads bytes an attacker may have written, so each decode step that
 * parses a metadata text runs on the decode dispatcher ({@code lvmcoord.scan.decode-dispatcher}),
 * never on the actor's, and within the scan's decode budget ({@code decode-deadline}). Only
 * steps that parse nothing (label, area headers, remembered slots: a few KiB, no recursion, see
 * {@link PvDecoder#stepWithoutParsing}) run on the actor's thread. Anything unexpected while decoding
 * or handling the device (an exception, a stack overflow, a decode that does not return) ends
 * the scan as a {@link DeviceScan.DeviceFault} naming the device and the cause: every waiting
 * requester is answered at once, the fd is closed and the I/O buffers go back. A decode that
 * does not return keeps its thread and its buffers until it does; they are not reused before.
 * After a failure inside the actor the supervisor restarts it, so no half-updated state (the
 * parsed-metadata memo in particular) survives into the next scan. Only VirtualMachineErrors
 * other than a stack overflow (out of memory, internal errors) are left to take the JVM down:
 * a stack overflow has unwound by the time it is caught and concerns one device's input.
 */
public final class DeviceScanner extends AbstractBehavior<DeviceScanner.Command> {

    public sealed interface Command permits Scan, Opened, OpenFailed, BytesRead, ReadFailed, Stepped, StepFailed, StepOverdue {
    }

    /**
     * Scan the device (or join the scan in flight) and reply with its outcome.
     *
     * @param forgetParsed drop remembered metadata first, so texts are read and parsed again
     */
    public record Scan(ActorRef<ScanResult> replyTo, boolean forgetParsed) implements Command {
        public Scan(ActorRef<ScanResult> replyTo) {
            this(replyTo, false);
        }
    }

    /**
     * @param reads           device reads this scan issued
     * @param reusedMetadata  true when every parsed text came from an unchanged committed slot
     */
    public record ScanResult(String device, DeviceScan outcome, int reads, boolean reusedMetadata) {
    }

    /**
     * The decode function a scanner runs ({@link PvDecoder#step}); substitutable so tests can make
     * decoding fail, overflow its stack or hang on demand.
     */
    @FunctionalInterface
    interface Decoder {
        PvDecoder.Step step(String device, long size, BlockCache cache, ParsedMetadata parsed);

        /**
         * A step that parses no text ({@link PvDecoder#stepWithoutParsing}), run on the scanner's
         * own thread; null when it cannot settle the step. By default none: every step goes to
         * the decode dispatcher (the tests' failure-injecting decoders rely on that).
         */
        default PvDecoder.Step stepWithoutParsing(String device, long size, BlockCache cache, ParsedMetadata parsed) {
            return null;
        }

        /** The real decoder, both ways. */
        static Decoder of(PvDecoder decoder) {
            return new Decoder() {
                @Override
                public PvDecoder.Step step(String device, long size, BlockCache cache, ParsedMetadata parsed) {
                    return decoder.step(device, size, cache, parsed);
                }

                @Override
                public PvDecoder.Step stepWithoutParsing(String device, long size, BlockCache cache, ParsedMetadata parsed) {
                    return decoder.stepWithoutParsing(device, size, cache, parsed);
                }
            };
        }
    }

    /**
     * Identifies one scan: results of I/O and decode steps carry it, so what arrives after the scan
     * was given up (or from before a restart) is recognised and cleaned up instead of used.
     */
    private static final class Attempt {
    }

    /**
     * The device is open, sized and (when it has a size) its head read: the three happen on the
     * I/O completion path one after the other, so a scan costs the actor one message for them, not
     * three (on 1000 devices those hand-offs were a third of a warm rescan).
     *
     * @param size         the device size, or -1 (no size: the actor reads the head), or -2 (sizing failed)
     * @param sizeFailure  why sizing failed, when it did
     * @param head         the head bytes from offset 0, when read; the actor releases them
     * @param readFailure  why the head read failed, when it did
     */
    private record Opened(Attempt attempt, int fd, int flags, long size, Exception sizeFailure, ReadBuffer head,
                          Throwable readFailure) implements Command {
    }

    private record OpenFailed(Attempt attempt, Throwable failure, int flags) implements Command {
    }

    private record BytesRead(Attempt attempt, long offset, ReadBuffer data) implements Command {
    }

    private record ReadFailed(Attempt attempt, Throwable failure) implements Command {
    }

    private record Stepped(Attempt attempt, PvDecoder.Step step, long nanos) implements Command {
    }

    private record StepFailed(Attempt attempt, Throwable cause) implements Command {
    }

    private record StepOverdue(Attempt attempt) implements Command {
    }

    private static final int EINVAL = 22;
    private static final int EPERM = 1;
    private static final Object DECODE_TIMER = "decode-deadline";

    private final DeviceTarget target;
    private final IoScheduler scheduler;
    private final ScanSettings settings;
    private final Decoder decoder;
    private final Executor decodeExecutor;
    private final TimerScheduler<Command> timers;
    /** Replaced, not cleared, after a failure: an abandoned decode step may still be writing to the old one. */
    private ParsedMetadata parsed = new ParsedMetadata();
    private final List<ActorRef<ScanResult>> waiters = new ArrayList<>();
    /** I/O buffers held by the current scan's cache; released when it finishes. */
    private List<ReadBuffer> held = new ArrayList<>();
    private Attempt attempt;
    /** The decode step running for {@link #attempt}, if any. */
    private CompletableFuture<PvDecoder.Step> stepping;
    private String phase = "idle";
    private int openFlags;
    private int fd = -1;
    private long size;
    private BlockCache cache;
    private int reads;
    private long parsedBefore;
    private long decodeNanosLeft;
    /** See {@link #firstRead()}; 0 until a scan of this device decoded. */
    private int warmHead;
    private boolean warnedAboutDirect;

    private DeviceScanner(ActorContext<Command> context, TimerScheduler<Command> timers, DeviceTarget target, IoScheduler scheduler,
                          ScanSettings settings, Decoder decoder) {
        super(context);
        this.timers = timers;
        this.target = target;
        this.scheduler = scheduler;
        this.settings = settings;
        this.decoder = decoder;
        this.decodeExecutor = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(settings.decodeDispatcher()));
        this.openFlags = NativeIo.O_RDONLY | NativeIo.O_NOATIME | (settings.directIo() ? NativeIo.O_DIRECT : 0);
    }

    public static Behavior<Command> create(DeviceTarget target, IoScheduler scheduler, ScanSettings settings, DecodeLimits limits) {
        return create(target, scheduler, settings, Decoder.of(new PvDecoder(limits)));
    }

    /** With a chosen decode function (tests inject failures through it). */
    static Behavior<Command> create(DeviceTarget target, IoScheduler scheduler, ScanSettings settings, Decoder decoder) {
        // The scanner logs the failure itself, naming the device (see failed()); the supervisor only restarts.
        return Behaviors.supervise(Behaviors.<Command>setup(ctx -> Behaviors.withTimers(
                        timers -> new DeviceScanner(ctx, timers, target, scheduler, settings, decoder))))
                .onFailure(ScannerFailure.class, SupervisorStrategy.restart().withLoggingEnabled(false));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Scan.class, contained(this::onScan))
                .onMessage(Opened.class, contained(this::onOpened))
                .onMessage(OpenFailed.class, contained(this::onOpenFailed))
                .onMessage(BytesRead.class, contained(this::onBytesRead))
                .onMessage(ReadFailed.class, contained(this::onReadFailed))
                .onMessage(Stepped.class, contained(this::onStepped))
                .onMessage(StepFailed.class, contained(this::onStepFailed))
                .onMessage(StepOverdue.class, contained(this::onStepOverdue))
                .onSignal(PreRestart.class, s -> afterEscape())
                .onSignal(PostStop.class, s -> afterEscape())
                .build();
    }

    private Behavior<Command> onScan(Scan scan) {
        if (scan.forgetParsed() && waiters.isEmpty()) {
            parsed.clear();
            warmHead = 0;
        }
        waiters.add(scan.replyTo());
        if (waiters.size() == 1) {
            attempt = new Attempt();
            reads = 0;
            parsedBefore = parsed.parses();
            decodeNanosLeft = settings.decodeDeadline().toNanos();
            open();
        }
        return this;
    }

    private void open() {
        int flags = openFlags | (target.followLinks() ? 0 : NativeIo.O_NOFOLLOW);
        Attempt a = attempt;
        int first = firstRead();
        phase = "opening";
        // Sizing and the head read follow the open where it completes (the I/O thread): they touch
        // no actor state, only what is captured here.
        CompletableFuture<Opened> opened = scheduler.open(target.path(), flags, target.name())
                .thenCompose(fdValue -> sizeAndHead(scheduler, target.name(), a, fdValue, flags, first));
        getContext().pipeToSelf(opened, (o, err) -> err == null ? o : new OpenFailed(a, err, flags));
    }

    private static CompletableFuture<Opened> sizeAndHead(IoScheduler scheduler, String device, Attempt a, int fd, int flags, int first) {
        long size;
        try {
            size = scheduler.size(fd, device);
        } catch (NativeIoException | RuntimeException e) {
            // Whatever went wrong, the fd reaches the actor, which closes it.
            return CompletableFuture.completedFuture(new Opened(a, fd, flags, -2, e, null, null));
        }
        if (size <= 0) {
            return CompletableFuture.completedFuture(new Opened(a, fd, flags, size, null, null, null));
        }
        try {
            return scheduler.read(fd, 0, AlignedBuffer.roundUp((int) Math.min(first, size)), device)
                    .handle((head, err) -> new Opened(a, fd, flags, size, null, head, err));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new Opened(a, fd, flags, size, null, null, e));
        }
    }

    private Behavior<Command> onOpenFailed(OpenFailed f) {
        if (f.attempt() != attempt) {
            return this;
        }
        IoFailure e = ioFailure(f.failure());
        if (e.kind() == IoFailure.Kind.ERRNO && e.errno() == EINVAL && (f.flags() & NativeIo.O_DIRECT) != 0) {
            if (!warnedAboutDirect) {
                getContext().getLog().warn("{}: O_DIRECT refused ({}); reading through the page cache", target.name(), e.getMessage());
                warnedAboutDirect = true;
            }
            openFlags &= ~NativeIo.O_DIRECT;
            open();
            return this;
        }
        if (e.kind() == IoFailure.Kind.ERRNO && e.errno() == EPERM && (f.flags() & NativeIo.O_NOATIME) != 0) {
            openFlags &= ~NativeIo.O_NOATIME;
            open();
            return this;
        }
        return finish(fault(e, 0));
    }

    private Behavior<Command> onOpened(Opened o) {
        if (o.attempt() != attempt) {
            // The scan this open was for is over (failed, or from before a restart): the fd and the head are ours to give back.
            if (o.head() != null) {
                o.head().release();
            }
            scheduler.close(o.fd(), target.name());
            return this;
        }
        fd = o.fd();
        phase = "sizing";
        if (o.sizeFailure() != null) {
            return finish(new DeviceScan.DeviceFault(target.name(),
                    new DecodeError(target.name(), 0, DecodeError.Kind.IO_ERROR, String.valueOf(o.sizeFailure().getMessage()))));
        }
        size = o.size();
        cache = new BlockCache();
        if (size < 0) {
            // No size to ask for (FIFO, character device): read the head and let its length tell.
            read(0, AlignedBuffer.roundUp(settings.headRead()));
            return this;
        }
        if (size == 0) {
            return decodeStep();
        }
        // Every decode starts with the head, read with the open.
        reads++;
        if (o.readFailure() != null) {
            return finish(fault(ioFailure(o.readFailure()), 0));
        }
        return onBytesRead(new BytesRead(attempt, 0, o.head()));
    }

    /**
     * The first read of a scan. A device seen before as a PV (or as no PV) needs only the sectors
     * its decode needed then, when nothing changed: the label and the metadata area headers near
     * the start. If the header shows a new committed slot, the decoder asks for the text and one
     * more read follows. A device not seen before, or one whose last scan failed, gets the whole
     * head (usually label, header and text in one read). On 1000 loop devices the warm rescan read
     * 8 instead of 131 MB, which was half of its kernel time.
     */
    private int firstRead() {
        return warmHead > 0 ? warmHead : settings.headRead();
    }

    /** What an unchanged device's next scan needs to read first, from this scan's outcome; 0: the whole head. */
    private static int warmHead(DeviceScan outcome, int headRead) {
        if (outcome instanceof DeviceScan.NotAPv) {
            return AlignedBuffer.roundUp(PvDecoder.LABEL_BYTES);
        }
        if (!(outcome instanceof DeviceScan.PvScan pv)) {
            return 0;
        }
        long end = PvDecoder.LABEL_BYTES;
        for (DiskArea area : pv.label().metadataAreas()) {
            long headerEnd = area.offset() + MdaHeader.HEADER_SIZE;
            if (area.offset() >= 0 && headerEnd <= headRead) {
                end = Math.max(end, headerEnd);
            }
        }
        return AlignedBuffer.roundUp((int) end);
    }

    /**
     * Runs one decoder step on what has been read. A step that needs no text parsed (a rescan of
     * an unchanged device, a device with no label) is bounded by a few KiB of headers and runs
     * here; one that would parse a text runs on the decode dispatcher, within the decode budget,
     * and its result comes back as a message. On 1000 unchanged devices the hop to the
     * dispatcher and back was a third of a warm rescan.
     */
    private Behavior<Command> decodeStep() {
        phase = "decoding headers";
        PvDecoder.Step quick = decoder.stepWithoutParsing(target.name(), size, cache, parsed);
        if (quick != null) {
            return stepped(quick);
        }
        return decodeStepAsync();
    }

    private Behavior<Command> decodeStepAsync() {
        Attempt a = attempt;
        String device = target.name();
        long deviceSize = size;
        BlockCache blocks = cache;
        ParsedMetadata memo = parsed;
        phase = "decoding";
        long submitted = System.nanoTime();
        stepping = CompletableFuture.supplyAsync(() -> decoder.step(device, deviceSize, blocks, memo), decodeExecutor);
        timers.startSingleTimer(DECODE_TIMER, new StepOverdue(a), Duration.ofNanos(Math.max(0, decodeNanosLeft)));
        getContext().pipeToSelf(stepping,
                (step, err) -> err == null ? new Stepped(a, step, System.nanoTime() - submitted) : new StepFailed(a, unwrap(err)));
        return this;
    }

    private Behavior<Command> onStepped(Stepped s) {
        if (s.attempt() != attempt) {
            return this;
        }
        timers.cancel(DECODE_TIMER);
        stepping = null;
        decodeNanosLeft -= s.nanos();
        return stepped(s.step());
    }

    private Behavior<Command> stepped(PvDecoder.Step step) {
        phase = "handling a decode step";
        if (step instanceof PvDecoder.Step.Done done) {
            return finish(done.scan());
        }
        PvDecoder.Step.NeedBytes need = (PvDecoder.Step.NeedBytes) step;
        long start = need.offset() - need.offset() % AlignedBuffer.ALIGNMENT;
        long end = need.offset() + need.length();
        long wanted = Math.max(end - start, need.offset() == 0 ? settings.headRead() : settings.minRead());
        // Never ask far past the end of the device; reads stay whole aligned blocks.
        long toDeviceEnd = size - start;
        read(start, AlignedBuffer.roundUp((int) Math.max(1, Math.min(wanted, toDeviceEnd))));
        return this;
    }

    private void read(long offset, int length) {
        Attempt a = attempt;
        reads++;
        phase = "reading " + length + " bytes at " + offset;
        getContext().pipeToSelf(scheduler.read(fd, offset, length, target.name()),
                (data, err) -> err == null ? new BytesRead(a, offset, data) : new ReadFailed(a, err));
    }

    private Behavior<Command> onBytesRead(BytesRead r) {
        if (r.attempt() != attempt) {
            r.data().release();
            return this;
        }
        held.add(r.data());
        if (size < 0) {
            size = r.data().length();
        }
        cache.put(r.offset(), r.data());
        if (size != 0 && r.data().length() == 0) {
            return finish(new DeviceScan.DeviceFault(target.name(), new DecodeError(target.name(), r.offset(),
                    DecodeError.Kind.TRUNCATED, "read returned no data at " + r.offset() + " of a " + size + "-byte device")));
        }
        return decodeStep();
    }

    private Behavior<Command> onReadFailed(ReadFailed r) {
        if (r.attempt() != attempt) {
            return this;
        }
        return finish(fault(ioFailure(r.failure()), 0));
    }

    private Behavior<Command> onStepFailed(StepFailed f) {
        if (f.attempt() != attempt) {
            return this;
        }
        timers.cancel(DECODE_TIMER);
        stepping = null;
        Throwable cause = f.cause();
        if (!containable(cause)) {
            throw (Error) cause;
        }
        throw failed(cause);
    }

    private Behavior<Command> onStepOverdue(StepOverdue o) {
        if (o.attempt() != attempt) {
            return this;
        }
        // The decode thread cannot be stopped; the step keeps its memo, and (see answer()) its buffers, until it returns.
        parsed = new ParsedMetadata();
        long budget = settings.decodeDeadline().toMillis();
        getContext().getLog().error("{}: decoding did not finish within its {} ms budget; the scan is abandoned and the device "
                + "reported TIMED_OUT (a decode thread stays busy until the step returns)", target.name(), budget);
        return finish(new DeviceScan.DeviceFault(target.name(), new DecodeError(target.name(), 0, DecodeError.Kind.TIMED_OUT,
                "decoding did not finish within " + budget + " ms (lvmcoord.scan.decode-deadline); abandoned")));
    }

    private DeviceScan fault(IoFailure e, long offset) {
        DecodeError.Kind kind = e.kind() == IoFailure.Kind.TIMED_OUT ? DecodeError.Kind.TIMED_OUT : DecodeError.Kind.IO_ERROR;
        return new DeviceScan.DeviceFault(target.name(), new DecodeError(target.name(), offset, kind, e.getMessage()));
    }

    private Behavior<Command> finish(DeviceScan outcome) {
        warmHead = warmHead(outcome, settings.headRead());
        boolean reused = parsed.parses() == parsedBefore && outcome instanceof DeviceScan.PvScan pv && pv.metadata().isPresent();
        answer(new ScanResult(target.name(), outcome, reads, reused));
        return this;
    }

    /** Ends the scan: closes the fd, returns the buffers, answers every waiter. */
    private void answer(ScanResult result) {
        timers.cancel(DECODE_TIMER);
        attempt = null;
        phase = "idle";
        if (fd >= 0) {
            scheduler.close(fd, target.name());
            fd = -1;
        }
        cache = null;
        if (stepping != null) {
            // A decode step still reads these buffers (a stop or restart while it runs): they go back
            // when it returns, never while it may copy from them (returned memory may be freed).
            List<ReadBuffer> itsBuffers = held;
            held = new ArrayList<>();
            stepping.whenComplete((s, e) -> itsBuffers.forEach(ReadBuffer::release));
            stepping = null;
        }
        held.forEach(ReadBuffer::release);
        held.clear();
        waiters.forEach(w -> w.tell(result));
        waiters.clear();
    }

    /**
     * Wraps a handler: an unexpected failure in it (or reported by a decode step) ends the scan
     * with a fault naming the device and the cause, then escapes as a {@link ScannerFailure} so
     * the supervisor restarts the scanner with fresh state.
     */
    private <M extends Command> Function<M, Behavior<Command>> contained(Function<M, Behavior<Command>> handler) {
        return message -> {
            try {
                return handler.apply(message);
            } catch (ScannerFailure alreadyHandled) {
                throw alreadyHandled;
            } catch (Exception | Error e) {
                if (!containable(e)) {
                    throw e;
                }
                throw failed(e);
            }
        };
    }

    /** Answers, cleans up and logs an unexpected failure; returns what to throw to the supervisor. */
    private ScannerFailure failed(Throwable cause) {
        String during = phase;
        int answered = waiters.size();
        String reason = "scanner failed while " + during + ": " + cause;
        ScannerFailure failure = new ScannerFailure(target.name(), reason, cause);
        getContext().getLog().error("{}: {}; {} waiting request(s) answered with a device fault; restarting the scanner",
                target.name(), reason, answered, cause);
        answer(new ScanResult(target.name(), new DeviceScan.DeviceFault(target.name(),
                new DecodeError(target.name(), 0, DecodeError.Kind.SCANNER_FAILED, reason)), reads, false));
        return failure;
    }

    /**
     * Backstop for a failure that escaped {@link #contained} (or a stop): whatever it left open is
     * closed and nobody is left waiting. Normally {@link #failed} has done this already.
     */
    private Behavior<Command> afterEscape() {
        if (!waiters.isEmpty() || fd >= 0 || !held.isEmpty()) {
            String reason = "scanner stopped or restarted while " + phase;
            answer(new ScanResult(target.name(), new DeviceScan.DeviceFault(target.name(),
                    new DecodeError(target.name(), 0, DecodeError.Kind.SCANNER_FAILED, reason)), reads, false));
        }
        return this;
    }

    /**
     * What a scanner survives: everything but the VirtualMachineErrors that mean the JVM itself is
     * failing. A stack overflow is one thread's, has unwound when caught, and comes from one
     * device's input (deep nesting), so it is a fault of that device like any exception.
     */
    static boolean containable(Throwable t) {
        return !(t instanceof VirtualMachineError) || t instanceof StackOverflowError;
    }

    /** Thrown to the supervisor after a contained failure; its message names the device. */
    static final class ScannerFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScannerFailure(String device, String reason, Throwable cause) {
            super(device + ": " + reason, cause);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static IoFailure ioFailure(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof IoFailure f) {
            return f;
        }
        throw new IllegalStateException("unexpected I/O failure type", c);
    }
}
