package io.lvmcoord.coordinator.vg;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reporter's window over its asks: never more than the window in flight, every task run, failures surface. */
class ReportWindowTest {
    private final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "report-window");

    @AfterEach
    void stop() {
        system.terminate();
    }

    @Test
    void neverMoreThanTheWindowInFlightAndEveryTaskRuns() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            List<Supplier<CompletableFuture<Void>>> tasks = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                tasks.add(() -> {
                    most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    return CompletableFuture.runAsync(() -> {
                        ran.incrementAndGet();
                        inFlight.decrementAndGet();
                    }, CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS, pool));
                });
            }
            NodeReporter.inWindow(tasks, 8, system).get(30, TimeUnit.SECONDS);
            assertEquals(500, ran.get());
            assertTrue(most.get() <= 8, "at most 8 in flight, saw " + most.get());
            assertTrue(most.get() >= 2, "the window is used, saw " + most.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tenThousandTasksThatCompleteAtOnceDoNotOverflowTheStack() throws Exception {
        List<Supplier<CompletableFuture<Void>>> tasks = new ArrayList<>();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 10_000; i++) {
            tasks.add(() -> {
                ran.incrementAndGet();
                return CompletableFuture.completedFuture(null);
            });
        }
        NodeReporter.inWindow(tasks, 64, system).get(30, TimeUnit.SECONDS);
        assertEquals(10_000, ran.get());
    }

    @Test
    void aFailedTaskFailsTheWholeAfterTheOthersRan() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        List<Supplier<CompletableFuture<Void>>> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            tasks.add(() -> {
                ran.incrementAndGet();
                return n == 3 ? CompletableFuture.failedFuture(new IllegalStateException("aggregate 3 refused"))
                        : CompletableFuture.completedFuture(null);
            });
        }
        CompletableFuture<Void> all = NodeReporter.inWindow(tasks, 4, system);
        ExecutionException e = assertThrows(ExecutionException.class, () -> all.get(30, TimeUnit.SECONDS));
        assertEquals("aggregate 3 refused", e.getCause().getMessage());
        assertEquals(20, ran.get());
        NodeReporter.inWindow(List.of(), 4, system).get(30, TimeUnit.SECONDS);
    }
}
