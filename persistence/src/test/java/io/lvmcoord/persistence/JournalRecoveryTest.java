package io.lvmcoord.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events written through the configured journal survive a full stop and start of the actor
 * system: once on the embedded H2 file (the default), once on a real PostgreSQL 16 server
 * started by the test. Schema creation runs at every start and must be idempotent.
 */
class JournalRecoveryTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void eventsSurviveARestartOnTheEmbeddedH2File() throws Exception {
        Config config = ConfigFactory.parseString("lvmcoord.persistence { profile = h2, state-dir = \"" + tmp.resolve("state") + "\" }")
                .withFallback(ConfigFactory.load());
        writeThenRecover(config);
        assertTrue(Files.exists(tmp.resolve("state/journal.mv.db")), "H2 file under the state directory");
    }

    @Test
    void eventsSurviveARestartOnARealPostgresqlServer() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            Config config = ConfigFactory.parseString("lvmcoord.persistence.profile = postgres")
                    .withValue("lvmcoord.persistence.postgres.url", ConfigValueFactory.fromAnyRef(pg.getJdbcUrl("postgres", "postgres")))
                    .withValue("lvmcoord.persistence.postgres.user", ConfigValueFactory.fromAnyRef("postgres"))
                    .withValue("lvmcoord.persistence.postgres.password", ConfigValueFactory.fromAnyRef(""))
                    .withFallback(ConfigFactory.load());
            writeThenRecover(config);
        }
    }

    private void writeThenRecover(Config base) throws Exception {
        Config config = JournalSettings.apply(base);
        JournalSettings settings = JournalSettings.from(config);
        ActorSystem<Void> first = ActorSystem.create(Behaviors.empty(), "journal-first", config);
        try {
            JournalSchema.ensureNow(first, settings, T);
            ActorRef<TestLedger.Command> ledger = first.systemActorOf(TestLedger.create("ledger-1"), "ledger", Props.empty());
            Integer one = ask(first, ledger, r -> new TestLedger.Add("vg-a", r));
            assertEquals(Integer.valueOf(1), one);
            Integer two = ask(first, ledger, r -> new TestLedger.Add("vg-b", r));
            assertEquals(Integer.valueOf(2), two);
        } finally {
            first.terminate();
            first.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        ActorSystem<Void> second = ActorSystem.create(Behaviors.empty(), "journal-second", config);
        try {
            JournalSchema.ensureNow(second, settings, T);
            ActorRef<TestLedger.Command> ledger = second.systemActorOf(TestLedger.create("ledger-1"), "ledger", Props.empty());
            List<String> items = ask(second, ledger, TestLedger.Get::new);
            assertEquals(List.of("vg-a", "vg-b"), items);
        } finally {
            second.terminate();
            second.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static <R> R ask(ActorSystem<?> sys, ActorRef<TestLedger.Command> ref,
                             org.apache.pekko.japi.function.Function<ActorRef<R>, TestLedger.Command> msg) throws Exception {
        return AskPattern.ask(ref, msg, T, sys.scheduler()).toCompletableFuture().get(T.toMillis(), TimeUnit.MILLISECONDS);
    }
}
