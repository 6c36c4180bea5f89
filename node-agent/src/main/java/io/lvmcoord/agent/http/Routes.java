package io.lvmcoord.agent.http;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Exact (method, path) to handler. An unknown path is 404; a known path asked with another
 * method is 405 with an Allow header, so a client can tell a typo from a wrong verb.
 */
public final class Routes {
    private final Map<String, Map<String, Handler>> byPath;

    private Routes(Map<String, Map<String, Handler>> byPath) {
        this.byPath = byPath;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The handler's response, or the 404/405 the request earns. */
    public CompletionStage<HttpResponse> dispatch(HttpRequest request) throws Exception {
        Map<String, Handler> methods = byPath.get(request.path());
        if (methods == null) {
            return CompletableFuture.completedFuture(HttpResponse.error(404, "no such resource: " + request.path()));
        }
        Handler h = methods.get(request.method());
        if (h == null) {
            String allow = String.join(", ", new TreeSet<>(methods.keySet()));
            return CompletableFuture.completedFuture(HttpResponse.error(405, request.method() + " is not allowed on "
                    + request.path() + " (allowed: " + allow + ")").withHeader("Allow", allow));
        }
        return h.handle(request);
    }

    public static final class Builder {
        private final Map<String, Map<String, Handler>> byPath = new TreeMap<>();

        private Builder() {
        }

        public Builder get(String path, Handler.Immediate handler) {
            return route("GET", path, immediate(handler));
        }

        public Builder post(String path, Handler.Immediate handler) {
            return route("POST", path, immediate(handler));
        }

        public Builder getAsync(String path, Handler handler) {
            return route("GET", path, handler);
        }

        public Builder postAsync(String path, Handler handler) {
            return route("POST", path, handler);
        }

        private static Handler immediate(Handler.Immediate h) {
            return r -> CompletableFuture.completedFuture(h.handle(r));
        }

        public Builder route(String method, String path, Handler handler) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("route path must start with '/', got " + path);
            }
            Handler previous = byPath.computeIfAbsent(path, p -> new TreeMap<>()).putIfAbsent(method, handler);
            if (previous != null) {
                throw new IllegalArgumentException("route " + method + " " + path + " is defined twice");
            }
            return this;
        }

        public Routes build() {
            Map<String, Map<String, Handler>> copy = new TreeMap<>();
            byPath.forEach((p, m) -> copy.put(p, Map.copyOf(m)));
            return new Routes(Map.copyOf(copy));
        }
    }
}
