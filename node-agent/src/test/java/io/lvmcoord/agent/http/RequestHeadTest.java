package io.lvmcoord.agent.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestHeadTest {
    private static RequestHead parse(String head) throws HttpProtocolException {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        return RequestHead.parse(b, b.length);
    }

    @Test
    void queryIsDecodedAndRepeatedParametersKeptInOrder() throws HttpProtocolException {
        RequestHead h = parse("GET /v1/vgs?vg=a%2Fb&vg=c+d&flag HTTP/1.1");
        assertEquals("/v1/vgs", h.path());
        assertEquals(Map.of("vg", List.of("a/b", "c d"), "flag", List.of("")), h.query());
    }

    @Test
    void headerNamesAreLowerCasedAndRepeatsJoined() throws HttpProtocolException {
        RequestHead h = parse("GET / HTTP/1.1\r\nX-Tag: a\r\nx-tag:  b \r\nHost: x");
        assertEquals(Map.of("x-tag", "a, b", "host", "x"), h.headers());
    }

    @Test
    void keepAliveIsTheDefaultForHttp11OnlyAndConnectionCloseEndsIt() throws HttpProtocolException {
        assertTrue(parse("GET / HTTP/1.1").keepAlive());
        assertFalse(parse("GET / HTTP/1.1\r\nConnection: close").keepAlive());
        assertFalse(parse("GET / HTTP/1.0").keepAlive());
        assertTrue(parse("GET / HTTP/1.0\r\nConnection: keep-alive").keepAlive());
    }

    @Test
    void malformedInputIsRefusedWithTheRightStatus() {
        assertEquals(400, assertThrows(HttpProtocolException.class, () -> parse("GET /")).status());
        assertEquals(400, assertThrows(HttpProtocolException.class, () -> parse("get / HTTP/1.1")).status());
        assertEquals(400, assertThrows(HttpProtocolException.class, () -> parse("GET http://x/ HTTP/1.1")).status());
        assertEquals(400, assertThrows(HttpProtocolException.class, () -> parse("GET / HTTP/1.1\r\n folded")).status());
        assertEquals(400, assertThrows(HttpProtocolException.class, () -> parse("GET / HTTP/1.1\r\nHost : x")).status());
        assertEquals(400, assertThrows(HttpProtocolException.class, () -> parse("GET /?a=%zz HTTP/1.1")).status());
        assertEquals(505, assertThrows(HttpProtocolException.class, () -> parse("GET / HTTP/2.0")).status());
    }

    @Test
    void errorBodyEscapesQuotesAndControlCharacters() {
        HttpResponse.Complete r = HttpResponse.error(400, "bad \"x\"\n\u0001");
        assertEquals("{\"error\": \"bad \\\"x\\\"\\n\\u0001\"}", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/json", r.contentType());
    }
}
