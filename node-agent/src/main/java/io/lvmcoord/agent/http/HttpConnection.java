package io.lvmcoord.agent.http;

import io.lvmcoord.scan.nativeio.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One client connection, served on one thread: read a head, check it, read the body, answer,
 * and loop while keep-alive holds.
 *
 * <p>Request bytes land in one buffer of max-header-bytes; a head that has not ended when it is
 * full is refused with 431, so a client can never make the server buffer more than that per
 * connection besides a body already admitted by its Content-Length. Bytes after a head (body,
 * or a pipelined next request) stay in the buffer for the next step. Every request gets one
 * deadline of read-timeout for its head and body together, which is what stops a client that
 * trickles a byte at a time. Anything the server refuses before a handler runs closes the
 * connection afterwards, since the rest of what the client sent cannot be trusted to be framed.
 */
final class HttpConnection {
    private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final ChannelIo io;
    private final Peer peer;
    private final Optional<String> refusal;
    private final boolean busy;
    private final HttpServerCore server;
    private final ApiSettings settings;
    private final byte[] in;
    private int inLen;
    /** Set when the server answered with an error and closes without reading what the client sent. */
    private boolean linger;

    /**
     * @param refusal why the peer may not proceed (answered 403), or empty
     * @param busy    the server is full: answer 503 to the first request and close
     */
    HttpConnection(ChannelIo io, Peer peer, Optional<String> refusal, boolean busy, HttpServerCore server) {
        this.io = io;
        this.peer = peer;
        this.refusal = refusal;
        this.busy = busy;
        this.server = server;
        this.settings = server.settings();
        this.in = new byte[settings.maxHeaderBytes()];
    }

    /** Serves until the client closes, times out, or earns a closing answer. Never throws. */
    void serve() {
        try {
            while (server.running() && serveOne()) {
                continue;
            }
            if (linger) {
                io.lingeringClose(writeDeadline(), (long) settings.maxHeaderBytes() + settings.maxBodyBytes());
            }
        } catch (IOException e) {
            // Client gone, reset, or too slow: there is nobody left to answer.
            log.debug("connection from {} ended: {}", peer.user(), e.toString());
        }
    }

    /** One request; true when the connection stays open for another. */
    private boolean serveOne() throws IOException {
        long deadline = System.nanoTime() + settings.readTimeout().toNanos();
        RequestHead head;
        byte[] body;
        try {
            int headEnd = readHead(deadline);
            if (headEnd < 0) {
                return false;
            }
            head = RequestHead.parse(in, headEnd);
            consume(headEnd + 4);
            body = readBody(head, deadline);
        } catch (HttpProtocolException e) {
            send(HttpResponse.error(e.status(), e.getMessage()), false);
            linger = true;
            return false;
        }
        if (busy) {
            send(HttpResponse.error(503, "the lvmcoord agent is serving " + settings.maxConnections()
                    + " connections already (lvmcoord.api.max-connections); try again"), false);
            return false;
        }
        if (refusal.isPresent()) {
            send(HttpResponse.error(403, refusal.get()), false);
            return false;
        }
        boolean keepAlive = head.keepAlive();
        long wait = server.rateLimit(peer);
        if (wait > 0) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999L));
            send(HttpResponse.error(429, "too many requests from user " + peer.user() + " (lvmcoord.api.rate-per-second"
                    + " = " + settings.ratePerSecond() + ")").withHeader("Retry-After", Long.toString(seconds)), keepAlive);
            return keepAlive;
        }
        HttpRequest request = new HttpRequest(head.method(), head.path(), head.query(), head.headers(), body, peer);
        HttpResponse response;
        try {
            response = server.routes().dispatch(request);
        } catch (Exception e) {
            log.warn("{} {} from {} failed", head.method(), head.path(), peer.user(), e);
            response = HttpResponse.error(500, request.method() + " " + request.path() + " failed: " + e);
        }
        if (response instanceof HttpResponse.Streaming streaming) {
            stream(request, streaming);
            return false;
        }
        send((HttpResponse.Complete) response, keepAlive);
        return keepAlive;
    }

    /** Index of the CRLFCRLF ending the head, or -1 when the client closed between requests. */
    private int readHead(long deadline) throws IOException, HttpProtocolException {
        int scanned = 0;
        while (true) {
            for (int i = Math.max(0, scanned - 3); i + 3 < inLen; i++) {
                if (in[i] == '\r' && in[i + 1] == '\n' && in[i + 2] == '\r' && in[i + 3] == '\n') {
                    return i;
                }
            }
            scanned = inLen;
            if (inLen == in.length) {
                throw new HttpProtocolException(431, "request line and headers exceed " + in.length
                        + " bytes (lvmcoord.api.max-header-bytes)");
            }
            int n = io.read(ByteBuffer.wrap(in, inLen, in.length - inLen), deadline);
            if (n < 0) {
                if (inLen == 0) {
                    return -1;
                }
                throw new IOException("client closed the connection in the middle of a request head");
            }
            inLen += n;
        }
    }

    private byte[] readBody(RequestHead head, long deadline) throws IOException, HttpProtocolException {
        if (head.headers().containsKey("transfer-encoding")) {
            throw new HttpProtocolException(411, "chunked request bodies are not accepted; send Content-Length");
        }
        String lengthHeader = head.headers().get("content-length");
        if (lengthHeader == null) {
            return new byte[0];
        }
        long length;
        try {
            length = Long.parseLong(lengthHeader);
        } catch (NumberFormatException e) {
            throw new HttpProtocolException(400, "malformed Content-Length: " + lengthHeader);
        }
        if (length < 0) {
            throw new HttpProtocolException(400, "malformed Content-Length: " + lengthHeader);
        }
        if (length > settings.maxBodyBytes()) {
            throw new HttpProtocolException(413, "request body of " + length + " bytes exceeds "
                    + settings.maxBodyBytes() + " (lvmcoord.api.max-body-bytes)");
        }
        byte[] body = new byte[(int) length];
        int buffered = Math.min(body.length, inLen);
        System.arraycopy(in, 0, body, 0, buffered);
        consume(buffered);
        ByteBuffer rest = ByteBuffer.wrap(body, buffered, body.length - buffered);
        while (rest.hasRemaining()) {
            if (io.read(rest, deadline) < 0) {
                throw new IOException("client closed the connection after " + rest.position() + " of " + length
                        + " body bytes");
            }
        }
        return body;
    }

    private void consume(int n) {
        System.arraycopy(in, n, in, 0, inLen - n);
        inLen -= n;
    }

    private void send(HttpResponse.Complete r, boolean keepAlive) throws IOException {
        String head = head(r, "Content-Length: " + r.body().length, keepAlive);
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(headBytes.length + r.body().length).put(headBytes).put(r.body()).flip();
        io.writeFully(out, writeDeadline());
    }

    private void stream(HttpRequest request, HttpResponse.Streaming r) throws IOException {
        io.writeFully(ByteBuffer.wrap(head(r, "Transfer-Encoding: chunked", false).getBytes(StandardCharsets.ISO_8859_1)),
                writeDeadline());
        ChunkSink sink = new ChunkSink();
        try {
            r.streamer().stream(sink);
        } catch (Exception e) {
            // The status is long gone; ending without the last chunk tells the client the stream broke.
            log.warn("stream {} {} to {} failed", request.method(), request.path(), peer.user(), e);
            return;
        }
        if (!sink.gone) {
            io.writeFully(ByteBuffer.wrap(LAST_CHUNK), writeDeadline());
        }
    }

    private static String head(HttpResponse r, String framing, boolean keepAlive) {
        StringBuilder b = new StringBuilder(160)
                .append("HTTP/1.1 ").append(r.status()).append(' ').append(HttpResponse.reason(r.status())).append("\r\n")
                .append("Content-Type: ").append(r.contentType()).append("\r\n")
                .append(framing).append("\r\n")
                .append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n");
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
            b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    private long writeDeadline() {
        return System.nanoTime() + settings.readTimeout().toNanos();
    }

    private final class ChunkSink implements LineSink {
        private boolean gone;

        @Override
        public boolean write(String line) {
            if (!isOpen()) {
                return false;
            }
            byte[] data = (line.endsWith("\n") ? line : line + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer chunk = ByteBuffer.allocate(size.length + data.length + 2).put(size).put(data)
                    .put((byte) '\r').put((byte) '\n').flip();
            try {
                io.writeFully(chunk, writeDeadline());
                return true;
            } catch (IOException e) {
                gone = true;
                return false;
            }
        }

        @Override
        public boolean isOpen() {
            if (!gone && (!server.running() || io.peerClosed())) {
                gone = true;
            }
            return !gone;
        }
    }
}
