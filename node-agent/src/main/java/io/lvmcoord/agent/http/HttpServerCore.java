package io.lvmcoord.agent.http;

import io.lvmcoord.scan.nativeio.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The transport-independent server: one acceptor thread, connections served on a pool bounded
 * by max-connections. Both the Unix socket and the loopback TCP port run on this, differing only
 * in how they bind and how they identify a peer.
 *
 * <p>Overflow connections are not simply closed: a client would see a reset and guess. They go
 * to a single thread that reads their request and answers 503; when even its small queue is
 * full, they are closed unanswered.
 */
final class HttpServerCore implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(HttpServerCore.class);
    /** Overflow connections waiting for their 503; past this they are closed unanswered. */
    private static final int REJECT_QUEUE = 16;
    /** Pause after a failed accept (EMFILE, ENFILE), so the acceptor does not spin while fds are short. */
    private static final long ACCEPT_BACKOFF_MS = 50;

    /** How a transport names its peers and decides whether they may proceed. */
    interface PeerCheck {
        Peer identify(SocketChannel channel) throws IOException;

        Optional<String> refusal(Peer peer);
    }

    private final String name;
    private final ServerSocketChannel server;
    private final ApiSettings settings;
    private final Routes routes;
    private final PeerCheck peerCheck;
    private final RateLimiter limiter;
    private final Semaphore slots;
    private final ThreadPoolExecutor pool;
    private final ThreadPoolExecutor rejector;
    private final Set<ChannelIo> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean running = true;

    HttpServerCore(String name, ServerSocketChannel server, ApiSettings settings, Routes routes, PeerCheck peerCheck,
                   LongSupplier nanoClock) {
        this.name = name;
        this.server = server;
        this.settings = settings;
        this.routes = routes;
        this.peerCheck = peerCheck;
        this.limiter = settings.rateCapped() ? new RateLimiter(settings.ratePerSecond(), settings.rateBurst(), nanoClock) : null;
        this.slots = new Semaphore(settings.maxConnections());
        this.pool = new ThreadPoolExecutor(settings.maxConnections(), settings.maxConnections(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemons(name + "-conn"));
        // An idle agent should hold no connection threads.
        pool.allowCoreThreadTimeOut(true);
        this.rejector = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(REJECT_QUEUE),
                daemons(name + "-busy"));
        rejector.allowCoreThreadTimeOut(true);
        this.acceptor = new Thread(this::acceptLoop, name + "-acceptor");
        acceptor.setDaemon(true);
    }

    void start() {
        acceptor.start();
    }

    ApiSettings settings() {
        return settings;
    }

    Routes routes() {
        return routes;
    }

    boolean running() {
        return running;
    }

    /** 0 when {@code peer} may make a request now, else nanoseconds until it may. */
    long rateLimit(Peer peer) {
        return limiter == null ? 0 : limiter.acquire(peer.uid());
    }

    private void acceptLoop() {
        while (running) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!running) {
                    return;
                }
                log.warn("{}: accept failed: {}", name, e.toString());
                sleepQuietly(ACCEPT_BACKOFF_MS);
                continue;
            }
            if (slots.tryAcquire()) {
                try {
                    pool.execute(() -> {
                        try {
                            serve(ch, false);
                        } finally {
                            slots.release();
                        }
                    });
                } catch (RejectedExecutionException stopping) {
                    slots.release();
                    closeQuietly(ch);
                }
            } else {
                try {
                    rejector.execute(() -> serve(ch, true));
                } catch (RejectedExecutionException full) {
                    closeQuietly(ch);
                }
            }
        }
    }

    private void serve(SocketChannel ch, boolean busy) {
        ChannelIo io;
        try {
            io = new ChannelIo(ch);
        } catch (IOException e) {
            closeQuietly(ch);
            return;
        }
        open.add(io);
        try {
            Peer peer = peerCheck.identify(ch);
            new HttpConnection(io, peer, peerCheck.refusal(peer), busy, this).serve();
        } catch (IOException e) {
            log.debug("{}: cannot identify peer: {}", name, e.toString());
        } finally {
            open.remove(io);
            try {
                io.close();
            } catch (IOException ignored) {
                // Closing a socket the peer already dropped; nothing to recover.
            }
        }
    }

    /** Stops accepting, ends open connections and streams; returns without waiting for handlers. */
    @Override
    public void close() throws IOException {
        running = false;
        try {
            server.close();
        } finally {
            pool.shutdownNow();
            rejector.shutdownNow();
            for (ChannelIo io : open) {
                try {
                    io.close();
                } catch (IOException ignored) {
                    // Shutting down; the connection is dead either way.
                }
            }
        }
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Refusing a connection; nothing to recover.
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
