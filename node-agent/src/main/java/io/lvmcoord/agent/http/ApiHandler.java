package io.lvmcoord.agent.http;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The agent's request handling on Jetty: the peer's admission (decided when its connection
 * opened: refused user 403, over its connection cap 503), its rate bucket (429 with Retry-After),
 * the body cap (413), then the route. Nothing here blocks a server thread: the route answers
 * with a stage, and the response is written when it completes.
 */
final class ApiHandler extends org.eclipse.jetty.server.Handler.Abstract.NonBlocking {
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
    /** Lines a streaming client may fall behind by before they are dropped for an overflow line. */
    static final int STREAM_QUEUE = 1024;

    private final ApiSettings settings;
    private final Routes routes;
    private final PeerConnections peers;
    private final RateLimiter limiter;

    ApiHandler(ApiSettings settings, Routes routes, PeerConnections peers) {
        this.settings = settings;
        this.routes = routes;
        this.peers = peers;
        this.limiter = settings.rateCapped() ? new RateLimiter(settings.ratePerSecond(), settings.rateBurst(), System::nanoTime) : null;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        PeerConnections.Admission admission = peers.admissionOf(request.getConnectionMetaData().getConnection());
        if (admission.refusal().isPresent()) {
            send(response, callback, HttpResponse.error(403, admission.refusal().get()), true);
            return true;
        }
        if (admission.overCap()) {
            send(response, callback, HttpResponse.error(503, "user " + admission.peer().user() + " has "
                    + peers.maxPerPeer() + " connections open to the lvmcoord agent already (lvmcoord.api.max-connections,"
                    + " per user); close one and try again"), true);
            return true;
        }
        long wait = limiter == null ? 0 : limiter.acquire(admission.peer().uid());
        if (wait > 0) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999L));
            send(response, callback, HttpResponse.error(429, "too many requests from user " + admission.peer().user()
                    + " (lvmcoord.api.rate-per-second = " + settings.ratePerSecond() + ")")
                    .withHeader("Retry-After", Long.toString(seconds)), false);
            return true;
        }
        long declared = request.getLength();
        if (declared > settings.maxBodyBytes()) {
            send(response, callback, tooLarge(declared), true);
            return true;
        }
        Content.Source.asByteArrayAsync(request, settings.maxBodyBytes()).whenComplete((body, failure) -> {
            if (failure != null) {
                // Only a chunked body can pass the declared-length check and still be too long.
                send(response, callback, tooLarge(-1), true);
                return;
            }
            HttpRequest r = new HttpRequest(request.getMethod(), request.getHttpURI().getPath(), query(request),
                    headers(request), body, admission.peer());
            CompletionStage<HttpResponse> answer;
            try {
                answer = routes.dispatch(r);
            } catch (Exception | Error e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((resp, error) -> {
                if (error != null) {
                    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    log.warn("{} {} from {} failed", r.method(), r.path(), r.peer().user(), cause);
                    send(response, callback, HttpResponse.error(500, r.method() + " " + r.path() + " failed: " + cause), false);
                } else if (resp instanceof HttpResponse.Streaming s) {
                    stream(request, response, callback, r, s);
                } else {
                    send(response, callback, (HttpResponse.Complete) resp, false);
                }
            });
        });
        return true;
    }

    private HttpResponse.Complete tooLarge(long declared) {
        return HttpResponse.error(413, "request body" + (declared >= 0 ? " of " + declared + " bytes" : "") + " exceeds "
                + settings.maxBodyBytes() + " bytes (lvmcoord.api.max-body-bytes)");
    }

    private static void send(Response response, Callback callback, HttpResponse.Complete r, boolean close) {
        response.setStatus(r.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, r.contentType());
        r.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, r.body().length);
        if (close) {
            // Whatever else the client sent on this connection is not read: it was refused as a whole.
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        response.write(true, ByteBuffer.wrap(r.body()), callback);
    }

    private void stream(Request request, Response response, Callback callback, HttpRequest r, HttpResponse.Streaming s) {
        response.setStatus(s.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, s.contentType());
        s.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        StreamSink sink = new StreamSink(response, callback, STREAM_QUEUE, request.getComponents().getScheduler(),
                settings.streamHeartbeat().toMillis());
        request.addFailureListener(sink::fail);
        try {
            s.streamer().start(sink);
        } catch (Exception | Error e) {
            // The status may be gone already; ending without the last chunk tells the client the stream broke.
            log.warn("stream {} {} to {} failed", r.method(), r.path(), r.peer().user(), e);
            sink.fail(e);
        }
    }

    /** Decoded query parameters, names in order of first appearance. */
    private static Map<String, List<String>> query(Request request) {
        Fields fields = Request.extractQueryParameters(request);
        Map<String, List<String>> q = new LinkedHashMap<>();
        for (Fields.Field f : fields) {
            q.computeIfAbsent(f.getName(), n -> new ArrayList<>()).addAll(f.getValues());
        }
        return q;
    }

    /** Lower-case names; repeated headers joined with ", ". */
    private static Map<String, String> headers(Request request) {
        Map<String, String> h = new LinkedHashMap<>();
        for (HttpField f : request.getHeaders()) {
            h.merge(f.getName().toLowerCase(Locale.ROOT), f.getValue(), (a, b) -> a + ", " + b);
        }
        return h;
    }
}
