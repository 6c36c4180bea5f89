package io.lvmcoord.scan.metadata;

import java.util.List;
import java.util.Set;

/**
 * A PV as listed in a VG's metadata ({@code pv0}, {@code pv1}, ... are local names).
 *
 * @param devSize sectors, or -1 when the text has no dev_size
 */
public record PvMetadata(String key, String id, String deviceHint, Set<String> status, Set<String> flags,
                         List<String> tags, long devSize, long peStart, long peCount, long baStart, long baSize,
                         String deviceIdType, String deviceId) {

    public PvMetadata {
        status = Set.copyOf(status);
        flags = Set.copyOf(flags);
        tags = List.copyOf(tags);
    }

    public boolean allocatable() {
        return status.contains("ALLOCATABLE");
    }

    public boolean flaggedMissing() {
        return flags.contains("MISSING");
    }
}
