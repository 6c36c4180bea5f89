package io.lvmcoord.scan;

import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DecodeError;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.ParsedTexts;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.io.IoScheduler;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One per node: owns a {@link DeviceScanner} per device (created on first use, kept for the
 * next scan so parsed metadata is reused) and answers "scan these devices" with one outcome per
 * device, in the order asked. Each request is collected by a short-lived child, so requests do
 * not wait for each other; a device asked for by two requests is scanned once (the scanner joins
 * them).
 *
 * <p>Scanners share one {@link ParsedTexts}: the devices of a VG carry one text, parsed once and
 * held as one model however many PVs the VG has.
 *
 * <p>Scanners contain their own failures (see {@link DeviceScanner}): a device that breaks the
 * decoder is answered as a fault and its scanner restarted, so a request never waits on it. A
 * scanner that stops anyway is forgotten, and the next request for its device gets a new one.
 */
public final class ScanFleet extends AbstractBehavior<ScanFleet.Command> {

    public sealed interface Command permits ScanDevices, ScannerStopped {
    }

    /**
     * @param progress      incremented as each device finishes (for a progress display); may be null
     * @param forgetParsed  scanners drop remembered metadata first, so every text is read and
     *                      parsed again (what lvm2 does on each command; for benchmarks)
     */
    public record ScanDevices(List<DeviceTarget> devices, ActorRef<FleetResult> replyTo, AtomicInteger progress,
                              boolean forgetParsed) implements Command {
        public ScanDevices {
            devices = List.copyOf(devices);
        }

        public ScanDevices(List<DeviceTarget> devices, ActorRef<FleetResult> replyTo, AtomicInteger progress) {
            this(devices, replyTo, progress, false);
        }
    }

    private record ScannerStopped(String key, ActorRef<DeviceScanner.Command> scanner) implements Command {
    }

    /** Outcomes in request order, and per-device read counts. */
    public record FleetResult(List<DeviceScan> outcomes, int[] reads, long elapsedNanos) {
    }

    private final IoScheduler scheduler;
    private final ScanSettings settings;
    private final DeviceScanner.Decoder decoder;
    /** The parsed texts the scanners share (see {@link ParsedTexts}); null with a test's own decode function. */
    private final ParsedTexts texts;
    private final Map<String, ActorRef<DeviceScanner.Command>> scanners = new HashMap<>();
    private long nextChild;

    private ScanFleet(ActorContext<Command> context, IoScheduler scheduler, ScanSettings settings, DeviceScanner.Decoder decoder,
                      ParsedTexts texts) {
        super(context);
        this.scheduler = scheduler;
        this.settings = settings;
        this.decoder = decoder;
        this.texts = texts;
    }

    /** A fleet whose scanners share the node's parsed texts for {@code limits}. */
    public static Behavior<Command> create(IoScheduler scheduler, ScanSettings settings, DecodeLimits limits) {
        return create(scheduler, settings, ParsedTexts.of(limits));
    }

    /** A fleet whose scanners parse each distinct text once, through {@code texts}. */
    public static Behavior<Command> create(IoScheduler scheduler, ScanSettings settings, ParsedTexts texts) {
        return Behaviors.setup(ctx -> new ScanFleet(ctx, scheduler, settings, DeviceScanner.Decoder.of(new PvDecoder(texts)), texts));
    }

    /** With a chosen decode function for every scanner (tests inject failures through it). */
    static Behavior<Command> create(IoScheduler scheduler, ScanSettings settings, DeviceScanner.Decoder decoder) {
        return Behaviors.setup(ctx -> new ScanFleet(ctx, scheduler, settings, decoder, null));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(ScanDevices.class, this::onScanDevices)
                .onMessage(ScannerStopped.class, this::onScannerStopped)
                .build();
    }

    private Behavior<Command> onScanDevices(ScanDevices req) {
        if (req.forgetParsed() && texts != null) {
            // Cold parsing as lvm2 does per command: each distinct text once in this request, none carried over.
            texts.clear();
        }
        List<ActorRef<DeviceScanner.Command>> refs = new ArrayList<>(req.devices().size());
        for (DeviceTarget t : req.devices()) {
            refs.add(scanners.computeIfAbsent(t.name() + "\u0000" + t.path(), k -> spawnScanner(k, t)));
        }
        // Safety net beyond the per-I/O deadlines and the decode budget: a device scan is at most a handful of I/Os.
        Duration patience = settings.limits().deadline().multipliedBy(8).plus(settings.decodeDeadline()).plusSeconds(5);
        getContext().spawnAnonymous(Collector.create(req, refs, patience));
        return this;
    }

    private ActorRef<DeviceScanner.Command> spawnScanner(String key, DeviceTarget t) {
        ActorRef<DeviceScanner.Command> ref = getContext().spawn(DeviceScanner.create(t, scheduler, settings, decoder), "device-" + nextChild++);
        getContext().watchWith(ref, new ScannerStopped(key, ref));
        return ref;
    }

    private Behavior<Command> onScannerStopped(ScannerStopped s) {
        getContext().getLog().error("scanner of {} stopped; the next request for it starts a new one", s.key().replace('\u0000', ' '));
        scanners.remove(s.key(), s.scanner());
        return this;
    }

    /** Collects one request's outcomes, replies, stops. */
    private static final class Collector {
        private Collector() {
        }

        static Behavior<DeviceScanner.ScanResult> create(ScanDevices req, List<ActorRef<DeviceScanner.Command>> refs, Duration patience) {
            return Behaviors.<DeviceScanner.ScanResult>setup(ctx -> Behaviors.withTimers(timers -> {
                long started = System.nanoTime();
                int n = req.devices().size();
                if (n == 0) {
                    req.replyTo().tell(new FleetResult(List.of(), new int[0], 0));
                    return Behaviors.stopped();
                }
                Map<String, List<Integer>> indexes = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    indexes.computeIfAbsent(req.devices().get(i).name(), k -> new ArrayList<>()).add(i);
                }
                DeviceScan[] outcomes = new DeviceScan[n];
                int[] reads = new int[n];
                int[] remaining = {n};
                for (ActorRef<DeviceScanner.Command> ref : new LinkedHashSet<>(refs)) {
                    ref.tell(new DeviceScanner.Scan(ctx.getSelf(), req.forgetParsed()));
                }
                timers.startSingleTimer(GIVE_UP, patience);
                return Behaviors.receive(DeviceScanner.ScanResult.class).onMessage(DeviceScanner.ScanResult.class, r -> {
                    if (r == GIVE_UP) {
                        // A scanner that never answers is a bug, not a device state; say so per device rather than hang.
                        List<String> silent = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            if (outcomes[i] == null) {
                                String dev = req.devices().get(i).name();
                                silent.add(dev);
                                outcomes[i] = new DeviceScan.DeviceFault(dev, new DecodeError(dev, 0, DecodeError.Kind.TIMED_OUT,
                                        "no outcome from the device scanner within " + patience.toMillis() + " ms"));
                            }
                        }
                        ctx.getLog().error("scan request gave up after {} ms on {} device(s) whose scanners did not answer: {}",
                                patience.toMillis(), silent.size(), silent);
                        req.replyTo().tell(new FleetResult(Arrays.asList(outcomes), reads, System.nanoTime() - started));
                        return Behaviors.stopped();
                    }
                    for (int i : indexes.getOrDefault(r.device(), List.of())) {
                        if (outcomes[i] == null) {
                            outcomes[i] = r.outcome();
                            reads[i] = r.reads();
                            remaining[0]--;
                            if (req.progress() != null) {
                                req.progress().incrementAndGet();
                            }
                        }
                    }
                    if (remaining[0] == 0) {
                        req.replyTo().tell(new FleetResult(Arrays.asList(outcomes), reads, System.nanoTime() - started));
                        return Behaviors.stopped();
                    }
                    return Behaviors.same();
                }).build();
            }));
        }

        /** Timer message: the request's patience ran out. */
        private static final DeviceScanner.ScanResult GIVE_UP = new DeviceScanner.ScanResult("", null, 0, false);
    }
}
