package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.Segment;

/** What a report line is about; fields read the parts they need and find null where none applies. */
public record Row(PvEntry pv, VgView vg, LvRelations relations, LvMetadata lv, Segment seg) {
}
