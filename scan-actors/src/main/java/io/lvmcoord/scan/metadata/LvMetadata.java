package io.lvmcoord.scan.metadata;

import java.util.List;
import java.util.Set;

/**
 * An LV section of VG metadata, with its segments in order.
 *
 * @param creationTime seconds since the epoch as lvm2 wrote it (any long: lvm2 prints far past
 *                     java.time's years), or 0 ("no time", printed empty) when absent
 */
public record LvMetadata(String name, String id, Set<String> status, Set<String> flags, List<String> tags,
                         long creationTime, String creationHost, String allocationPolicy, String profile,
                         long readAhead, long major, long minor, String lockArgs, List<Segment> segments,
                         ConfigSection raw) {

    public LvMetadata {
        status = Set.copyOf(status);
        flags = Set.copyOf(flags);
        tags = List.copyOf(tags);
        segments = List.copyOf(segments);
    }

    public boolean visible() {
        return status.contains("VISIBLE");
    }

    /** Total logical extents (sum of segment extent counts). */
    public long extents() {
        long n = 0;
        for (Segment s : segments) {
            n += s.extentCount();
        }
        return n;
    }

    public Segment firstSegment() {
        return segments.isEmpty() ? null : segments.get(0);
    }
}
