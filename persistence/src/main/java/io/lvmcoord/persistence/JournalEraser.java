package io.lvmcoord.persistence;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.DeleteSnapshotsSuccess;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Deletes what an event-sourced entity no longer needs once its latest snapshot says all:
 * every event up to that snapshot and every older snapshot, in the default journal and
 * snapshot store. Typed persistence deletes only on its count-based retention schedule; an
 * entity that retires needs it once, at a moment of its choosing. Only the entity itself may
 * call this, from its own snapshot-completed signal: recovery then starts from the snapshot
 * and never needs what is deleted, whatever the timing.
 */
public final class JournalEraser {
    private JournalEraser() {
    }

    /** Completes when events {@code <= snapshotSeqNr} and snapshots {@code < snapshotSeqNr} of {@code persistenceId} are gone. */
    public static CompletionStage<Done> eraseBefore(ClassicActorSystemProvider system, String persistenceId, long snapshotSeqNr, Duration timeout) {
        Persistence persistence = Persistence.get(system);
        var journal = persistence.journalFor("", ConfigFactory.empty());
        var snapshots = persistence.snapshotStoreFor("", ConfigFactory.empty());
        CompletionStage<Object> events = Patterns.askWithReplyTo(journal,
                replyTo -> new JournalProtocol.DeleteMessagesTo(persistenceId, snapshotSeqNr, replyTo), timeout);
        return events.thenCompose(reply -> {
            if (!(reply instanceof DeleteMessagesSuccess)) {
                return CompletableFuture.failedFuture(new IllegalStateException("deleting the events of " + persistenceId + " up to "
                        + snapshotSeqNr + " failed: " + reply));
            }
            return Patterns.ask(snapshots, new SnapshotProtocol.DeleteSnapshots(persistenceId,
                    SnapshotSelectionCriteria.create(snapshotSeqNr - 1, Long.MAX_VALUE)), timeout);
        }).thenCompose(reply -> reply instanceof DeleteSnapshotsSuccess ? CompletableFuture.completedFuture(Done.getInstance())
                : CompletableFuture.failedFuture(new IllegalStateException("deleting the snapshots of " + persistenceId + " before "
                        + snapshotSeqNr + " failed: " + reply)));
    }
}
