package io.lvmcoord.coordinator.report.select;

import java.util.List;

/**
 * One "field operator value" comparison, with lvm2's rules for each value kind: doubles compared with
 * DBL_EPSILON tolerance for sizes, percents outside 0..100% never selected, a strictly reserved value
 * on either side never ordered, time ranges for "since"/"until" and friends, and {@code !=} with a
 * time range behaving like {@code =} (libdevmapper's comparison does not negate ranges).
 */
record Condition(SelectField field, int op, Operand operand) {

    private static final int CMP_MASK = Operators.EQUAL | Operators.NOT | Operators.GT | Operators.LT
            | Operators.REGEX | Operators.NUMBER | Operators.TIME;
    private static final double DBL_EPSILON = Math.ulp(1.0);

    /** The value side, already converted to what lvm2 compares. */
    sealed interface Operand {
    }

    record RegexOperand(DmRegex regex) implements Operand {
    }

    record StrOperand(String value) implements Operand {
    }

    record NumOperand(long value) implements Operand {
    }

    record SizeOperand(double sectors) implements Operand {
    }

    /** A selection string list: sorted items, "all must match" or "any", strict [ ] or subset { }. */
    record ListOperand(List<String> items, boolean any, boolean subset) implements Operand {
    }

    record TimeOperand(long t1, long t2, boolean range) implements Operand {
    }

    boolean test(SelectValue value) {
        int cmp = op & CMP_MASK;
        if (operand instanceof RegexOperand r) {
            boolean match = r.regex().matches(as(value, SelectValue.Str.class).value());
            return (op & Operators.NOT) != 0 ? !match : match;
        }
        switch (field.kind()) {
            case PERCENT: {
                long raw = as(value, SelectValue.Percent.class).raw();
                if (Long.compareUnsigned(raw, SelectValue.Percent.PERCENT_100) > 0) {
                    return false;
                }
                return compareNumber(cmp, raw, ((NumOperand) operand).value());
            }
            case NUMBER:
                return compareNumber(cmp, as(value, SelectValue.Num.class).bits(), ((NumOperand) operand).value());
            case SIZE:
                return compareSize(cmp, as(value, SelectValue.Size.class).sectors(), ((SizeOperand) operand).sectors());
            case STRING: {
                boolean equal = as(value, SelectValue.Str.class).value().equals(((StrOperand) operand).value());
                return cmp == Operators.EQUAL ? equal : cmp == (Operators.NOT | Operators.EQUAL) && !equal;
            }
            case STRING_LIST: {
                boolean r = compareList(as(value, SelectValue.StrList.class).items(), (ListOperand) operand);
                return (op & Operators.NOT) != 0 ? !r : r;
            }
            case TIME:
                return compareTime(cmp, as(value, SelectValue.Time.class).epochSeconds(), (TimeOperand) operand);
            default:
                throw new IllegalStateException("no comparison for " + field);
        }
    }

    private <T extends SelectValue> T as(SelectValue value, Class<T> type) {
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException("field " + field.id() + " (" + field.type() + ") needs a "
                    + type.getSimpleName() + " value, the row gave " + value);
        }
        return type.cast(value);
    }

    private boolean compareNumber(int cmp, long val, long sel) {
        if (cmp == Operators.EQUAL) {
            return val == sel;
        }
        if (cmp == (Operators.NOT | Operators.EQUAL)) {
            return val != sel;
        }
        if (cmp != (cmp & (Operators.NUMBER | Operators.GT | Operators.LT | Operators.EQUAL))
                || (cmp & Operators.NUMBER) == 0 || numberReserved(val, sel)) {
            return false;
        }
        int c = Long.compareUnsigned(val, sel);
        return switch (cmp & ~Operators.NUMBER) {
            case Operators.GT -> c > 0;
            case Operators.GT | Operators.EQUAL -> c >= 0;
            case Operators.LT -> c < 0;
            case Operators.LT | Operators.EQUAL -> c <= 0;
            default -> false;
        };
    }

    /** lvm2 never orders a strictly reserved number, whether it is the row's or the selection's. */
    private boolean numberReserved(long val, long sel) {
        for (ReservedValues.Entry e : ReservedValues.forField(field)) {
            if (!e.named() && e.value() instanceof Long reserved && (val == reserved || sel == reserved)) {
                return true;
            }
        }
        return false;
    }

    private boolean compareSize(int cmp, double val, double sel) {
        if (cmp == Operators.EQUAL) {
            return equal(val, sel);
        }
        if (cmp == (Operators.NOT | Operators.EQUAL)) {
            return !equal(val, sel);
        }
        if (cmp != (cmp & (Operators.NUMBER | Operators.GT | Operators.LT | Operators.EQUAL))
                || (cmp & Operators.NUMBER) == 0 || sizeReserved(val, sel)) {
            return false;
        }
        boolean greater = val > sel && !equal(val, sel);
        boolean less = val < sel && !equal(val, sel);
        return switch (cmp & ~Operators.NUMBER) {
            case Operators.GT -> greater;
            case Operators.GT | Operators.EQUAL -> greater || equal(val, sel);
            case Operators.LT -> less;
            case Operators.LT | Operators.EQUAL -> less || equal(val, sel);
            default -> false;
        };
    }

    private static boolean equal(double a, double b) {
        return Math.abs(a - b) < DBL_EPSILON;
    }

    private boolean sizeReserved(double val, double sel) {
        for (ReservedValues.Entry e : ReservedValues.forField(field)) {
            if (!e.named() && e.value() instanceof Double reserved && (equal(val, reserved) || equal(sel, reserved))) {
                return true;
            }
        }
        return false;
    }

    private static boolean compareTime(int cmp, long val, TimeOperand t) {
        boolean range = t.range();
        return switch (cmp) {
            case Operators.EQUAL, Operators.NOT | Operators.EQUAL ->
                    range ? val >= t.t1() && val <= t.t2() : (cmp == Operators.EQUAL) == (val == t.t1());
            case Operators.TIME | Operators.GT -> range ? val > t.t2() : val > t.t1();
            case Operators.TIME | Operators.GT | Operators.EQUAL -> val >= t.t1();
            case Operators.TIME | Operators.LT -> val < t.t1();
            case Operators.TIME | Operators.LT | Operators.EQUAL -> range ? val <= t.t2() : val <= t.t1();
            default -> false;
        };
    }

    private static boolean compareList(List<String> value, ListOperand sel) {
        List<String> items = sel.items();
        if (value.isEmpty()) {
            if (sel.any()) {
                return items.contains("");
            }
            return items.size() == 1 && items.get(0).isEmpty();
        }
        if (sel.any()) {
            return items.stream().anyMatch(value::contains);
        }
        if (!sel.subset()) {
            return value.equals(items);
        }
        // lvm2's subset walk resumes at the last match, so a repeated item may match the same element.
        int lastFound = 0;
        boolean found = false;
        for (String item : items) {
            found = false;
            for (int i = lastFound; i < value.size(); i++) {
                if (value.get(i).equals(item)) {
                    lastFound = i;
                    found = true;
                }
            }
            if (!found) {
                break;
            }
        }
        return found;
    }
}
