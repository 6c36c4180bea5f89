package io.lvmcoord.agent.systemd;

import io.lvmcoord.scan.nativeio.UnixDatagramSocket;
import io.lvmcoord.scan.nativeio.UnixSocketAddress;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The notifier against a real AF_UNIX datagram socket standing in for systemd's. */
class ServiceNotifierTest {
    /** 400 ms limit: a pet every 200 ms. */
    private static final String WATCHDOG_USEC = "400000";

    private final String name = "@lvmcoord-notify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private UnixDatagramSocket systemd;

    @BeforeEach
    void bind() throws Exception {
        systemd = UnixDatagramSocket.open();
        systemd.bind(UnixSocketAddress.parse(name));
    }

    @AfterEach
    void close() throws Exception {
        systemd.close();
    }

    private Optional<String> next(Duration within) throws Exception {
        return systemd.receive(within).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** Every datagram that arrives within {@code window}. */
    private List<String> during(Duration window) throws Exception {
        List<String> got = new ArrayList<>();
        long until = System.nanoTime() + window.toNanos();
        while (true) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return got;
            }
            next(Duration.ofNanos(left)).ifPresent(got::add);
        }
    }

    private ServiceNotifier notifier() {
        return ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", name, "WATCHDOG_USEC", WATCHDOG_USEC,
                "WATCHDOG_PID", Long.toString(ProcessHandle.current().pid())));
    }

    private static ActorSystem<Void> system(Config config) {
        return ActorSystem.create(Behaviors.empty(), "liveness", config.withFallback(ConfigFactory.load()));
    }

    private static void terminate(ActorSystem<Void> system) throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void statusReadyAndStoppingArriveAsSystemdReadsThem() throws Exception {
        try (ServiceNotifier n = notifier()) {
            n.status("scanning\nthe devices");
            n.ready("serving: 2 VGs / 3 PVs");
            n.stopping("leaving the cluster");

            assertEquals("STATUS=scanning the devices", next(Duration.ofSeconds(5)).orElseThrow());
            assertEquals("READY=1\nSTATUS=serving: 2 VGs / 3 PVs", next(Duration.ofSeconds(5)).orElseThrow());
            assertEquals("STOPPING=1\nSTATUS=leaving the cluster", next(Duration.ofSeconds(5)).orElseThrow());
        }
    }

    @Test
    void watchdogIsPettedWhileHealthyAndNotOnceTheAgentStopsAnswering() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (ServiceNotifier n = notifier()) {
            n.startWatchdog(within -> healthy.get());

            List<String> healthyPets = during(Duration.ofMillis(1100));
            // Every 200 ms for 1.1 s: about five, at least three even on a loaded machine.
            assertTrue(healthyPets.size() >= 3, healthyPets.toString());
            assertTrue(healthyPets.stream().allMatch("WATCHDOG=1"::equals), healthyPets.toString());

            healthy.set(false);
            during(Duration.ofMillis(250));
            assertEquals(List.of(), during(Duration.ofMillis(1000)));

            healthy.set(true);
            assertEquals("WATCHDOG=1", next(Duration.ofSeconds(2)).orElseThrow());
        }
    }

    @Test
    void liveActorSystemIsPettedAndATerminatedOneIsNot() throws Exception {
        ActorSystem<Void> system = system(ConfigFactory.empty());
        try (ServiceNotifier n = notifier()) {
            Liveness liveness = Liveness.of(system);
            assertTrue(liveness.answers(Duration.ofSeconds(2)));
            n.startWatchdog(liveness);

            assertEquals("WATCHDOG=1", next(Duration.ofSeconds(2)).orElseThrow());

            terminate(system);
            during(Duration.ofMillis(250));
            assertFalse(liveness.answers(Duration.ofMillis(100)));
            assertEquals(List.of(), during(Duration.ofMillis(1000)));
        } finally {
            terminate(system);
        }
    }

    @Test
    void actorSystemWhoseDispatcherIsBlockedDoesNotAnswer() throws Exception {
        ActorSystem<Void> system = system(ConfigFactory.parseString(
                "pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 1, parallelism-max = 1 }"));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            Liveness liveness = Liveness.of(system);
            assertTrue(liveness.answers(Duration.ofSeconds(2)));
            // Every dispatcher thread stuck, as a deadlock or a blocking call on the dispatcher would leave it.
            system.executionContext().execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            assertFalse(liveness.answers(Duration.ofMillis(300)));
            release.countDown();
            assertTrue(liveness.answers(Duration.ofSeconds(2)));
        } finally {
            release.countDown();
            terminate(system);
        }
    }

    @Test
    void withoutNotifySocketNothingIsSentAndNothingFails() throws Exception {
        try (ServiceNotifier n = ServiceNotifier.fromEnvironment(Map.of("WATCHDOG_USEC", WATCHDOG_USEC))) {
            assertFalse(n.enabled());
            n.ready("serving");
            n.startWatchdog(within -> true);

            assertEquals(List.of(), during(Duration.ofMillis(500)));
        }
    }
}
