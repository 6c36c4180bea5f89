package io.lvmcoord.coordinator.report.select;

/**
 * lvm2's report field types as lvm2-fields.txt spells them, and the comparison kind libdevmapper
 * uses for each: BIN and SNUM fields are plain numbers to selection (lvm2 registers them as
 * DM_REPORT_FIELD_TYPE_NUMBER), so they share the number grammar and the "undefined" reserved value.
 */
public enum FieldType {
    STR(Kind.STRING),
    NUM(Kind.NUMBER),
    SNUM(Kind.NUMBER),
    BIN(Kind.NUMBER),
    SIZ(Kind.SIZE),
    PCT(Kind.PERCENT),
    STR_LIST(Kind.STRING_LIST),
    TIM(Kind.TIME);

    private final Kind kind;

    FieldType(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The value kinds selection compares; {@link #displayName} is what lvm2's help prints in brackets. */
    public enum Kind {
        STRING("string"),
        NUMBER("number"),
        SIZE("size"),
        PERCENT("percent"),
        STRING_LIST("string list"),
        TIME("time");

        private final String displayName;

        Kind(String displayName) {
            this.displayName = displayName;
        }

        public String displayName() {
            return displayName;
        }
    }
}
