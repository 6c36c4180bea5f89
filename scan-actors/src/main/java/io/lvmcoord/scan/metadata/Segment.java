package io.lvmcoord.scan.metadata;

import java.util.List;
import java.util.Optional;

/**
 * One segment of an LV. {@code type} is the base segment type ({@code striped}, {@code raid1},
 * {@code cache-pool}, ...), {@code typeFlags} the {@code +FLAG} suffixes. {@code areas} are the
 * data areas in order (PV extents for striped, sub-LVs for mirror/raid/pools);
 * {@code metaAreas} are raid's rmeta sub-LVs. Every key, modelled or not, stays in {@code raw}.
 *
 * @param stripeSize sectors (0 when not striped)
 * @param regionSize sectors
 * @param chunkSize  sectors
 */
public record Segment(long startExtent, long extentCount, String type, List<String> typeFlags, long stripeSize,
                      long regionSize, long chunkSize, List<SegmentArea> areas, List<String> metaAreas,
                      List<String> tags, ConfigSection raw) {

    public Segment {
        typeFlags = List.copyOf(typeFlags);
        areas = List.copyOf(areas);
        metaAreas = List.copyOf(metaAreas);
        tags = List.copyOf(tags);
    }

    /** A string-valued key of the segment section, e.g. {@code origin} or {@code cache_pool}. */
    public Optional<String> string(String key) {
        return raw.string(key);
    }

    public Optional<Long> number(String key) {
        return raw.number(key);
    }
}
