package io.lvmcoord.mjvm;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
        return start(null, null);
    }

    /**
     * A server that also listens on {@code address} and trusts clients from {@code cidr} (test
     * hosts in network namespaces, see {@link NetNamespaces}); both null for loopback only.
     */
    static PostgresServer start(String address, String cidr) throws IOException, SQLException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        Path data = null;
        if (address != null) {
            data = Files.createTempDirectory("mjvm-pg-");
            builder.setDataDirectory(data).setCleanDataDirectory(true).setServerConfig("listen_addresses", "localhost," + address);
        }
        EmbeddedPostgres server = builder.start();
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            if (cidr != null) {
                // initdb trusts loopback only; the namespaces' subnet is this test's own.
                Files.writeString(data.resolve("pg_hba.conf"), "host all all " + cidr + " trust\n", StandardOpenOption.APPEND);
                s.execute("SELECT pg_reload_conf()");
            }
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException | IOException e) {
            server.close();
            throw e;
        }
        return new PostgresServer(server);
    }

    /** The URL agents use, with the server reached at {@code host}. */
    String jdbcUrl(String host) {
        return "jdbc:postgresql://" + host + ":" + server.getPort() + "/" + DATABASE + "?user=" + USER;
    }

    String user() {
        return USER;
    }

    /** Empty: the embedded server trusts local connections. */
    String password() {
        return "";
    }

    /** The environment that selects (with the server reached at {@code host}) this server as an agent's journal (persistence/reference.conf). */
    Map<String, String> agentEnvironment(String host) {
        return Map.of("LVMCOORD_JOURNAL_PROFILE", "postgres", "LVMCOORD_PG_URL", jdbcUrl(host), "LVMCOORD_PG_USER", user(),
                "LVMCOORD_PG_PASSWORD", password());
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
