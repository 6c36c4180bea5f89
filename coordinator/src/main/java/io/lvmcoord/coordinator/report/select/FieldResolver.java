package io.lvmcoord.coordinator.report.select;

import java.util.Optional;

/**
 * Resolves a field name as the user typed it in a selection (the run of letters, digits, '_' and '-'
 * after optional blanks) to a field, applying lvm2's name rules: underscores ignored, case ignored,
 * and the report's prefix ("lv_", "vg_", "pv_", "seg_", "pvseg_") optional. Empty means lvm2 would say
 * "Unrecognised selection field". libdevmapper's implicit fields come first in lvm2's lookup: "selected"
 * (a NUM that is 1 on every row at selection time) and "help"/"?" (uncomparable).
 */
@FunctionalInterface
public interface FieldResolver {
    Optional<SelectField> resolve(String typedName);
}
