package io.lvmcoord.agent.http;

/** Where a streaming handler writes its JSON lines; each line goes out as one HTTP chunk. */
public interface LineSink {
    /**
     * Sends {@code line} (a newline is appended when missing). Returns false once the client has
     * gone, the write timed out or the server is stopping; the handler should then return.
     */
    boolean write(String line);

    /** False once the client has hung up or the server is stopping; for handlers that wait between lines. */
    boolean isOpen();
}
