package io.lvmcoord.agent.http;

/** The body of a long-lived JSON-lines response; runs on the connection's thread until it returns. */
@FunctionalInterface
public interface LineStreamer {
    void stream(LineSink sink) throws Exception;
}
