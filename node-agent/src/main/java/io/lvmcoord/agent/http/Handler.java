package io.lvmcoord.agent.http;

/** Serves one route. An exception becomes a 500 carrying its message, and is logged once. */
@FunctionalInterface
public interface Handler {
    HttpResponse handle(HttpRequest request) throws Exception;
}
