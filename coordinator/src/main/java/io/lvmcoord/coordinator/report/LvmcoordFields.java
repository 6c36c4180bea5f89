package io.lvmcoord.coordinator.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Fields lvmcoord adds to lvm2's, about the cluster, which no lvm2 has. They are not in lvm2's
 * field table, so {@code -o all}, {@code lv_all} and {@code -o help} stay exactly lvm2's (tools
 * parse those, and a column lvm2 never prints would break a byte-for-byte comparison); they are
 * selected by name only ({@code -o +lv_active_hosts}), and selection ({@code -S}) does not know
 * them, as it knows only lvm2's fields. The README lists them.
 */
final class LvmcoordFields {

    /**
     * {@code lv_active_hosts}: the hosts where the LV is active, sorted, comma-separated like
     * lvm2's string lists (an array in json_std). Computed from the VG's activation map.
     */
    static final String LV_ACTIVE_HOSTS = "lv_active_hosts";

    private LvmcoordFields() {
    }

    static Map<String, FieldDef> define(Fields.ActiveHosts activeHosts) {
        Map<String, FieldDef> out = new LinkedHashMap<>();
        out.put(LV_ACTIVE_HOSTS, new FieldDef(LV_ACTIVE_HOSTS, ReportType.LV, "STR_LIST", "ActHosts", 8,
                r -> Cell.text(String.join(",", activeHosts.of(r.vg().metadata().id(), r.lv().id())))));
        return out;
    }

    /** The field named {@code name}, compared as libdevmapper compares (no underscores, any case, the report's prefix optional). */
    static Optional<FieldDef> resolve(Map<String, FieldDef> fields, String name, String prefix) {
        String canon = name.replace("_", "");
        String p = prefix.replace("_", "");
        for (FieldDef f : fields.values()) {
            String cid = f.id().replace("_", "");
            if (cid.equalsIgnoreCase(canon) || (cid.regionMatches(true, 0, p, 0, p.length()) && cid.substring(p.length()).equalsIgnoreCase(canon))) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
