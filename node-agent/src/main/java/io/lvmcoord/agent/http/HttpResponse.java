package io.lvmcoord.agent.http;

import io.lvmcoord.agent.client.JsonText;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers: a {@link Complete} body sent with Content-Length, or a {@link Streaming}
 * body sent chunked for as long as its streamer runs (the connection closes after it).
 */
public sealed interface HttpResponse permits HttpResponse.Complete, HttpResponse.Streaming {
    String JSON = "application/json";
    String JSON_LINES = "application/x-ndjson";
    String TEXT = "text/plain; charset=utf-8";

    int status();

    String contentType();

    /** Extra headers; the server writes Content-Type, Content-Length, Transfer-Encoding and Connection itself. */
    Map<String, String> headers();

    record Complete(int status, String contentType, Map<String, String> headers, byte[] body) implements HttpResponse {
        public Complete {
            checkStatus(status);
            headers = checkedHeaders(headers);
        }

        public Complete withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Complete(status, contentType, h, body);
        }
    }

    record Streaming(int status, String contentType, Map<String, String> headers, LineStreamer streamer)
            implements HttpResponse {
        public Streaming {
            checkStatus(status);
            headers = checkedHeaders(headers);
        }
    }

    static Complete json(int status, String json) {
        return new Complete(status, JSON, Map.of(), json.getBytes(StandardCharsets.UTF_8));
    }

    static Complete text(int status, String text) {
        return new Complete(status, TEXT, Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code {"error": "message"}}, the one error shape of the API. */
    static Complete error(int status, String message) {
        return json(status, "{\"error\": " + JsonText.quote(message) + "}");
    }

    /** A 200 JSON-lines stream. */
    static Streaming jsonLines(LineStreamer streamer) {
        return new Streaming(200, JSON_LINES, Map.of(), streamer);
    }

    /**
     * Header names are tokens and values visible text: a value carrying CR or LF (say, a name a
     * client sent, echoed back) would end the header early and start headers of the client's
     * choosing (response splitting). Refused here, before anything is written; the route's caller
     * answers 500 instead.
     */
    private static Map<String, String> checkedHeaders(Map<String, String> headers) {
        headers.forEach((name, value) -> {
            if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
                throw new IllegalArgumentException("not an HTTP header name: " + JsonText.quote(name));
            }
            if (!value.chars().allMatch(c -> c == '\t' || (c >= 32 && c != 127))) {
                throw new IllegalArgumentException("header " + name + " would carry a control character");
            }
        });
        return Map.copyOf(headers);
    }

    private static void checkStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be 100..599, got " + status);
        }
    }
}
