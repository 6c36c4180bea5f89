package io.lvmcoord.agent.http;

/**
 * Where a streaming route writes its JSON lines; each line goes out as one HTTP chunk, in order,
 * without blocking the writer. Lines the client has not taken yet wait in a bounded queue: when
 * it is full, they are dropped for a single {@code {"overflow": true}} line (the client should
 * re-query), so a slow client never holds the agent's memory.
 */
public interface LineSink {
    /** Queues {@code line} (a newline is appended when missing). False once the stream has ended. */
    boolean write(String line);

    /** False once the client has gone, a write failed or timed out, the stream was closed or the server is stopping. */
    boolean isOpen();

    /** Runs {@code action} once when the stream ends for any reason (at once if it already has). */
    void onClose(Runnable action);

    /** Ends the stream after the lines already queued. */
    void close();
}
