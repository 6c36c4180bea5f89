package io.lvmcoord.scan.metadata;

/** Where a segment's data lives: extents of a PV, or a sub-LV. */
public sealed interface SegmentArea permits SegmentArea.OnPv, SegmentArea.OnLv {

    /** @param pvKey the VG-local PV name ({@code pv0}) */
    record OnPv(String pvKey, long startExtent) implements SegmentArea {
    }

    record OnLv(String lvName, long startExtent) implements SegmentArea {
    }
}
