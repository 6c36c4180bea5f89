package io.lvmcoord.scan.nativeio;

import java.nio.charset.StandardCharsets;

/**
 * The name of an AF_UNIX socket as {@code $NOTIFY_SOCKET} spells it: an absolute path, or
 * {@code @name} for a name in the abstract namespace (no file; systemd uses one when the
 * manager runs in a container or a user instance chooses so).
 *
 * <p>{@link #encode()} lays it out as the kernel's {@code struct sockaddr_un}: a 16-bit family
 * (AF_UNIX, host order) then {@code sun_path}. A path is NUL-terminated and the length passed to
 * the kernel covers the terminator. An abstract name starts with a NUL byte instead of '@' and
 * is NOT terminated: every byte up to the given length is part of the name, so a trailing NUL
 * would name a different socket. That is why the length travels with the bytes.
 *
 * @param name     the path, or the abstract name without its '@'
 * @param isAbstract whether {@code name} is in the abstract namespace
 */
public record UnixSocketAddress(String name, boolean isAbstract) {
    static final short AF_UNIX = 1;
    /** sizeof(sun_path) on Linux. */
    static final int SUN_PATH_BYTES = 108;
    /** offsetof(struct sockaddr_un, sun_path): the 16-bit family before it. */
    static final int FAMILY_BYTES = 2;

    public UnixSocketAddress {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("unix socket name is empty");
        }
        if (!isAbstract && !name.startsWith("/")) {
            throw new IllegalArgumentException("unix socket path \"" + name + "\" is not absolute");
        }
        if (!isAbstract && name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("unix socket path \"" + name.replace("\0", "\\0") + "\" contains a NUL byte");
        }
        // Path: its bytes and the terminator; abstract: the leading NUL and its bytes.
        int bytes = name.getBytes(StandardCharsets.UTF_8).length + 1;
        if (bytes > SUN_PATH_BYTES) {
            throw new IllegalArgumentException("unix socket " + (isAbstract ? "name @" : "path ") + name + " is "
                    + (bytes - 1) + " bytes, more than sun_path's " + (SUN_PATH_BYTES - 1));
        }
    }

    /** {@code @name} (abstract) or an absolute path, as systemd's {@code $NOTIFY_SOCKET} holds it. */
    public static UnixSocketAddress parse(String spelled) {
        if (spelled == null || spelled.isEmpty()) {
            throw new IllegalArgumentException("unix socket address is empty");
        }
        return spelled.startsWith("@") ? new UnixSocketAddress(spelled.substring(1), true) : new UnixSocketAddress(spelled, false);
    }

    /** The {@code struct sockaddr_un} bytes, exactly as long as the address length given to the kernel. */
    public byte[] encode() {
        byte[] path = name.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[FAMILY_BYTES + path.length + 1];
        // Little-endian hosts only (x86_64, aarch64): the family is in host order.
        out[0] = (byte) (AF_UNIX & 0xff);
        out[1] = (byte) (AF_UNIX >> 8);
        if (isAbstract) {
            out[FAMILY_BYTES] = 0;
            System.arraycopy(path, 0, out, FAMILY_BYTES + 1, path.length);
        } else {
            System.arraycopy(path, 0, out, FAMILY_BYTES, path.length);
            out[out.length - 1] = 0;
        }
        return out;
    }

    /** The spelling {@link #parse} reads. */
    @Override
    public String toString() {
        return isAbstract ? "@" + name : name;
    }
}
