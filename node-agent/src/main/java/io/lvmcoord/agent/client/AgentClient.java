package io.lvmcoord.agent.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The CLI's side of the agent API: one HTTP/1.1 exchange per call over the agent's Unix socket.
 *
 * <p>Plain JDK on purpose: {@code lvmcoord vgs} must finish within 0.1 s including JVM start, so
 * nothing here may load Pekko, picocli, Jackson or config. Every request says
 * {@code Connection: close}, so a response ends at its length, its last chunk, or EOF, and no
 * connection state outlives a call.
 */
public final class AgentClient {
    /** The line a quiet stream sends now and then (lvmcoord.api.stream-heartbeat); not data. */
    public static final String HEARTBEAT = "{\"heartbeat\": true}";

    /**
     * Longest header line kept, bytes. A longer one is not an error: the rest of it is read and
     * dropped (never buffered) and {@link Response#headerCut} says so, so an agent with a huge
     * header still answers. The status line and chunk-size lines are protocol, not data: past
     * this they are a malformed response.
     */
    public static final int MAX_HEAD_LINE = 64 * 1024;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Path socket;
    private final Duration timeout;

    public AgentClient(Path socket) {
        this(socket, DEFAULT_TIMEOUT);
    }

    /** @param timeout longest wait for any single read or write of a non-stream call */
    public AgentClient(Path socket, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.socket = socket;
        this.timeout = timeout;
    }

    public Path socket() {
        return socket;
    }

    /**
     * A response read to its end. Header names are lower case.
     *
     * @param cutHeaders names of headers whose line was longer than {@link #MAX_HEAD_LINE}: their
     *                   value holds only its first bytes
     */
    public record Response(int status, Map<String, String> headers, byte[] body, Set<String> cutHeaders) {
        public Response {
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
            cutHeaders = Set.copyOf(cutHeaders);
        }

        public Response(int status, Map<String, String> headers, byte[] body) {
            this(status, headers, body, Set.of());
        }

        /** True when the header's line was cut at {@link #MAX_HEAD_LINE}; {@code name} in any case. */
        public boolean headerCut(String name) {
            return cutHeaders.contains(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The header's value, or null; {@code name} in any case. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The {@code "error"} member of an agent error body, else the body text. */
        public String errorMessage() {
            String text = bodyText();
            try {
                String m = JsonText.stringMember(text, "error");
                return m != null ? m : text;
            } catch (IllegalArgumentException notJson) {
                return text;
            }
        }
    }

    public Response get(String pathAndQuery) throws IOException {
        return exchange("GET", pathAndQuery, null, null);
    }

    public Response post(String path, String contentType, byte[] body) throws IOException {
        return exchange("POST", path, contentType, body);
    }

    /**
     * GETs a JSON-lines stream and hands each line (without its newline) to {@code onLine} until
     * it returns false or the agent ends the stream. There is no read timeout: streams may be
     * quiet for as long as nothing happens. The agent's {@link #HEARTBEAT} lines (how it learns
     * that a quiet client left) are not handed on.
     *
     * @throws UnexpectedStatusException when the agent answers anything but 200
     */
    public void stream(String pathAndQuery, Predicate<String> onLine) throws IOException {
        try (SocketChannel ch = connect(); ChannelInput in = new ChannelInput(ch, null)) {
            sendRequest(ch, "GET", pathAndQuery, null, null, in);
            Head head = readHead(in);
            if (head.status != 200) {
                byte[] body = readBody(in, head);
                throw new UnexpectedStatusException(head.status,
                        new Response(head.status, head.headers, body, head.cut).errorMessage());
            }
            InputStream body = head.chunked() ? new ChunkedInput(in) : in;
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = body.read()) >= 0) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                if (text.equals(HEARTBEAT)) {
                    continue;
                }
                if (!onLine.test(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text)) {
                    return;
                }
            }
            if (line.size() > 0) {
                onLine.test(line.toString(StandardCharsets.UTF_8));
            }
        }
    }

    private Response exchange(String method, String target, String contentType, byte[] body) throws IOException {
        try (SocketChannel ch = connect(); ChannelInput in = new ChannelInput(ch, timeout)) {
            sendRequest(ch, method, target, contentType, body, in);
            Head head = readHead(in);
            return new Response(head.status, head.headers, readBody(in, head), head.cut);
        }
    }

    private SocketChannel connect() throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw new AgentUnavailableException(socket, notRunning(), null);
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return ch;
        } catch (IOException e) {
            ch.close();
            String why = String.valueOf(e.getMessage());
            if (why.contains("Permission denied")) {
                throw new AgentUnavailableException(socket, "cannot connect to the lvmcoord agent at " + socket
                        + ": permission denied (you need to be root or in the agent's socket group)", e);
            }
            if (e instanceof SocketException && (why.contains("refused") || why.contains("No such file"))) {
                throw new AgentUnavailableException(socket, notRunning(), e);
            }
            throw new AgentUnavailableException(socket, "cannot connect to the lvmcoord agent at " + socket + ": " + why, e);
        }
    }

    private String notRunning() {
        return "no lvmcoord agent at " + socket + ": is it running? (start it with `lvmcoord agent`)";
    }

    private static void sendRequest(SocketChannel ch, String method, String target, String contentType, byte[] body,
                                    ChannelInput io) throws IOException {
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("request target must start with '/', got " + target);
        }
        StringBuilder head = new StringBuilder(128)
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: lvmcoord\r\nConnection: close\r\n");
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        io.writeFully(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1)));
        if (body != null) {
            io.writeFully(ByteBuffer.wrap(body));
        }
    }

    private record Head(int status, Map<String, String> headers, Set<String> cut) {
        boolean chunked() {
            String te = headers.get("transfer-encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }
    }

    private static Head readHead(InputStream in) throws IOException {
        String statusLine = readLine(in);
        // "HTTP/1.1 200 OK": the code is the second token; the reason phrase may be empty.
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("agent sent a malformed status line: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("agent sent a malformed status line: " + statusLine, e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Set<String> cut = new HashSet<>();
        for (HeaderLine h = readHeaderLine(in); !h.text().isEmpty(); h = readHeaderLine(in)) {
            String line = h.text();
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("agent sent a malformed header line: " + abbreviate(line));
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.put(name, line.substring(colon + 1).trim());
            if (h.cut()) {
                cut.add(name);
            }
        }
        return new Head(status, headers, cut);
    }

    private static byte[] readBody(InputStream in, Head head) throws IOException {
        if (head.chunked()) {
            return new ChunkedInput(in).readAllBytes();
        }
        String length = head.headers.get("content-length");
        if (length == null) {
            return in.readAllBytes();
        }
        int n;
        try {
            n = Integer.parseInt(length.trim());
        } catch (NumberFormatException e) {
            throw new IOException("agent sent a malformed Content-Length: " + length, e);
        }
        byte[] body = in.readNBytes(n);
        if (body.length < n) {
            throw new EOFException("agent closed the connection after " + body.length + " of " + n + " body bytes");
        }
        return body;
    }

    /** A header line as ISO-8859-1 without its terminator; {@code cut} when only its first bytes are kept. */
    private record HeaderLine(String text, boolean cut) {
    }

    /** At most {@link #MAX_HEAD_LINE} bytes of a header line: the rest of a longer one is read and dropped. */
    private static HeaderLine readHeaderLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        boolean cut = false;
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = b.length();
                return new HeaderLine(!cut && n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString(), cut);
            }
            if (b.length() >= MAX_HEAD_LINE) {
                cut = true;
            } else {
                b.append((char) c);
            }
        }
        throw new EOFException("agent closed the connection in the middle of the response head");
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }

    /** One CRLF- (or LF-) terminated line as ISO-8859-1, without the terminator. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            if (b.length() >= MAX_HEAD_LINE) {
                throw new IOException("agent sent a line longer than " + MAX_HEAD_LINE + " bytes");
            }
            b.append((char) c);
        }
        throw new EOFException("agent closed the connection in the middle of the response head");
    }

    /** The body of a chunked response, de-chunked; ends at the zero-length chunk. */
    private static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long remaining;
        private boolean done;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (remaining == 0) {
                String sizeLine = readLine(in);
                int ext = sizeLine.indexOf(';');
                try {
                    remaining = Long.parseLong((ext >= 0 ? sizeLine.substring(0, ext) : sizeLine).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("agent sent a malformed chunk size: " + sizeLine, e);
                }
                if (remaining == 0) {
                    // Trailers, if any, end with an empty line.
                    while (!readLine(in).isEmpty()) {
                        continue;
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("agent closed the connection inside a chunk");
            }
            remaining -= n;
            if (remaining == 0 && !readLine(in).isEmpty()) {
                throw new IOException("agent sent a chunk without its closing CRLF");
            }
            return n;
        }
    }

    /**
     * Buffered reads from a non-blocking channel with an optional per-read deadline. JDK Unix
     * channels have no SO_TIMEOUT (their socket adaptor is unsupported), so waiting goes through
     * a selector.
     */
    private static final class ChannelInput extends InputStream {
        private final SocketChannel ch;
        private final Duration timeout;
        private final Selector selector;
        /** 64 KiB: a 5 MB report (pvs of 10,000 devices) in 80 reads rather than 320. */
        private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024).flip();

        ChannelInput(SocketChannel ch, Duration timeout) throws IOException {
            this.ch = ch;
            this.timeout = timeout;
            ch.configureBlocking(false);
            this.selector = Selector.open();
            ch.register(selector, 0);
        }

        void writeFully(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                if (ch.write(src) == 0) {
                    await(SelectionKey.OP_WRITE);
                }
            }
        }

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            return buf.get() & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, buf.remaining());
            buf.get(b, off, n);
            return n;
        }

        private boolean fill() throws IOException {
            while (!buf.hasRemaining()) {
                buf.clear();
                int n = ch.read(buf);
                buf.flip();
                if (n < 0) {
                    return false;
                }
                if (n == 0) {
                    await(SelectionKey.OP_READ);
                }
            }
            return true;
        }

        private void await(int op) throws IOException {
            SelectionKey key = ch.keyFor(selector);
            key.interestOps(op);
            int ready = timeout == null ? selector.select() : selector.select(timeout.toMillis());
            selector.selectedKeys().clear();
            if (ready == 0 && timeout != null) {
                throw new SocketTimeoutException("the lvmcoord agent did not answer within " + timeout.toMillis() + " ms");
            }
        }

        @Override
        public void close() throws IOException {
            selector.close();
        }
    }
}
