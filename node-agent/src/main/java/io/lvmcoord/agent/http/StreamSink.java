package io.lvmcoord.agent.http;

import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JSON-lines response body over Jetty's asynchronous writes: lines queue (bounded) and go out
 * one write at a time, in order, from whichever thread completes the previous write.
 *
 * <p>HTTP/1.1 gives a server no word when a client that sent its whole request hangs up; only a
 * write tells. So a stream with nothing to say for {@code heartbeat} writes {@link #HEARTBEAT}
 * (clients skip it): a client that left is noticed within that time and its stream ends, which
 * frees the user's connection and the route's listener instead of holding them forever.
 */
final class StreamSink implements LineSink {
    /** The line a quiet stream sends to find out whether its client is still there. */
    static final String HEARTBEAT = io.lvmcoord.agent.client.AgentClient.HEARTBEAT;
    static final String OVERFLOW = "{\"overflow\": true}";

    private final Response response;
    private final Callback done;
    private final int maxQueued;
    private final Deque<String> queue = new ArrayDeque<>();
    private final List<Runnable> onClose = new ArrayList<>();
    /** The pending heartbeat check (each run schedules the next); cancelled when the stream ends. */
    private volatile Scheduler.Task heartbeatTask;
    private boolean ending;
    private boolean lastWritten;
    private boolean closed;
    private long lastWriteNanos = System.nanoTime();
    /** Jetty allows one pending write per response: this takes queued lines out one write at a time. */
    private final Writer writer = new Writer();

    StreamSink(Response response, Callback done, int maxQueued, Scheduler scheduler, long heartbeatMillis) {
        this.response = response;
        this.done = done;
        this.maxQueued = maxQueued;
        if (heartbeatMillis > 0) {
            scheduleHeartbeat(scheduler, heartbeatMillis);
        }
    }

    private void scheduleHeartbeat(Scheduler scheduler, long millis) {
        heartbeatTask = scheduler.schedule(new Runnable() {
            @Override
            public void run() {
                boolean quiet;
                synchronized (StreamSink.this) {
                    if (closed || ending) {
                        return;
                    }
                    quiet = queue.isEmpty() && System.nanoTime() - lastWriteNanos >= TimeUnit.MILLISECONDS.toNanos(millis) / 2;
                }
                if (quiet) {
                    write(HEARTBEAT);
                }
                heartbeatTask = scheduler.schedule(this, millis, TimeUnit.MILLISECONDS);
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean write(String line) {
        synchronized (this) {
            if (closed || ending) {
                return false;
            }
            if (queue.size() >= maxQueued) {
                queue.clear();
                queue.add(OVERFLOW + "\n");
            } else {
                queue.add(line.endsWith("\n") ? line : line + "\n");
            }
        }
        writer.iterate();
        return true;
    }

    @Override
    public synchronized boolean isOpen() {
        return !closed && !ending;
    }

    @Override
    public void onClose(Runnable action) {
        synchronized (this) {
            if (!closed) {
                onClose.add(action);
                return;
            }
        }
        action.run();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed || ending) {
                return;
            }
            ending = true;
        }
        writer.iterate();
    }

    private final class Writer extends IteratingCallback {
        @Override
        protected Action process() {
            String line;
            synchronized (StreamSink.this) {
                line = queue.poll();
                if (line == null) {
                    if (!ending) {
                        return Action.IDLE;
                    }
                    if (lastWritten) {
                        return Action.SUCCEEDED;
                    }
                    lastWritten = true;
                } else {
                    lastWriteNanos = System.nanoTime();
                }
            }
            if (line == null) {
                response.write(true, ByteBuffer.allocate(0), this);
            } else {
                response.write(false, ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), this);
            }
            return Action.SCHEDULED;
        }

        @Override
        protected void onCompleteSuccess() {
            finish();
            done.succeeded();
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            finish();
            done.failed(cause);
        }
    }

    /** Jetty fails an open stream when the server stops or the connection breaks outside a write. */
    void fail(Throwable cause) {
        writer.abort(cause);
    }

    private void finish() {
        List<Runnable> actions;
        synchronized (this) {
            closed = true;
            queue.clear();
            actions = List.copyOf(onClose);
            onClose.clear();
        }
        Scheduler.Task task = heartbeatTask;
        if (task != null) {
            task.cancel();
        }
        actions.forEach(Runnable::run);
    }
}
