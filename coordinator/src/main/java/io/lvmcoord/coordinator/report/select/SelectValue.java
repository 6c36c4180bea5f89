package io.lvmcoord.coordinator.report.select;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * One field's value in a row, in the form lvm2 compares it (its "sort value"), not as it is printed.
 * The caller builds one per field the selection names; {@link Selection#fieldIds()} lists them.
 */
public sealed interface SelectValue {

    /** STR fields: the printed string ("" for lvm2's blank/undefined strings). Regexes match it too. */
    record Str(String value) implements SelectValue {
        public Str {
            if (value == null) {
                throw new IllegalArgumentException("string value is null");
            }
        }
    }

    /**
     * NUM, BIN and SNUM fields: a uint64 held in a long's bits. lvm2 stores a signed field (lv_major -1)
     * cast to uint64, and its "undefined"/"unknown" value is UINT64_MAX, i.e. {@link #UNDEFINED}.
     * BIN fields are 0 or 1 (or undefined when lvm2 prints "unknown" / "-1").
     */
    record Num(long bits) implements SelectValue {
        public static final Num UNDEFINED = new Num(-1L);

        public static Num of(boolean set) {
            return new Num(set ? 1 : 0);
        }

        /** A signed value as lvm2 stores it: two's complement, so -1 is {@link #UNDEFINED}. */
        public static Num ofSigned(long value) {
            return new Num(value);
        }
    }

    /**
     * SIZ fields: lvm2 compares sizes as a double count of 512-byte sectors (selection values are
     * converted to sectors too, so "lv_size=1.5k" means 3 sectors). {@link #UNDEFINED} is what lvm2
     * compares for a blank size (its uint64 "undefined" read as a double, a NaN: never equal, never
     * greater or less), {@link #AUTO} the value behind lv_read_ahead "auto" (DBL_MAX).
     */
    record Size(double sectors) implements SelectValue {
        public static final Size UNDEFINED = new Size(Double.longBitsToDouble(-1L));
        public static final Size AUTO = new Size(Double.MAX_VALUE);

        public static Size ofBytes(long bytes) {
            return new Size(bytes / 512.0);
        }

        public static Size ofSectors(long sectors) {
            return new Size(sectors);
        }
    }

    /**
     * PCT fields: lvm2's dm_percent_t (1,000,000 per percent, 100% = 100,000,000) widened to uint64,
     * so a negative value (DM_PERCENT_INVALID, printed blank) is huge and never selected.
     */
    record Percent(long raw) implements SelectValue {
        public static final int PERCENT_1 = 1_000_000;
        public static final int PERCENT_100 = 100 * PERCENT_1;
        public static final Percent INVALID = ofDmPercent(-1);

        public static Percent ofDmPercent(int dmPercent) {
            return new Percent(dmPercent);
        }
    }

    /** STR_LIST fields: the items, kept sorted bytewise as lvm2 keeps its sort value. */
    record StrList(List<String> items) implements SelectValue {
        public StrList {
            items = sortedBytewise(items);
        }

        public static StrList of(String... items) {
            return new StrList(Arrays.asList(items));
        }
    }

    /** TIM fields: seconds since the epoch (0 for "no time", as lvm2 stores lv_time_removed of a live LV). */
    record Time(long epochSeconds) implements SelectValue {
    }

    /** Sorts as strcmp(3) does: by unsigned bytes of the UTF-8 encoding. */
    static List<String> sortedBytewise(Collection<String> items) {
        List<String> sorted = new ArrayList<>(items);
        sorted.sort(SelectValue::compareBytewise);
        return List.copyOf(sorted);
    }

    static int compareBytewise(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
