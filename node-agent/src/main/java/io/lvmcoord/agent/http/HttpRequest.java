package io.lvmcoord.agent.http;

import io.lvmcoord.scan.nativeio.Peer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One parsed request.
 *
 * @param path   the request target up to '?', exactly as sent (not percent-decoded)
 * @param query  decoded query parameters in order of appearance
 * @param headers lower-case names; repeated headers joined with ", "
 * @param peer   who connected (SO_PEERCRED), or {@link Peer#UNKNOWN} on the loopback TCP port
 */
public record HttpRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                          byte[] body, Peer peer) {

    public Optional<String> header(String lowerCaseName) {
        return Optional.ofNullable(headers.get(lowerCaseName));
    }

    /** The first value of a query parameter. */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
