package io.lvmcoord.agent.client;

import java.io.IOException;
import java.nio.file.Path;

/** No agent could be reached at the socket; the message is meant to be printed as is. */
public final class AgentUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path socket;

    public AgentUnavailableException(Path socket, String message, Throwable cause) {
        super(message, cause);
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }
}
