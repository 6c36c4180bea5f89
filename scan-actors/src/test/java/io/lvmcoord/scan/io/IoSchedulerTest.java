package io.lvmcoord.scan.io;

import io.lvmcoord.scan.nativeio.LinuxNativeIo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IoSchedulerTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final FakeEngine engine = new FakeEngine();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private IoScheduler scheduler(int maxIos, long maxBytes, Duration deadline) {
        return new IoScheduler(engine, new LinuxNativeIo(), new IoScheduler.Limits(maxIos, maxBytes, deadline, maxBytes), timer);
    }

    private static IoFailure failureOf(CompletableFuture<?> f) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(IoFailure.class, e.getCause());
    }

    @Test
    void requestsBeyondTheLimitsQueueAndBuffersAreTakenOnlyAtIssue() throws Exception {
        IoScheduler s = scheduler(2, 1 << 20, Duration.ofSeconds(30));
        List<CompletableFuture<byte[]>> reads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            reads.add(s.readBytes(3, i * 8192L, 8192, "dev" + i));
        }
        assertEquals(2, engine.pending.size());
        IoScheduler.Stats st = s.stats();
        assertEquals(3, st.queued());
        assertEquals(2, st.buffersOutstanding(), "queued reads hold no buffer");
        for (int round = 0; round < 3; round++) {
            engine.take().forEach(r -> FakeEngine.completeRead(r, 8192));
        }
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(FakeEngine.pattern(i * 8192L, 8192), reads.get(i).get(5, TimeUnit.SECONDS));
        }
        assertEquals(0, s.stats().buffersOutstanding());
        assertEquals(2, s.stats().maxObservedIos());
    }

    @Test
    void returnedBuffersBeyondThePoolAreFreedAndThePoolKeepsAtMostItsBound() throws Exception {
        IoScheduler s = new IoScheduler(engine, new LinuxNativeIo(),
                new IoScheduler.Limits(8, 1 << 20, Duration.ofSeconds(30), 2 * 8192), timer);
        List<CompletableFuture<ReadBuffer>> reads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            reads.add(s.read(3, i * 8192L, 8192, "dev" + i));
        }
        engine.take().forEach(r -> FakeEngine.completeRead(r, 8192));
        List<ReadBuffer> held = new ArrayList<>();
        for (CompletableFuture<ReadBuffer> f : reads) {
            held.add(f.get(5, TimeUnit.SECONDS));
        }
        IoScheduler.Stats whileHeld = s.stats();
        assertEquals(8, whileHeld.buffersOutstanding());
        assertEquals(8L * (8192 + 4096), whileHeld.bufferBytes(), "eight 8 KiB buffers, each with its alignment slack");
        held.forEach(ReadBuffer::release);
        IoScheduler.Stats after = s.stats();
        assertEquals(0, after.buffersOutstanding());
        assertEquals(2 * 8192, after.pooledBytes(), "the pool keeps two 8 KiB buffers");
        assertEquals(2L * (8192 + 4096), after.bufferBytes(), "the other six were freed, not left to the collector");
        assertEquals(6, after.buffersFreed());
        // The pooled ones serve the next reads: nothing new is allocated for two of them.
        CompletableFuture<byte[]> again = s.readBytes(3, 0, 8192, "dev0");
        engine.take().forEach(r -> FakeEngine.completeRead(r, 8192));
        assertArrayEquals(FakeEngine.pattern(0, 8192), again.get(5, TimeUnit.SECONDS));
        assertEquals(2L * (8192 + 4096), s.stats().bufferBytes());
        s.close();
        assertEquals(0, s.stats().bufferBytes(), "closing frees the pool");
    }

    @Test
    void aBufferHeldByItsReaderCountsAgainstTheByteLimitUntilReleased() throws Exception {
        IoScheduler s = scheduler(100, 128 * 1024, Duration.ofSeconds(30));
        CompletableFuture<ReadBuffer> a = s.read(3, 0, 64 * 1024, "sda");
        CompletableFuture<ReadBuffer> b = s.read(4, 0, 64 * 1024, "sdb");
        CompletableFuture<ReadBuffer> c = s.read(5, 0, 64 * 1024, "sdc");
        engine.take().forEach(r -> FakeEngine.completeRead(r, 64 * 1024));
        ReadBuffer heldA = a.get(5, TimeUnit.SECONDS);
        b.get(5, TimeUnit.SECONDS);
        assertEquals(0, s.stats().inFlightBytes());
        assertEquals(128 * 1024, s.stats().heldBytes());
        assertTrue(engine.pending.isEmpty(), "sdc's head waits: the two completed heads are still held by their readers");
        assertFalse(c.isDone());
        heldA.release();
        assertEquals(1, engine.pending.size(), "releasing one lets the queued head go");
        engine.take().forEach(r -> FakeEngine.completeRead(r, 64 * 1024));
        assertArrayEquals(FakeEngine.pattern(0, 1024), copyOf(c.get(5, TimeUnit.SECONDS), 1024));
        assertEquals(128 * 1024, s.stats().maxObservedHeldBytes());
    }

    @Test
    void aFollowUpReadOfADeviceHoldingABufferGoesAheadOfQueuedHeads() throws Exception {
        IoScheduler s = scheduler(100, 128 * 1024, Duration.ofSeconds(30));
        CompletableFuture<ReadBuffer> a = s.read(3, 0, 64 * 1024, "sda");
        CompletableFuture<ReadBuffer> b = s.read(4, 0, 64 * 1024, "sdb");
        engine.take().forEach(r -> FakeEngine.completeRead(r, 64 * 1024));
        a.get(5, TimeUnit.SECONDS);
        b.get(5, TimeUnit.SECONDS);
        CompletableFuture<ReadBuffer> headC = s.read(5, 0, 64 * 1024, "sdc");
        // sda's scan needs the rest of its text: it must not wait for room that only finished scans free.
        CompletableFuture<ReadBuffer> restOfA = s.read(3, 64 * 1024, 8192, "sda");
        List<IoRequest> issued = engine.take();
        assertEquals(1, issued.size());
        assertEquals(64 * 1024, ((IoRequest.Read) issued.get(0)).offset(), "the follow-up of sda, not sdc's head");
        issued.forEach(r -> FakeEngine.completeRead(r, 8192));
        assertArrayEquals(FakeEngine.pattern(64 * 1024, 8192), copyOf(restOfA.get(5, TimeUnit.SECONDS), 8192));
        assertFalse(headC.isDone());
        assertEquals(1, s.stats().queued());
        assertEquals(128 * 1024 + 8192, s.stats().heldBytes(), "a follow-up may take the held bytes past the limit");
    }

    private static byte[] copyOf(ReadBuffer b, int n) {
        byte[] out = new byte[n];
        b.copy(0, out, 0, n);
        return out;
    }

    @Test
    void limitsWhoseBuffersMayNotFitInDirectMemoryAreRefusedNamingTheSettings() {
        IoScheduler.Limits limits = new IoScheduler.Limits(256, 64L << 20, Duration.ofSeconds(10), 4L << 20);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> limits.requireFitsIn(128L << 20));
        assertEquals("lvmcoord.scan.max-bytes-in-flight (67108864 bytes) and buffer-pool-bytes (4194304) need up to 138412032 bytes "
                + "of direct memory, but this JVM allows 134217728 (-XX:MaxDirectMemorySize): lower the first or raise the second "
                + "(LVMCOORD_JAVA_OPTS)", e.getMessage());
        limits.requireFitsIn(132L << 20);
    }

    @Test
    void aBufferUsedAfterItsReleaseIsRefusedNotRead() throws Exception {
        IoScheduler s = new IoScheduler(engine, new LinuxNativeIo(), new IoScheduler.Limits(8, 1 << 20, Duration.ofSeconds(30), 0), timer);
        CompletableFuture<ReadBuffer> f = s.read(3, 0, 8192, "dev");
        engine.take().forEach(r -> FakeEngine.completeRead(r, 8192));
        ReadBuffer b = f.get(5, TimeUnit.SECONDS);
        b.release();
        assertEquals(0, s.stats().bufferBytes(), "with no pool the memory goes back on release");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> b.copy(0, new byte[16], 0, 16));
        assertEquals("read buffer used after release", e.getMessage());
    }

    @Test
    void byteLimitHoldsBackReadsThatWouldExceedIt() {
        IoScheduler s = scheduler(100, 128 * 1024, Duration.ofSeconds(30));
        for (int i = 0; i < 4; i++) {
            s.readBytes(3, 0, 64 * 1024, "dev");
        }
        assertEquals(2, engine.pending.size());
        assertEquals(128 * 1024, s.stats().inFlightBytes());
        engine.take().forEach(r -> FakeEngine.completeRead(r, 64 * 1024));
        assertEquals(2, engine.pending.size());
        assertTrue(s.stats().maxObservedBytes() <= 128 * 1024);
    }

    @Test
    void eioFailsTheCallerWithErrnoAndIsCounted() {
        IoScheduler s = scheduler(4, 1 << 20, Duration.ofSeconds(30));
        CompletableFuture<byte[]> f = s.readBytes(3, 0, 4096, "sdx");
        engine.take().get(0).completion().complete(-5);
        IoFailure e = failureOf(f);
        assertEquals(IoFailure.Kind.ERRNO, e.kind());
        assertEquals(5, e.errno());
        assertTrue(e.getMessage().contains("EIO"), e.getMessage());
        assertEquals(1, s.counters("sdx").errors());
        assertEquals(0, s.stats().buffersOutstanding());
    }

    @Test
    void eagainIsRetriedAndThenSucceeds() throws Exception {
        IoScheduler s = scheduler(4, 1 << 20, Duration.ofSeconds(30));
        CompletableFuture<byte[]> f = s.readBytes(3, 4096, 4096, "sdx");
        engine.take().get(0).completion().complete(-11);
        engine.take().get(0).completion().complete(-11);
        FakeEngine.completeRead(engine.take().get(0), 4096);
        assertArrayEquals(FakeEngine.pattern(4096, 4096), f.get(5, TimeUnit.SECONDS));
        assertEquals(3, engine.submitted.get());
    }

    @Test
    void shortReadsAreContinuedWhereTheyStopped() throws Exception {
        IoScheduler s = scheduler(4, 1 << 20, Duration.ofSeconds(30));
        CompletableFuture<byte[]> f = s.readBytes(3, 0, 16384, "sdx");
        IoRequest.Read first = (IoRequest.Read) engine.take().get(0);
        first.buffer().copyIn(FakeEngine.pattern(0, 4096), 0, 4096);
        first.completion().complete(4096);
        IoRequest.Read second = (IoRequest.Read) engine.take().get(0);
        assertEquals(4096, second.offset());
        assertEquals(12288, second.length());
        second.buffer().copyIn(FakeEngine.pattern(4096, 12288), 0, 12288);
        second.completion().complete(12288);
        assertArrayEquals(FakeEngine.pattern(0, 16384), f.get(5, TimeUnit.SECONDS));
    }

    @Test
    void readAtTheDeviceEndReturnsWhatThereIs() throws Exception {
        IoScheduler s = scheduler(4, 1 << 20, Duration.ofSeconds(30));
        CompletableFuture<byte[]> f = s.readBytes(3, 0, 16384, "sdx");
        IoRequest.Read r = (IoRequest.Read) engine.take().get(0);
        r.buffer().copyIn(FakeEngine.pattern(0, 4096), 0, 4096);
        r.completion().complete(4096);
        engine.take().get(0).completion().complete(0);
        assertEquals(4096, f.get(5, TimeUnit.SECONDS).length);
    }

    @Test
    void completionsOutOfOrderReachTheirOwnCallers() throws Exception {
        IoScheduler s = scheduler(64, 1 << 22, Duration.ofSeconds(30));
        List<CompletableFuture<byte[]>> reads = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            reads.add(s.readBytes(3, i * 4096L, 4096, "dev"));
        }
        List<IoRequest> all = engine.take();
        Collections.shuffle(all, new Random(3));
        all.forEach(r -> FakeEngine.completeRead(r, 4096));
        for (int i = 0; i < 40; i++) {
            assertArrayEquals(FakeEngine.pattern(i * 4096L, 4096), reads.get(i).get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTimedOutReadIsAbandonedButKeepsItsBufferUntilTheKernelLetsGo() throws Exception {
        IoScheduler s = scheduler(1, 1 << 20, Duration.ofMillis(200));
        CompletableFuture<byte[]> hung = s.readBytes(3, 0, 4096, "hung");
        CompletableFuture<byte[]> next = s.readBytes(4, 0, 4096, "ok");
        IoRequest hungReq = engine.take().get(0);
        IoFailure e = failureOf(hung);
        assertEquals(IoFailure.Kind.TIMED_OUT, e.kind());
        assertEquals(List.of(hungReq), engine.cancelled);
        assertEquals(1, s.stats().abandonedInFlight());
        assertEquals(1, s.stats().buffersOutstanding(), "the kernel may still write into it");
        assertEquals(1, s.counters("hung").timeouts());
        assertFalse(next.isDone(), "the abandoned read still holds its slot");
        hungReq.completion().complete(-125);
        assertEquals(0, s.stats().abandonedInFlight());
        FakeEngine.completeRead(engine.take().get(0), 4096);
        assertEquals(4096, next.get(5, TimeUnit.SECONDS).length);
        assertEquals(0, s.stats().buffersOutstanding());
    }

    @Test
    void anAbandonedOpenThatLaterSucceedsIsClosed() {
        IoScheduler s = scheduler(4, 1 << 20, Duration.ofMillis(100));
        CompletableFuture<Integer> open = s.open("/dev/hung", 0, "hung");
        IoRequest req = engine.take().get(0);
        assertEquals(IoFailure.Kind.TIMED_OUT, failureOf(open).kind());
        req.completion().complete(42);
        IoRequest close = engine.take().get(0);
        assertEquals(42, assertInstanceOf(IoRequest.Close.class, close).fd());
        assertEquals(1, s.counters("hung").openFds(), "open until the close completes");
        close.completion().complete(0);
        assertEquals(0, s.counters("hung").openFds(), "the late fd counts as opened and closed");
    }

    @Test
    void descriptorsOpenPerDeviceAreCountedFromOpensAndCloses() {
        IoScheduler s = scheduler(4, 1 << 20, Duration.ofSeconds(30));
        s.open("/dev/a", 0, "a");
        s.open("/dev/missing", 0, "missing");
        engine.take().forEach(r -> r.completion().complete(r.target().equals("a") ? 7 : -2));
        assertEquals(1, s.counters("a").openFds());
        assertEquals(0, s.counters("missing").openFds(), "a failed open holds no descriptor");
        s.close(7, "a");
        engine.take().get(0).completion().complete(-9);
        assertEquals(1, s.counters("a").opens());
        assertEquals(1, s.counters("a").closes(), "a failed close still ends the descriptor");
        assertEquals(0, s.counters("a").openFds());
    }
}
