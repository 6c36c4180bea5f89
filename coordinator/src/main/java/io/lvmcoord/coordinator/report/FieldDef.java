package io.lvmcoord.coordinator.report;

import java.util.function.Function;

/**
 * A report column: lvm2's id, heading, value type and minimum width, plus how we compute it.
 *
 * @param scope which object the field describes: PV (including lvm2's LABEL fields), VG, LV or SEG
 * @param type  lvm2's value type (STR, NUM, SIZ, ...); numbers and sizes are right-aligned
 */
public record FieldDef(String id, ReportType scope, String type, String heading, int width, Function<Row, Cell> value) {

    /**
     * lvm2 right-aligns what libdm types as a number or a size: NUM, SNUM and BIN (a number to
     * libdm, also when it prints a word) and SIZ; PCT is a type of its own and left-aligned.
     */
    public boolean rightAligned() {
        return type.equals("NUM") || type.equals("SIZ") || type.equals("SNUM") || type.equals("BIN");
    }
}
