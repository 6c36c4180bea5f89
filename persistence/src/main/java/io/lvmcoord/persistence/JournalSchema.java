package io.lvmcoord.persistence;

import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Creates the journal, tag and snapshot tables when they are missing. Idempotent, so every start
 * may call it; the H2 state directory is created first.
 */
public final class JournalSchema {
    private JournalSchema() {
    }

    public static CompletionStage<Done> ensure(ClassicActorSystemProvider system, JournalSettings settings) throws java.io.IOException {
        if (settings.profile() == JournalSettings.Profile.H2) {
            Files.createDirectories(settings.stateDir());
        }
        return SchemaUtils.createIfNotExists(system);
    }

    /** Blocking variant for start-up paths that must not serve before the schema exists. */
    public static void ensureNow(ClassicActorSystemProvider system, JournalSettings settings, Duration timeout) throws Exception {
        if (settings.createSchema()) {
            create(system, settings, timeout);
        }
        if (settings.profile() == JournalSettings.Profile.H2) {
            // From here on the file exists and is open: remember that it did, and what it was.
            JournalFiles.of(settings).markCreated(java.time.Instant.now());
            JournalGuard.get(org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(system.classicSystem())).arm(settings);
        }
    }

    private static void create(ClassicActorSystemProvider system, JournalSettings settings, Duration timeout) throws Exception {
        // Nodes of a cluster starting together race to create the shared tables: "create if not
        // exists" is not atomic across servers' catalogs, so a loser sees a duplicate. The tables
        // exist then; the retry finds them and does nothing.
        for (int attempt = 1; ; attempt++) {
            try {
                ensure(system, settings).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (attempt >= 3) {
                    throw e;
                }
                Thread.sleep(200L * attempt);
            }
        }
    }
}
