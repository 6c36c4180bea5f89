package io.lvmcoord.agent.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The request line and headers, parsed. Deliberately strict (CRLF only, no line folding, no
 * absolute-form targets): the only clients are our CLI and curl, and anything else is more likely
 * an attack or a confused program than a client worth accommodating.
 */
record RequestHead(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                   boolean http10) {

    /** Parses {@code head}: everything before the blank line, as ISO-8859-1 bytes. */
    static RequestHead parse(byte[] head, int length) throws HttpProtocolException {
        String text = new String(head, 0, length, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3) {
            throw bad("malformed request line: " + abbreviate(lines[0]));
        }
        String method = requestLine[0];
        String target = requestLine[1];
        String version = requestLine[2];
        if (method.isEmpty() || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            throw bad("malformed method in request line: " + abbreviate(lines[0]));
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            if (version.startsWith("HTTP/")) {
                throw new HttpProtocolException(505, "only HTTP/1.1 and HTTP/1.0 are served, got " + abbreviate(version));
            }
            throw bad("malformed request line: " + abbreviate(lines[0]));
        }
        if (!target.startsWith("/")) {
            throw bad("request target must start with '/', got " + abbreviate(target));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line, colon)) {
                throw bad("malformed header line: " + abbreviate(line));
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        Map<String, List<String>> query = q < 0 ? Map.of() : parseQuery(target.substring(q + 1));
        return new RequestHead(method, path, query, Collections.unmodifiableMap(headers), version.equals("HTTP/1.0"));
    }

    /** Whether the connection may serve another request after this one. */
    boolean keepAlive() {
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        return http10 ? connection.contains("keep-alive") : !connection.contains("close");
    }

    private static Map<String, List<String>> parseQuery(String query) throws HttpProtocolException {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw bad("malformed query parameter: " + abbreviate(pair));
            }
        }
        params.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(params);
    }

    /** RFC 9110 token characters: no spaces (so "Host : x" and folded lines are refused). */
    private static boolean isToken(String line, int end) {
        for (int i = 0; i < end; i++) {
            char c = line.charAt(i);
            boolean ok = c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static HttpProtocolException bad(String message) {
        return new HttpProtocolException(400, message);
    }

    /** Echoing hostile input back is fine in JSON, but not 16 KiB of it. */
    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
