package io.lvmcoord.agent.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the agent's socket is when {@code lvmcoord.api.socket-path} is empty. Client and agent
 * both call this, so a CLI run by the same user finds the agent without reading any config.
 */
public final class SocketLocation {
    public static final Path SYSTEM_SOCKET = Path.of("/run/lvmcoord/agent.sock");

    private SocketLocation() {
    }

    /**
     * Root gets the system socket; other users get a per-user one, in their runtime dir when the
     * session has one (it is private and cleaned at logout), else in /tmp named after them.
     */
    public static Path defaultPath(int uid, String user, Map<String, String> env) {
        if (uid == 0) {
            return SYSTEM_SOCKET;
        }
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank()) {
            return Path.of(runtimeDir, "lvmcoord.sock");
        }
        return Path.of("/tmp", "lvmcoord-" + user + ".sock");
    }

    /** {@link #defaultPath(int, String, Map)} for this process. */
    public static Path defaultPath() {
        return defaultPath(currentUid(), System.getProperty("user.name"), System.getenv());
    }

    /** The effective uid of this process, without native code: the owner of /proc/self. */
    public static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot determine this process's uid from /proc/self", e);
        }
    }
}
