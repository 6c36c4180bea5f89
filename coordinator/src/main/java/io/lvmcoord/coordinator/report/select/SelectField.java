package io.lvmcoord.coordinator.report.select;

/**
 * A field a selection may name, as the caller's {@link FieldResolver} resolves it.
 *
 * @param id         the field's canonical lvm2 id (lv_size); row values are looked up by it and the
 *                   reserved values in {@link ReservedValues} are keyed by it
 * @param type       lvm2's type for the field
 * @param comparable false for libdevmapper's implicit "help"/"?" fields, which lvm2 refuses in a
 *                   selection ("Selection field is uncomparable")
 */
public record SelectField(String id, FieldType type, boolean comparable) {

    public static SelectField of(String id, FieldType type) {
        return new SelectField(id, type, true);
    }

    FieldType.Kind kind() {
        return type.kind();
    }
}
