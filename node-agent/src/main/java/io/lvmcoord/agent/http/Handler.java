package io.lvmcoord.agent.http;

import java.util.concurrent.CompletionStage;

/**
 * Serves one route without holding a server thread: the answer comes when the stage completes
 * (a query waiting for the cluster parks nothing). A thrown exception or a failed stage becomes a
 * 500 carrying its message, and is logged once.
 */
@FunctionalInterface
public interface Handler {
    CompletionStage<HttpResponse> handle(HttpRequest request) throws Exception;

    /** A route whose answer is at hand when it is asked (status, health, refusals). */
    @FunctionalInterface
    interface Immediate {
        HttpResponse handle(HttpRequest request) throws Exception;
    }
}
