package io.lvmcoord.scan;

import com.typesafe.config.Config;
import io.lvmcoord.scan.codec.CodecSettings;
import io.lvmcoord.scan.io.IoEngine;
import io.lvmcoord.scan.io.IoEngines;
import io.lvmcoord.scan.io.IoScheduler;
import io.lvmcoord.scan.nativeio.AlignedBuffer;
import io.lvmcoord.scan.nativeio.LinuxNativeIo;
import io.lvmcoord.scan.nativeio.NativeIo;
import io.lvmcoord.scan.nativeio.NativeIoException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's scanning stack in one process, for the CLI and benchmarks: the chosen I/O engine,
 * the {@link IoScheduler} in front of it, and an actor system whose guardian is the
 * {@link ScanFleet}.
 */
public final class LocalScanner implements AutoCloseable {
    private final ActorSystem<?> system;
    private final ActorRef<ScanFleet.Command> fleet;
    private final boolean ownsSystem;
    private final IoScheduler scheduler;
    private final ScheduledExecutorService timer;

    private LocalScanner(ActorSystem<?> system, ActorRef<ScanFleet.Command> fleet, boolean ownsSystem, IoScheduler scheduler,
                         ScheduledExecutorService timer) {
        this.system = system;
        this.fleet = fleet;
        this.ownsSystem = ownsSystem;
        this.scheduler = scheduler;
        this.timer = timer;
    }

    public static LocalScanner start(Config config) throws NativeIoException {
        return start(config, ScanSettings.from(config), new LinuxNativeIo());
    }

    public static LocalScanner start(Config config, ScanSettings settings, NativeIo io) throws NativeIoException {
        ScheduledExecutorService timer = deadlineTimer();
        IoScheduler scheduler = scheduler(settings, io, timer);
        ActorSystem<ScanFleet.Command> system = ActorSystem.create(
                ScanFleet.create(scheduler, settings, CodecSettings.limits(config)), "lvmcoord-scan", config);
        return new LocalScanner(system, system, true, scheduler, timer);
    }

    /** The scanning stack inside an existing actor system (the agent's); closing it leaves the system running. */
    public static LocalScanner within(ActorSystem<?> system, ScanSettings settings, NativeIo io) throws NativeIoException {
        ScheduledExecutorService timer = deadlineTimer();
        IoScheduler scheduler = scheduler(settings, io, timer);
        ActorRef<ScanFleet.Command> fleet = system.systemActorOf(
                ScanFleet.create(scheduler, settings, CodecSettings.limits(system.settings().config())), "scan-fleet", Props.empty());
        return new LocalScanner(system, fleet, false, scheduler, timer);
    }

    private static ScheduledExecutorService deadlineTimer() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lvmcoord-io-deadlines");
            t.setDaemon(true);
            return t;
        });
    }

    private static IoScheduler scheduler(ScanSettings settings, NativeIo io, ScheduledExecutorService timer) throws NativeIoException {
        // Before the engine exists, so a refusal leaves no ring or threads behind.
        settings.limits().requireFitsIn(AlignedBuffer.maxDirectMemory());
        IoEngine engine = IoEngines.create(settings.engine(), io, settings.ringEntries(), settings.preadThreads());
        return new IoScheduler(engine, io, settings.limits(), timer);
    }

    public IoScheduler scheduler() {
        return scheduler;
    }

    /** Scans the devices and waits for every outcome (each device is bounded by the I/O deadlines). */
    public ScanFleet.FleetResult scan(List<DeviceTarget> devices, AtomicInteger progress, Duration timeout) throws InterruptedException {
        return scan(devices, progress, timeout, false);
    }

    /** As {@link #scan(List, AtomicInteger, Duration)}; {@code forgetParsed} re-reads and re-parses every text. */
    public ScanFleet.FleetResult scan(List<DeviceTarget> devices, AtomicInteger progress, Duration timeout, boolean forgetParsed)
            throws InterruptedException {
        try {
            return AskPattern.<ScanFleet.Command, ScanFleet.FleetResult>ask(fleet,
                    reply -> new ScanFleet.ScanDevices(devices, reply, progress, forgetParsed), timeout, system.scheduler())
                    .toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("scan of " + devices.size() + " devices did not finish within " + timeout, e);
        }
    }

    /**
     * The same scan without a waiting thread: completes with every outcome (each device bounded by
     * the I/O deadlines), or fails when the fleet has not answered within {@code timeout}.
     */
    public CompletionStage<ScanFleet.FleetResult> scanAsync(List<DeviceTarget> devices, Duration timeout) {
        return AskPattern.<ScanFleet.Command, ScanFleet.FleetResult>ask(fleet,
                reply -> new ScanFleet.ScanDevices(devices, reply, null, false), timeout, system.scheduler());
    }

    @Override
    public void close() {
        if (!ownsSystem) {
            // The fleet is a system actor of the agent's system and goes when that terminates.
            scheduler.close();
            timer.shutdownNow();
            return;
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Termination is best effort on the way out; the engine below is closed regardless.
            system.log().warn("actor system did not terminate cleanly: {}", e.toString());
        }
        scheduler.close();
        timer.shutdownNow();
    }
}
