package io.lvmcoord.agent.http;

/**
 * The body of a long-lived JSON-lines response. {@link #start} returns at once: the streamer keeps
 * the sink and writes from whatever thread its events arrive on, and lets go of it in
 * {@link LineSink#onClose}. No server thread is held while the stream is open.
 */
@FunctionalInterface
public interface LineStreamer {
    void start(LineSink sink) throws Exception;
}
