package io.lvmcoord.agent.http;

/** A request the server refuses before any handler sees it; {@code status} is the answer. */
final class HttpProtocolException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    HttpProtocolException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
