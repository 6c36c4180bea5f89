package io.lvmcoord.mjvm;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * One PostgreSQL server per test class, shared by all its agents as their journal (the
 * {@code postgres} journal profile), with a database of its own so nothing of another run is
 * recovered.
 */
final class PostgresServer implements AutoCloseable {
    private static final String USER = "postgres";
    private static final String DATABASE = "lvmcoord";

    private final EmbeddedPostgres server;

    private PostgresServer(EmbeddedPostgres server) {
        this.server = server;
    }

    static PostgresServer start() throws IOException, SQLException {
        EmbeddedPostgres server = EmbeddedPostgres.builder().start();
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            server.close();
            throw e;
        }
        return new PostgresServer(server);
    }

    String jdbcUrl() {
        return server.getJdbcUrl(USER, DATABASE);
    }

    String user() {
        return USER;
    }

    /** Empty: the embedded server trusts local connections. */
    String password() {
        return "";
    }

    /** The environment that selects this server as an agent's journal (persistence/reference.conf). */
    Map<String, String> agentEnvironment() {
        return Map.of("LVMCOORD_JOURNAL_PROFILE", "postgres", "LVMCOORD_PG_URL", jdbcUrl(), "LVMCOORD_PG_USER", user(),
                "LVMCOORD_PG_PASSWORD", password());
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
