package io.lvmcoord.coordinator.report;

/** One report value before unit rendering; sizes are rendered per {@link Units}. */
public sealed interface Cell permits Cell.Text, Cell.Size, Cell.Num {

    /** @param sortKey what lvm2 sorts by (an LV's name without the brackets of hidden LVs) */
    record Text(String text, String sortKey) implements Cell {
        public Text(String text) {
            this(text, text);
        }
    }

    record Size(long bytes) implements Cell {
    }

    /** A number; {@code blank} renders as "" (lvm2's undefined value) but still sorts. */
    record Num(long value, boolean blank) implements Cell {
        public Num(long value) {
            this(value, false);
        }
    }

    Text EMPTY = new Text("");

    static Cell text(String s) {
        return new Text(s == null ? "" : s);
    }

    static Cell flag(boolean set, String word) {
        return new Text(set ? word : "");
    }
}
