package io.lvmcoord.scan.nativeio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code struct inotify_event}.
 *
 * @param wd     the watch it belongs to; -1 for {@link Inotify#IN_Q_OVERFLOW}
 * @param mask   what happened ({@code Inotify.IN_*} bits)
 * @param cookie ties an {@link Inotify#IN_MOVED_FROM} to its {@link Inotify#IN_MOVED_TO}; 0 otherwise
 * @param name   the entry inside a watched directory, or "" when the event is about the watched
 *               path itself
 */
public record InotifyEvent(int wd, int mask, int cookie, String name) {
    /** wd, mask, cookie, len; the name follows. */
    static final int HEADER_BYTES = 16;

    /**
     * The kernel's queue overflowed and events were lost: whatever the caller derives from
     * events is stale, and only a full rescan makes it right again.
     */
    public boolean overflow() {
        return (mask & Inotify.IN_Q_OVERFLOW) != 0;
    }

    /** The watch is gone (removed, or its path deleted or unmounted); {@code wd} may be reused. */
    public boolean ignored() {
        return (mask & Inotify.IN_IGNORED) != 0;
    }

    public boolean has(int bits) {
        return (mask & bits) != 0;
    }

    /**
     * Parses the events in the first {@code len} bytes of {@code buf}, as read(2) returns them
     * from an inotify fd (native byte order, each name NUL-padded to its {@code len} field). A
     * truncated trailing event is dropped: the kernel only returns whole events, so one can
     * only come from a caller's bad length.
     */
    public static List<InotifyEvent> parse(byte[] buf, int len) {
        List<InotifyEvent> events = new ArrayList<>();
        if (buf == null || len < 0 || len > buf.length) {
            return events;
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len).order(ByteOrder.nativeOrder());
        int at = 0;
        while (len - at >= HEADER_BYTES) {
            int wd = b.getInt(at);
            int mask = b.getInt(at + 4);
            int cookie = b.getInt(at + 8);
            int nameLen = b.getInt(at + 12);
            if (nameLen < 0 || nameLen > len - at - HEADER_BYTES) {
                break;
            }
            int start = at + HEADER_BYTES;
            int end = start;
            while (end < start + nameLen && buf[end] != 0) {
                end++;
            }
            events.add(new InotifyEvent(wd, mask, cookie, new String(buf, start, end - start, StandardCharsets.UTF_8)));
            at = start + nameLen;
        }
        return events;
    }
}
