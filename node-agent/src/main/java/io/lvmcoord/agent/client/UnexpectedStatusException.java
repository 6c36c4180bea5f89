package io.lvmcoord.agent.client;

import java.io.IOException;

/** The agent answered a stream request with something other than 200; carries its message. */
public final class UnexpectedStatusException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public UnexpectedStatusException(int status, String message) {
        super("agent answered " + status + ": " + message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
