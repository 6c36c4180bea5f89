package io.lvmcoord.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lvmcoord.persistence} (see reference.conf), and the pekko-persistence-jdbc
 * configuration it implies: one shared slick database for journal, snapshots and queries,
 * pointing at an embedded H2 file or at a PostgreSQL server.
 */
public record JournalSettings(Profile profile, Path stateDir, String h2File, String pgUrl, String pgUser, String pgPassword,
                              int maxConnections, boolean createSchema, boolean verifyAtStart) {

    public enum Profile { H2, POSTGRES }

    public static JournalSettings from(Config config) {
        Config c = config.getConfig("lvmcoord.persistence");
        Profile profile = switch (c.getString("profile").toLowerCase(Locale.ROOT)) {
            case "h2" -> Profile.H2;
            case "postgres", "postgresql" -> Profile.POSTGRES;
            default -> throw new IllegalArgumentException("lvmcoord.persistence.profile must be h2 or postgres, got "
                    + c.getString("profile"));
        };
        return new JournalSettings(profile, Path.of(c.getString("state-dir")), c.getString("h2.file"), c.getString("postgres.url"),
                c.getString("postgres.user"), c.getString("postgres.password"), c.getInt("max-connections"),
                c.getBoolean("create-schema"), c.getBoolean("verify-at-start"));
    }

    public String jdbcUrl() {
        // H2 closes a database from a JVM shutdown hook of its own by default, which races Pekko's
        // coordinated shutdown: on SIGTERM the last persists failed with "Database is already
        // closed". Pekko closes the shared pool when the actor system terminates, and that close is
        // what flushes the file.
        return profile == Profile.H2 ? "jdbc:h2:file:" + stateDir.resolve(h2File).toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE" : pgUrl;
    }

    /** The plugin configuration to lay over the application's (journal, snapshots, shared database). */
    public Config pluginConfig() {
        Map<String, Object> m = new HashMap<>();
        m.put("pekko.persistence.journal.plugin", "jdbc-journal");
        m.put("pekko.persistence.snapshot-store.plugin", "jdbc-snapshot-store");
        m.put("jdbc-journal.use-shared-db", "slick");
        m.put("jdbc-snapshot-store.use-shared-db", "slick");
        m.put("jdbc-read-journal.use-shared-db", "slick");
        String db = "pekko-persistence-jdbc.shared-databases.slick.";
        m.put(db + "profile", profile == Profile.H2 ? "slick.jdbc.H2Profile$" : "slick.jdbc.PostgresProfile$");
        m.put(db + "db.url", jdbcUrl());
        m.put(db + "db.driver", profile == Profile.H2 ? "org.h2.Driver" : "org.postgresql.Driver");
        m.put(db + "db.user", profile == Profile.H2 ? "sa" : pgUser);
        m.put(db + "db.password", profile == Profile.H2 ? "" : pgPassword);
        m.put(db + "db.numThreads", maxConnections);
        m.put(db + "db.maxConnections", maxConnections);
        m.put(db + "db.minConnections", 1);
        return ConfigFactory.parseMap(m);
    }

    /** {@code config} with the journal wiring this profile implies laid over it. */
    public static Config apply(Config config) {
        return from(config).pluginConfig().withFallback(config);
    }
}
