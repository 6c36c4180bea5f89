package io.lvmcoord.coordinator.query;

import io.lvmcoord.coordinator.vg.CacheUpdates;
import io.lvmcoord.coordinator.vg.ReportRouting;
import io.lvmcoord.coordinator.vg.VgSharding;
import io.lvmcoord.coordinator.vg.VgState;
import io.lvmcoord.coordinator.vg.VolumeGroupEntity;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.javadsl.Sink;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Fills a node's cache (through its writer) from the journal when the node starts: every aggregate the journal knows
 * is asked for its state (which wakes it from snapshot + events), so the node answers queries
 * from durable state before it has rescanned a single device. Retired aggregates are not among
 * the journal's persistence ids once their events are deleted; one whose deletion did not
 * complete answers with its tombstone, which is not loaded either.
 */
public final class CacheLoader {
    private CacheLoader() {
    }

    /** Completes with the number of aggregates loaded (tombstones of retired ones are not counted). */
    public static CompletionStage<Integer> loadAll(ActorSystem<?> system, org.apache.pekko.actor.typed.ActorRef<CacheUpdates.Write> writer,
                                                   Duration askTimeout, int parallelism) {
        JdbcReadJournal journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
        return journal.currentPersistenceIds()
                // Stream elements cannot be null: other ids (the name index) are dropped before mapping.
                .filter(pid -> VgSharding.targetOf(pid) != null)
                .map(VgSharding::targetOf)
                .mapAsyncUnordered(parallelism, (ReportRouting.Target t) -> askState(system, t, askTimeout)
                        .thenCompose(state -> state.retired()
                                ? java.util.concurrent.CompletableFuture.completedFuture(0)
                                : CacheUpdates.take(system, writer, CacheUpdates.key(t), state, -1).thenApply(done -> 1)))
                .runWith(Sink.fold(0, Integer::sum), system);
    }

    /** One attempt's patience; an aggregate gets as many as fit in the ask timeout. */
    private static final Duration ATTEMPT = Duration.ofSeconds(5);

    /**
     * The aggregate's state, asked again when an attempt gets no answer. A node that joins a
     * running cluster loads its cache while shards are being rebalanced to it, and sharding drops
     * messages buffered for a shard in hand-off (to keep their order): one lost ask used to fail
     * the whole start after the full ask timeout (ThreeNodeClusterTest saw it). GetState changes
     * nothing, so asking again is safe.
     */
    private static CompletionStage<VgState> askState(ActorSystem<?> system, ReportRouting.Target t, Duration askTimeout) {
        Duration attempt = askTimeout.compareTo(ATTEMPT) < 0 ? askTimeout : ATTEMPT;
        int attempts = (int) Math.max(1, askTimeout.toMillis() / attempt.toMillis());
        return Patterns.retry(() -> VgSharding.entity(system, t).<VgState>ask(VolumeGroupEntity.GetState::new, attempt),
                attempts, Duration.ofMillis(200), system.classicSystem().scheduler(), system.executionContext());
    }
}
