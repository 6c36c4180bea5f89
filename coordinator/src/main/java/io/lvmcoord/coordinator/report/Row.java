package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.Segment;

/**
 * What a report line is about; fields read the parts they need and find null where none applies.
 *
 * @param pvseg a PV segment ({@code pvs --segments}): allocated to {@code lv}/{@code seg}, or free when those are null
 */
public record Row(PvEntry pv, VgView vg, LvRelations relations, LvMetadata lv, Segment seg, PvSeg pvseg) {

    /** A run of a PV's extents: {@code start} and {@code size} in physical extents. */
    public record PvSeg(long start, long size) {
    }

    public Row(PvEntry pv, VgView vg, LvRelations relations, LvMetadata lv, Segment seg) {
        this(pv, vg, relations, lv, seg, null);
    }
}
