package io.lvmcoord.scan.nativeio;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One kernel uevent from the NETLINK_KOBJECT_UEVENT socket ({@link UeventSocket}), or the marker
 * that events were dropped ({@link #overflow()}).
 *
 * @param action    add, remove, change, move, online, offline, bind or unbind
 * @param devpath   the device under /sys, e.g. /devices/virtual/block/loop0
 * @param subsystem e.g. block; null if the kernel sent none
 * @param devname   the node under /dev, e.g. loop0 or dm-3; null for events without a node
 * @param devtype   e.g. disk or partition; null if absent
 * @param major     device major number, -1 if absent
 * @param minor     device minor number, -1 if absent
 * @param seqnum    the kernel's event sequence number, -1 if absent; gaps mean lost events
 * @param env       every KEY=VALUE the kernel sent, in order
 */
public record Uevent(String action, String devpath, String subsystem, String devname, String devtype, int major,
                     int minor, long seqnum, Map<String, String> env) {

    /**
     * Action of the {@link #overflowMarker()}: not one the kernel uses. The socket's receive buffer
     * overran (ENOBUFS) and events were lost, so the caller must rescan.
     */
    public static final String ACTION_OVERFLOW = "overflow";
    private static final String UDEV_PREFIX = "libudev";
    private static final Uevent OVERFLOW = new Uevent(ACTION_OVERFLOW, "", null, null, null, -1, -1, -1, Map.of());

    public Uevent {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /** The event that stands for "the kernel dropped events here". */
    public static Uevent overflowMarker() {
        return OVERFLOW;
    }

    public boolean overflow() {
        return ACTION_OVERFLOW.equals(action) && devpath.isEmpty();
    }

    /**
     * Parses one netlink datagram: {@code ACTION@DEVPATH\0KEY=VALUE\0...}. Returns empty for
     * anything else: udev's re-broadcasts (which start with "libudev" and are binary), a header
     * without '@', an empty action or devpath, or bad bounds. Never throws: the bytes come from
     * outside the JVM. Numbers that do not parse read as -1; entries without '=' are skipped.
     */
    public static Optional<Uevent> parse(byte[] buf, int len) {
        if (buf == null || len <= 0 || len > buf.length) {
            return Optional.empty();
        }
        int headerEnd = indexOfNul(buf, 0, len);
        String header = new String(buf, 0, headerEnd, StandardCharsets.UTF_8);
        if (header.startsWith(UDEV_PREFIX)) {
            return Optional.empty();
        }
        int at = header.indexOf('@');
        if (at <= 0 || at == header.length() - 1) {
            return Optional.empty();
        }
        Map<String, String> env = new LinkedHashMap<>();
        int start = headerEnd + 1;
        while (start < len) {
            int end = indexOfNul(buf, start, len);
            String entry = new String(buf, start, end - start, StandardCharsets.UTF_8);
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
            start = end + 1;
        }
        return Optional.of(new Uevent(header.substring(0, at), header.substring(at + 1), env.get("SUBSYSTEM"),
                env.get("DEVNAME"), env.get("DEVTYPE"), intNumber(env.get("MAJOR")), intNumber(env.get("MINOR")),
                number(env.get("SEQNUM")), env));
    }

    private static int indexOfNul(byte[] buf, int from, int len) {
        int i = from;
        while (i < len && buf[i] != 0) {
            i++;
        }
        return i;
    }

    private static int intNumber(String s) {
        long v = number(s);
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    private static long number(String s) {
        if (s == null) {
            return -1;
        }
        try {
            long v = Long.parseLong(s.trim());
            return v < 0 ? -1 : v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
