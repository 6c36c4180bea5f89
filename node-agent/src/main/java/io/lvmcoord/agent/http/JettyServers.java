package io.lvmcoord.agent.http;

import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.util.function.Function;

/** The Jetty pieces both of the agent's listeners share: threads, HTTP settings, start and stop. */
final class JettyServers {
    /**
     * Server threads: routes never block one (they answer with stages), so a few suffice for
     * parsing, writing and admission; the agent's work runs on its actors' dispatchers.
     */
    static final int MAX_THREADS = 8;

    private JettyServers() {
    }

    static Server server(String name) {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 1);
        threads.setName(name);
        threads.setDaemon(true);
        // An idle agent keeps only the selector's and acceptor's threads.
        threads.setIdleTimeout(60_000);
        threads.setReservedThreads(0);
        Server server = new Server(threads);
        server.setStopTimeout(0);
        server.setErrorHandler(new ApiErrors());
        return server;
    }

    static HttpConnectionFactory http(ApiSettings settings) {
        HttpConfiguration c = new HttpConfiguration();
        c.setRequestHeaderSize(settings.maxHeaderBytes());
        c.setSendServerVersion(false);
        c.setSendXPoweredBy(false);
        c.setSendDateHeader(false);
        return new HttpConnectionFactory(c);
    }

    /**
     * Adds {@code connector} (with its peer tracking; its idle timeout is the read timeout) and
     * the API's handler to {@code server}, and starts it; a failure to start (bind) is said by
     * {@code bindFailure}.
     */
    static Server start(Server server, AbstractConnector connector, ApiSettings settings, Routes routes, PeerConnections peers,
                        Function<Exception, IOException> bindFailure) throws IOException {
        connector.setIdleTimeout(settings.readTimeout().toMillis());
        connector.addBean(peers);
        server.addConnector(connector);
        server.setHandler(new ApiHandler(settings, routes, peers));
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw bindFailure.apply(e);
        }
        return server;
    }

    static void stop(Server server) throws IOException {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IOException("stopping the API server: " + e.getMessage(), e);
        }
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // Start failed; what remains of it is being discarded.
        }
    }
}
