package io.lvmcoord.coordinator.report.select;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * lvm2's reserved values (lib/report/values.h, 2.03.16), in lvm2's order: the first entry whose name
 * matches wins. A reserved value is a word a selection may use instead of a literal ("undefined" for a
 * number, "rw" for vg_permissions, "yes"/"allocatable" for pv_allocatable, "auto" for lv_read_ahead).
 *
 * <p>Entries lvm2 marks NAMED are only synonyms. The others are "strictly" reserved: a literal equal to
 * one is refused ("Numeric value ... found in selection is reserved"), and a row holding one never
 * passes {@code < <= > >=} (an undefined size is not "less than 1m").
 *
 * <p>Binary fields get two entries each, their words plus "yes" meaning 1 and their words plus "no"
 * meaning 0; since the 1-entry comes first, the bare word ("allocatable") means 1.
 */
public final class ReservedValues {

    /** A reserved value: for one field ({@code fieldId}) or for every field of a kind ({@code typeKind}). */
    public record Entry(String fieldId, FieldType.Kind typeKind, boolean named, List<String> names,
                        Object value, String description) {

        boolean appliesTo(SelectField field) {
            return fieldId != null ? fieldId.equals(field.id()) : typeKind == field.kind();
        }

        /** lv_time/lv_time_removed: no fixed names, any date/time phrase lvm2's fuzzy parser takes. */
        boolean fuzzyTime() {
            return value == FUZZY_TIME;
        }
    }

    static final Object FUZZY_TIME = new Object() {
        @Override
        public String toString() {
            return "fuzzy time";
        }
    };

    private static final List<Entry> ENTRIES = build();

    private ReservedValues() {
    }

    /** All entries in lvm2's order. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    /** The reserved values that apply to one field, in lvm2's order. */
    public static List<Entry> forField(SelectField field) {
        return ENTRIES.stream().filter(e -> e.appliesTo(field)).toList();
    }

    /** The entry a name selects for a field, ignoring the fuzzy time phrases; empty when it is no reserved name. */
    public static Optional<Entry> byName(SelectField field, String name) {
        return ENTRIES.stream()
                .filter(e -> e.appliesTo(field) && e.names().contains(name))
                .findFirst();
    }

    private static List<Entry> build() {
        List<Entry> all = new ArrayList<>();
        all.add(new Entry(null, FieldType.Kind.NUMBER, false, List.of("-1", "unknown", "undefined", "undef"),
                -1L, "Reserved value for undefined numeric value."));

        binary(all, "pv_allocatable", "allocatable");
        binary(all, "pv_exported", "exported");
        binary(all, "pv_missing", "missing");
        binary(all, "pv_in_use", "used", "in use");
        binary(all, "pv_duplicate", "duplicate");

        binary(all, "vg_extendable", "extendable");
        binary(all, "vg_exported", "exported");
        binary(all, "vg_partial", "partial");
        binary(all, "vg_clustered", "clustered");
        binary(all, "vg_shared", "shared");
        named(all, "vg_permissions", "writeable", "writeable", "rw", "read-write");
        named(all, "vg_permissions", "read-only", "read-only", "r", "ro");
        all.add(new Entry("vg_mda_copies", null, false, List.of("unmanaged"), -1L, ""));

        binary(all, "lv_initial_image_sync", "initial image sync", "sync");
        binary(all, "lv_image_synced", "image synced", "synced");
        binary(all, "lv_merging", "merging");
        binary(all, "lv_converting", "converting");
        binary(all, "lv_allocation_locked", "allocation locked", "locked");
        binary(all, "lv_fixed_minor", "fixed minor", "fixed");
        binary(all, "lv_active_locally", "active locally", "active", "locally");
        binary(all, "lv_active_remotely", "active remotely", "active", "remotely");
        binary(all, "lv_active_exclusively", "active exclusively", "active", "exclusively");
        binary(all, "lv_merge_failed", "merge failed", "failed");
        binary(all, "lv_snapshot_invalid", "snapshot invalid", "invalid");
        binary(all, "lv_suspended", "suspended");
        binary(all, "lv_live_table", "live table present", "live table", "live");
        binary(all, "lv_inactive_table", "inactive table present", "inactive table", "inactive");
        binary(all, "lv_device_open", "open");
        binary(all, "lv_skip_activation", "skip activation", "skip");
        binary(all, "zero", "zero");
        binary(all, "lv_check_needed", "check needed", "needed");
        binary(all, "vdo_compression", "enabled");
        binary(all, "vdo_deduplication", "enabled");
        binary(all, "vdo_use_metadata_hints", "enabled");
        binary(all, "vdo_use_sparse_index", "enabled");
        named(all, "lv_permissions", "writeable", "writeable", "rw", "read-write");
        named(all, "lv_permissions", "read-only", "read-only", "r", "ro");
        named(all, "lv_permissions", "read-only-override", "read-only-override", "ro-override", "r-override", "R");
        all.add(new Entry("lv_read_ahead", null, false, List.of("auto"), Double.MAX_VALUE, ""));
        named(all, "lv_when_full", "error", "error", "error when full", "error if no space");
        named(all, "lv_when_full", "queue", "queue", "queue when full", "queue if no space");
        undefinedString(all, "lv_when_full");
        all.add(new Entry("lv_time", null, true, List.of(), FUZZY_TIME, ""));
        all.add(new Entry("lv_time_removed", null, true, List.of(), FUZZY_TIME, ""));

        undefinedString(all, "cache_policy");
        undefinedString(all, "seg_monitor");
        undefinedString(all, "lv_health_status");
        undefinedString(all, "kernel_discards");
        undefinedString(all, "vdo_write_policy");
        return List.copyOf(all);
    }

    private static void binary(List<Entry> all, String fieldId, String... words) {
        List<String> yes = new ArrayList<>(List.of(words));
        yes.add("yes");
        List<String> no = new ArrayList<>(List.of(words));
        no.add("no");
        all.add(new Entry(fieldId, null, true, List.copyOf(yes), 1L, ""));
        all.add(new Entry(fieldId, null, true, List.copyOf(no), 0L, ""));
    }

    private static void named(List<Entry> all, String fieldId, String value, String... names) {
        all.add(new Entry(fieldId, null, true, List.of(names), value, ""));
    }

    /** A blank string that may also be written "undefined"; the blank itself is strictly reserved. */
    private static void undefinedString(List<Entry> all, String fieldId) {
        all.add(new Entry(fieldId, null, false, List.of("", "undefined"), "", ""));
    }
}
