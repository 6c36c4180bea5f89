package io.lvmcoord.scan.metadata;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One VG as its metadata text describes it. Sizes keep the text's units (sectors for
 * extent_size, extents for counts). {@code raw} is the whole parsed VG section, so keys this
 * model does not name are never lost.
 */
public record VgMetadata(String name, String id, long seqno, String format, Set<String> status, Set<String> flags,
                         List<String> tags, String systemId, String lockType, String lockArgs, long extentSize,
                         long maxLv, long maxPv, String allocationPolicy, String profile, long metadataCopies,
                         List<PvMetadata> pvs, List<LvMetadata> lvs, String creationHost, long creationTime,
                         ConfigSection raw) {

    public VgMetadata {
        status = Set.copyOf(status);
        flags = Set.copyOf(flags);
        tags = List.copyOf(tags);
        pvs = List.copyOf(pvs);
        lvs = List.copyOf(lvs);
    }

    public Optional<PvMetadata> pv(String key) {
        return pvs.stream().filter(p -> p.key().equals(key)).findFirst();
    }

    public Optional<LvMetadata> lv(String lvName) {
        return lvs.stream().filter(l -> l.name().equals(lvName)).findFirst();
    }

    public boolean exported() {
        return status.contains("EXPORTED");
    }

    public boolean writeable() {
        return status.contains("WRITE");
    }

    public boolean resizeable() {
        return status.contains("RESIZEABLE");
    }

    public boolean clustered() {
        return status.contains("CLUSTERED");
    }

    public boolean shared() {
        return status.contains("SHARED") || (lockType != null && !lockType.isEmpty() && !"none".equals(lockType));
    }
}
