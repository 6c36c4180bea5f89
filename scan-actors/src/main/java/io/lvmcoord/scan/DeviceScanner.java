package io.lvmcoord.scan;

import io.lvmcoord.scan.codec.BlockCache;
import io.lvmcoord.scan.codec.DecodeError;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
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
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * One actor per device: opens it, reads what the decoder asks for through the node's
 * {@link IoScheduler}, and answers every waiting {@link Scan} with the outcome.
 *
 * <p>Read plan: one aligned head read (128 KiB: label, first mda header and usually the text),
 * then aligned reads only for bytes the decoder still lacks (text past the head, a second mda at
 * the device end). Ignored mdas need no text. Parsed metadata is remembered per area and
 * committed slot, so a rescan whose fresh header shows the same slot reads nothing more.
 * Requests arriving while a scan runs join it. Opens try O_DIRECT|O_NOATIME and drop what the
 * device or filesystem refuses, saying so once.
 */
public final class DeviceScanner extends AbstractBehavior<DeviceScanner.Command> {

    public interface Command {
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

    private record Opened(int fd, int flags) implements Command {
    }

    private record OpenFailed(IoFailure failure, int flags) implements Command {
    }

    private record BytesRead(long offset, ReadBuffer data) implements Command {
    }

    private record ReadFailed(IoFailure failure) implements Command {
    }

    private static final int EINVAL = 22;
    private static final int EPERM = 1;

    private final DeviceTarget target;
    private final IoScheduler scheduler;
    private final ScanSettings settings;
    private final PvDecoder decoder;
    private final ParsedMetadata parsed = new ParsedMetadata();
    private final List<ActorRef<ScanResult>> waiters = new ArrayList<>();
    /** I/O buffers held by the current scan's cache; released when it finishes. */
    private final List<ReadBuffer> held = new ArrayList<>();
    private int openFlags;
    private int fd = -1;
    private long size;
    private BlockCache cache;
    private int reads;
    private long parsedBefore;
    private boolean warnedAboutDirect;

    private DeviceScanner(ActorContext<Command> context, DeviceTarget target, IoScheduler scheduler, ScanSettings settings,
                          DecodeLimits limits) {
        super(context);
        this.target = target;
        this.scheduler = scheduler;
        this.settings = settings;
        this.decoder = new PvDecoder(limits);
        this.openFlags = NativeIo.O_RDONLY | NativeIo.O_NOATIME | (settings.directIo() ? NativeIo.O_DIRECT : 0);
    }

    public static Behavior<Command> create(DeviceTarget target, IoScheduler scheduler, ScanSettings settings, DecodeLimits limits) {
        return Behaviors.setup(ctx -> new DeviceScanner(ctx, target, scheduler, settings, limits));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Scan.class, this::onScan)
                .onMessage(Opened.class, this::onOpened)
                .onMessage(OpenFailed.class, this::onOpenFailed)
                .onMessage(BytesRead.class, this::onBytesRead)
                .onMessage(ReadFailed.class, this::onReadFailed)
                .build();
    }

    private Behavior<Command> onScan(Scan scan) {
        if (scan.forgetParsed() && waiters.isEmpty()) {
            parsed.clear();
        }
        waiters.add(scan.replyTo());
        if (waiters.size() == 1) {
            reads = 0;
            parsedBefore = parsed.parses();
            open();
        }
        return this;
    }

    private void open() {
        int flags = openFlags;
        getContext().pipeToSelf(scheduler.open(target.path(), flags, target.name()),
                (fdValue, err) -> err == null ? new Opened(fdValue, flags) : new OpenFailed(failure(err), flags));
    }

    private Behavior<Command> onOpenFailed(OpenFailed f) {
        IoFailure e = f.failure();
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
        fd = o.fd();
        try {
            size = scheduler.size(fd, target.name());
        } catch (NativeIoException e) {
            return finish(new DeviceScan.DeviceFault(target.name(),
                    new DecodeError(target.name(), 0, DecodeError.Kind.IO_ERROR, e.getMessage())));
        }
        cache = new BlockCache();
        if (size < 0) {
            // No size to ask for (FIFO, character device): read the head and let its length tell.
            reads++;
            getContext().pipeToSelf(scheduler.read(fd, 0, AlignedBuffer.roundUp(settings.headRead()), target.name()),
                    (data, err) -> err == null ? new BytesRead(0, data) : new ReadFailed(failure(err)));
        } else {
            return advance();
        }
        return this;
    }

    /** Runs the decoder on what has been read; reads more or finishes. */
    private Behavior<Command> advance() {
        PvDecoder.Step step = decoder.step(target.name(), size, cache, parsed);
        if (step instanceof PvDecoder.Step.Done done) {
            return finish(done.scan());
        }
        PvDecoder.Step.NeedBytes need = (PvDecoder.Step.NeedBytes) step;
        long start = need.offset() - need.offset() % AlignedBuffer.ALIGNMENT;
        long end = need.offset() + need.length();
        long wanted = Math.max(end - start, need.offset() == 0 ? settings.headRead() : settings.minRead());
        // Never ask far past the end of the device; reads stay whole aligned blocks.
        long toDeviceEnd = size - start;
        int length = AlignedBuffer.roundUp((int) Math.max(1, Math.min(wanted, toDeviceEnd)));
        reads++;
        getContext().pipeToSelf(scheduler.read(fd, start, length, target.name()),
                (data, err) -> err == null ? new BytesRead(start, data) : new ReadFailed(failure(err)));
        return this;
    }

    private Behavior<Command> onBytesRead(BytesRead r) {
        held.add(r.data());
        if (size < 0) {
            size = r.data().length();
        }
        cache.put(r.offset(), r.data());
        if (size == 0) {
            return advance();
        }
        if (r.data().length() == 0) {
            return finish(new DeviceScan.DeviceFault(target.name(), new DecodeError(target.name(), r.offset(),
                    DecodeError.Kind.TRUNCATED, "read returned no data at " + r.offset() + " of a " + size + "-byte device")));
        }
        return advance();
    }

    private Behavior<Command> onReadFailed(ReadFailed r) {
        return finish(fault(r.failure(), 0));
    }

    private DeviceScan fault(IoFailure e, long offset) {
        DecodeError.Kind kind = e.kind() == IoFailure.Kind.TIMED_OUT ? DecodeError.Kind.TIMED_OUT : DecodeError.Kind.IO_ERROR;
        return new DeviceScan.DeviceFault(target.name(), new DecodeError(target.name(), offset, kind, e.getMessage()));
    }

    private Behavior<Command> finish(DeviceScan outcome) {
        if (fd >= 0) {
            scheduler.close(fd, target.name());
            fd = -1;
        }
        cache = null;
        held.forEach(ReadBuffer::release);
        held.clear();
        boolean reused = parsed.parses() == parsedBefore && outcome instanceof DeviceScan.PvScan pv && pv.metadata().isPresent();
        ScanResult result = new ScanResult(target.name(), outcome, reads, reused);
        waiters.forEach(w -> w.tell(result));
        waiters.clear();
        return this;
    }

    private static IoFailure failure(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof IoFailure f) {
            return f;
        }
        throw new IllegalStateException("unexpected I/O failure type", c);
    }
}
