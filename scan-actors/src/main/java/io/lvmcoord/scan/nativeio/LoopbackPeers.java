package io.lvmcoord.scan.nativeio;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Which local user holds the client end of a loopback TCP connection. TCP carries no credentials,
 * but the kernel's socket tables ({@code /proc/net/tcp}, {@code tcp6}) list every socket with its
 * owner's uid, the way identd answers: the client's socket is the row whose local address is the
 * connection's remote one and whose remote address is ours. Rows print each 32-bit word of an
 * address in host (little-endian) order and the port in hex.
 */
public final class LoopbackPeers {
    private static final Path TCP = Path.of("/proc/net/tcp");
    private static final Path TCP6 = Path.of("/proc/net/tcp6");

    private LoopbackPeers() {
    }

    /** The uid owning {@code client}'s socket connected to {@code server}, or empty when no row names it (it closed). */
    public static OptionalInt uidOf(InetSocketAddress client, InetSocketAddress server) throws IOException {
        OptionalInt v4 = Files.isReadable(TCP) ? uidIn(Files.readString(TCP), client, server) : OptionalInt.empty();
        if (v4.isPresent() || !Files.isReadable(TCP6)) {
            return v4;
        }
        return uidIn(Files.readString(TCP6), client, server);
    }

    /** The same lookup in one table's text (either family: an IPv4 pair also matches its IPv4-mapped IPv6 form). */
    static OptionalInt uidIn(String table, InetSocketAddress client, InetSocketAddress server) {
        String c4 = row(client, false);
        String s4 = row(server, false);
        String c6 = row(client, true);
        String s6 = row(server, true);
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid ...
            if (f.length < 8 || !f[0].endsWith(":")) {
                continue;
            }
            if ((f[1].equals(c4) && f[2].equals(s4)) || (f[1].equals(c6) && f[2].equals(s6))) {
                try {
                    return OptionalInt.of(Integer.parseInt(f[7]));
                } catch (NumberFormatException e) {
                    return OptionalInt.empty();
                }
            }
        }
        return OptionalInt.empty();
    }

    /** ADDR:PORT as the table prints it; {@code six} = the tcp6 form (IPv4 as ::ffff:a.b.c.d). */
    static String row(InetSocketAddress a, boolean six) {
        InetAddress ip = a.getAddress();
        byte[] b = ip.getAddress();
        if (six && ip instanceof Inet4Address) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(b, 0, mapped, 12, 4);
            b = mapped;
        } else if (!six && ip instanceof Inet6Address) {
            b = unmapped(b);
            if (b == null) {
                return "";
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < b.length; w += 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(String.format(Locale.ROOT, "%02X", b[w + i] & 0xff));
            }
        }
        return sb.append(':').append(String.format(Locale.ROOT, "%04X", a.getPort())).toString();
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 one, or null. */
    private static byte[] unmapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return null;
            }
        }
        if ((b[10] & 0xff) != 0xff || (b[11] & 0xff) != 0xff) {
            return null;
        }
        return new byte[]{b[12], b[13], b[14], b[15]};
    }
}
