package io.lvmcoord.coordinator.report;

import java.util.List;

/** The reports, with lvm2's JSON key, default columns and default sort keys. */
public enum ReportType {
    PV("pv", List.of("pv_name", "vg_name", "pv_fmt", "pv_attr", "pv_size", "pv_free"), List.of("pv_name")),
    VG("vg", List.of("vg_name", "pv_count", "lv_count", "snap_count", "vg_attr", "vg_size", "vg_free"), List.of("vg_name")),
    LV("lv", List.of("lv_name", "vg_name", "lv_attr", "lv_size", "pool_lv", "origin", "data_percent", "metadata_percent",
            "move_pv", "mirror_log", "copy_percent", "convert_lv"), List.of("vg_name", "lv_name")),
    SEG("seg", List.of("lv_name", "vg_name", "lv_attr", "stripes", "segtype", "seg_size"), List.of("vg_name", "lv_name", "seg_start")),
    /** pvs --segments: a PV's segments, allocated and free. */
    PVSEG("pvseg", List.of("pv_name", "vg_name", "pv_fmt", "pv_attr", "pv_size", "pv_free", "pvseg_start", "pvseg_size"),
            List.of("pv_name", "pvseg_start"));

    private final String jsonKey;
    private final List<String> defaultFields;
    private final List<String> sortKeys;

    ReportType(String jsonKey, List<String> defaultFields, List<String> sortKeys) {
        this.jsonKey = jsonKey;
        this.defaultFields = defaultFields;
        this.sortKeys = sortKeys;
    }

    public String jsonKey() {
        return jsonKey;
    }

    public List<String> defaultFields() {
        return defaultFields;
    }

    public List<String> sortKeys() {
        return sortKeys;
    }
}
