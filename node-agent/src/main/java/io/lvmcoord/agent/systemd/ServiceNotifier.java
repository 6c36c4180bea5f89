package io.lvmcoord.agent.systemd;

import io.lvmcoord.scan.nativeio.NativeIoException;
import io.lvmcoord.scan.nativeio.UnixDatagramSocket;
import io.lvmcoord.scan.nativeio.UnixSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The agent's side of systemd's notify protocol (sd_notify(3)) for a {@code Type=notify} unit:
 * {@code READY=1} once it serves, {@code STATUS=} lines at its phases (what {@code systemctl
 * status} shows), {@code STOPPING=1} on the way out, and {@code WATCHDOG=1} every half of
 * {@code WatchdogSec=} while a {@link Health} check passes.
 *
 * <p>The watchdog is only worth having if a stuck agent stops petting it: pets come from a thread
 * of their own, each after the agent's actor system answered a ping in time ({@link Liveness}).
 * When it does not, the pet is skipped and the next tick asks again; after {@code WatchdogSec}
 * without a pet systemd kills the agent (SIGABRT) and {@code Restart=} starts a new one.
 *
 * <p>Without {@code $NOTIFY_SOCKET} (started by hand, or by a test) every call does nothing.
 * Sending never blocks the caller for long (the socket is non-blocking) and a failed send is
 * logged, never thrown: being observed by systemd is not a reason for the agent to fail. The
 * variables stay in the environment (the JVM cannot unset them), so children such as the
 * autoactivation hook inherit them; {@code NotifyAccess=main} makes systemd ignore their datagrams.
 */
public final class ServiceNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceNotifier.class);

    /** Whether the agent is healthy enough to pet the watchdog. */
    @FunctionalInterface
    public interface Health {
        /** True when the agent answered within {@code within}. */
        boolean answers(Duration within);
    }

    private final UnixSocketAddress target;
    private final UnixDatagramSocket socket;
    private final Optional<WatchdogTiming> watchdog;
    private ScheduledExecutorService petter;
    private volatile boolean lastPetSkipped;

    private ServiceNotifier(UnixSocketAddress target, UnixDatagramSocket socket, Optional<WatchdogTiming> watchdog) {
        this.target = target;
        this.socket = socket;
        this.watchdog = watchdog;
    }

    /** One that does nothing. */
    public static ServiceNotifier disabled() {
        return new ServiceNotifier(null, null, Optional.empty());
    }

    /**
     * From {@code $NOTIFY_SOCKET}, {@code $WATCHDOG_USEC} and {@code $WATCHDOG_PID}; disabled
     * when there is no notify socket. An unusable value is said once in the log and the notifier is
     * disabled (a misconfigured unit then fails to start by its own TimeoutStartSec, which names it).
     */
    public static ServiceNotifier fromEnvironment(Map<String, String> env) {
        String spelled = env.get("NOTIFY_SOCKET");
        if (spelled == null || spelled.isEmpty()) {
            return disabled();
        }
        try {
            UnixSocketAddress target = UnixSocketAddress.parse(spelled);
            Optional<WatchdogTiming> watchdog = WatchdogTiming.fromEnvironment(env, ProcessHandle.current().pid());
            return new ServiceNotifier(target, UnixDatagramSocket.open(), watchdog);
        } catch (IllegalArgumentException | NativeIoException e) {
            LOG.error("systemd notification disabled: NOTIFY_SOCKET={}: {}", spelled, e.getMessage());
            return disabled();
        }
    }

    public boolean enabled() {
        return socket != null;
    }

    public Optional<WatchdogTiming> watchdog() {
        return watchdog;
    }

    /** {@code STATUS=text}: one line, as systemctl status shows it. */
    public void status(String text) {
        send("STATUS=" + oneLine(text));
    }

    /** {@code READY=1} with the status that goes with it. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + oneLine(status));
    }

    /** {@code STOPPING=1}: the stop is the agent's own doing, not a crash. */
    public void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    /** Starts petting the watchdog while {@code health} answers; nothing when the unit has none. Once. */
    public synchronized void startWatchdog(Health health) {
        if (!enabled() || watchdog.isEmpty() || petter != null) {
            return;
        }
        WatchdogTiming timing = watchdog.get();
        petter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lvmcoord-watchdog");
            t.setDaemon(true);
            return t;
        });
        petter.scheduleWithFixedDelay(() -> pet(health, timing), 0, timing.interval().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void pet(Health health, WatchdogTiming timing) {
        if (health.answers(timing.healthBound())) {
            if (lastPetSkipped) {
                LOG.warn("the agent answers again: petting systemd's watchdog again");
                lastPetSkipped = false;
            }
            send("WATCHDOG=1");
        } else if (!lastPetSkipped) {
            lastPetSkipped = true;
            LOG.error("the agent's actor system did not answer within {} ms: systemd's watchdog is no longer petted, "
                    + "it restarts the agent after {} ms without one", timing.healthBound().toMillis(),
                    timing.limit().toMillis());
        }
    }

    private void send(String message) {
        if (!enabled()) {
            return;
        }
        try {
            socket.send(target, message.getBytes(StandardCharsets.UTF_8));
        } catch (NativeIoException | IllegalArgumentException | IllegalStateException e) {
            LOG.warn("systemd notification {} not sent: {}", message.replace('\n', ' '), e.getMessage());
        }
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ');
    }

    @Override
    public synchronized void close() {
        if (petter != null) {
            petter.shutdownNow();
        }
        if (socket != null) {
            try {
                socket.close();
            } catch (NativeIoException e) {
                LOG.warn("closing the systemd notify socket: {}", e.getMessage());
            }
        }
    }
}
