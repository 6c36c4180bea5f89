package io.lvmcoord.coordinator.report.select;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * libdevmapper's selection parser, position for position: lvm2's error messages quote the rest of the
 * expression from where a rule failed, so we keep its cursor discipline (which rules skip blanks, which
 * quote from before or after them) rather than tokenising first.
 *
 * <p>Every value goes through the reserved-value lookup first (so a quoted value with no closing quote
 * reports "Missing end quote." there and again in its type's own reader), then the reader of the field's
 * type. Errors accumulate in {@link #errors} in lvm2's order; the first failing rule stops the parse.
 */
final class SelectionParser {
    private static final String SYNTAX_ERROR_AT = "Selection syntax error at '%s'.";
    private static final String HELP_HINT = "Use 'help' for selection to get more help.";
    private static final String OUT_OF_RANGE = "Field selection value %s out of supported range for field %s.";
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final String in;
    private final FieldResolver resolver;
    private final Instant now;
    private final ZoneId zone;
    private final List<String> errors = new ArrayList<>();
    private boolean listsFields;
    /** Where the last rule stopped (libdevmapper's "next" out-parameter). */
    private int next;

    SelectionParser(String in, FieldResolver resolver, Instant now, ZoneId zone) {
        this.in = in;
        this.resolver = resolver;
        this.now = now;
        this.zone = zone;
    }

    SelectionResult parse() {
        Selection.Node root = orExpression(0);
        if (root != null) {
            int rest = skipSpace(next);
            if (rest < in.length()) {
                errors.add("Expecting logical operator");
                errors.add(String.format(SYNTAX_ERROR_AT, in.substring(rest)));
                errors.add(HELP_HINT);
                root = null;
            }
        }
        if (root == null) {
            return new SelectionResult.Invalid(new SelectionError(in, listsFields, errors));
        }
        return new SelectionResult.Compiled(Selection.of(root));
    }

    // ---------------------------------------------------------------- characters and operators

    private char at(int i) {
        return i < in.length() ? in.charAt(i) : '\0';
    }

    private int skipSpace(int i) {
        while (i < in.length() && SelectionTime.isSpace(in.charAt(i))) {
            i++;
        }
        return i;
    }

    private String rest(int i) {
        return i < in.length() ? in.substring(i) : "";
    }

    /** An operator match: its flags and the position after it. */
    private record Op(int flags, int end) {
    }

    /** The logical operator at i (after blanks) among {@code expect}; null when none. */
    private Op logical(int i, int expect) {
        i = skipSpace(i);
        for (Operators.Logical op : Operators.LOGICAL) {
            if ((op.flags() & expect) != 0 && in.startsWith(op.text(), i)) {
                return new Op(op.flags(), i + op.text().length());
            }
        }
        return null;
    }

    private Op comparison(int i) {
        i = skipSpace(i);
        for (Operators.Comparison op : Operators.COMPARISONS) {
            if (in.startsWith(op.text(), i)) {
                return new Op(op.flags(), i + op.text().length());
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- expressions

    private Selection.Node orExpression(int s) {
        List<Selection.Node> members = new ArrayList<>();
        int i = s;
        while (true) {
            Selection.Node n = andExpression(i);
            if (n == null) {
                return null;
            }
            members.add(n);
            Op or = logical(next, Operators.OR);
            if (or == null) {
                return members.size() == 1 ? members.get(0) : new Selection.Group(false, members, false);
            }
            i = or.end();
        }
    }

    private Selection.Node andExpression(int s) {
        List<Selection.Node> members = new ArrayList<>();
        int i = s;
        while (true) {
            Selection.Node n = expression(i);
            if (n == null) {
                return null;
            }
            members.add(n);
            Op and = logical(next, Operators.AND);
            if (and == null) {
                return members.size() == 1 ? members.get(0) : new Selection.Group(true, members, false);
            }
            i = and.end();
        }
    }

    private Selection.Node expression(int s) {
        Op op = logical(s, Operators.MODIFIER_NOT | Operators.PAREN_START);
        if (op != null && op.flags() == Operators.MODIFIER_NOT) {
            Op open = logical(op.end(), Operators.PAREN_START);
            if (open == null) {
                errors.add("Syntax error: left parenthesis expected at '" + rest(op.end()) + "'");
                return null;
            }
            Selection.Node n = orExpression(open.end());
            if (n == null) {
                return null;
            }
            Op close = logical(next, Operators.PAREN_END);
            if (close == null) {
                errors.add("Syntax error: right parenthesis expected at '" + rest(next) + "'");
                return null;
            }
            next = close.end();
            // libdevmapper sets a NOT flag: "!(!(x))" is still "!(x)".
            return n.negated();
        }
        if (op != null) {
            Selection.Node n = orExpression(op.end());
            if (n == null) {
                return null;
            }
            Op close = logical(next, Operators.PAREN_END);
            if (close == null) {
                errors.add("Syntax error: right parenthesis expected at '" + rest(skipSpace(next)) + "'");
                return null;
            }
            next = close.end();
            return n;
        }
        return item(skipSpace(s));
    }

    // ---------------------------------------------------------------- field op value

    private Selection.Node item(int s) {
        int ws = s;
        int we = ws;
        while (we < in.length() && isFieldNameChar(in.charAt(we))) {
            we++;
        }
        if (we == ws) {
            errors.add("Expecting field name");
            return syntaxError(s);
        }
        String name = in.substring(ws, we);
        Optional<SelectField> resolved = resolver.resolve(name);
        if (resolved.isEmpty()) {
            listsFields = true;
            errors.add("Unrecognised selection field: " + name);
            return syntaxError(s);
        }
        SelectField field = resolved.get();
        if (!field.comparable()) {
            listsFields = true;
            errors.add("Selection field is uncomparable: " + name + ".");
            return syntaxError(s);
        }
        Op op = comparison(we);
        if (op == null) {
            errors.addAll(SelectionHelp.lines());
            errors.add("Unrecognised comparison operator: " + rest(we));
            return syntaxError(s);
        }
        int flags = op.flags();
        Value value;
        if ((flags & Operators.REGEX) != 0) {
            value = regexValue(field, op.end(), flags);
        } else {
            FieldType.Kind kind = field.kind();
            if ((flags & Operators.NUMBER) != 0) {
                if (kind == FieldType.Kind.STRING || kind == FieldType.Kind.STRING_LIST) {
                    errors.addAll(SelectionHelp.lines());
                    errors.add("Operator can be used only with number, size, time or percent fields: " + rest(ws));
                    return syntaxError(s);
                }
            } else if ((flags & Operators.TIME) != 0 && kind != FieldType.Kind.TIME) {
                errors.addAll(SelectionHelp.lines());
                errors.add("Operator can be used only with time fields: " + rest(ws));
                return syntaxError(s);
            }
            value = typedValue(field, op.end(), flags);
        }
        if (value == null) {
            return syntaxError(s);
        }
        next = skipSpace(value.end());
        Condition condition = condition(field, value);
        return condition == null ? null : new Selection.Item(condition, false);
    }

    private static boolean isFieldNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || SelectionTime.isDigit(c) || c == '_' || c == '-';
    }

    private Selection.Node syntaxError(int s) {
        errors.add(String.format(SYNTAX_ERROR_AT, rest(s)));
        errors.add(HELP_HINT);
        return null;
    }

    /**
     * A value as read: its text (begin..end of the token), where parsing goes on, the comparison flags
     * as adjusted for the field's type, and what the type's reader produced besides the text.
     */
    private record Value(String text, int end, int flags, ReservedValues.Entry reserved, long unitFactor, Condition.ListOperand list, SelectionTime.TimeValue time) {
    }

    /** A token: [begin, end) and where to go on. */
    private record Token(int begin, int end, int next) {
        String text(String in) {
            return in.substring(begin, end);
        }
    }

    private static char quote(char c) {
        return c == '"' || c == '\'' ? c : 0;
    }

    /**
     * A string token: up to the closing quote when quoted, else up to a blank or one of the
     * {@code stop} logical operators (blanks before the operator included).
     */
    private Token string(int s, char endChar, int stop) {
        int begin = s;
        if (endChar != 0) {
            while (s < in.length() && in.charAt(s) != endChar) {
                s++;
            }
            if (s >= in.length()) {
                errors.add("Missing end quote.");
                return null;
            }
            return new Token(begin, s, s + 1);
        }
        while (s < in.length()) {
            if (logical(s, stop) != null || in.charAt(s) == ' ') {
                break;
            }
            s++;
        }
        return new Token(begin, s, s);
    }

    private static final int VALUE_STOP = Operators.AND | Operators.OR | Operators.PAREN_END;

    private Value regexValue(SelectField field, int s, int flags) {
        s = skipSpace(s);
        if (s >= in.length()) {
            errors.add("Regular expression expected for selection field " + field.id());
            return null;
        }
        char c = switch (in.charAt(s)) {
            case '(' -> ')';
            case '{' -> '}';
            case '[' -> ']';
            case '"', '\'' -> in.charAt(s);
            default -> 0;
        };
        Token t = string(c != 0 ? s + 1 : s, c, VALUE_STOP);
        if (t == null) {
            errors.add("Failed to parse regex value for selection field " + field.id() + ".");
            return null;
        }
        return new Value(t.text(in), t.next(), flags, null, 0, null, null);
    }

    private Value typedValue(SelectField field, int s, int flags) {
        s = skipSpace(s);
        Value reserved = reservedValue(field, s, flags);
        if (reserved != null) {
            return reserved;
        }
        FieldType.Kind kind = field.kind();
        switch (kind) {
            case STRING: {
                char q = quote(at(s));
                Token t = string(q != 0 ? s + 1 : s, q, VALUE_STOP);
                if (t == null) {
                    errors.add("Failed to parse string value for selection field " + field.id() + ".");
                    return null;
                }
                return new Value(t.text(in), t.next(), flags, null, 0, null, null);
            }
            case STRING_LIST: {
                ListRead read = stringList(field, s);
                if (read.list() == null) {
                    errors.add("Failed to parse string list value for selection field " + field.id() + ".");
                    return null;
                }
                return new Value(in.substring(s, read.end()), read.end(), flags, null, 0, read.list(), null);
            }
            case NUMBER, SIZE, PERCENT: {
                Token t = number(s);
                if (t == null) {
                    errors.add("Failed to parse numeric value for selection field " + field.id() + ".");
                    return null;
                }
                int end = t.end();
                long factor = 0;
                if (at(end) == '%') {
                    end++;
                    if (kind != FieldType.Kind.PERCENT) {
                        errors.add("Found percent value but " + (kind == FieldType.Kind.NUMBER ? "numeric" : "size")
                                + " value expected for selection field " + field.id() + ".");
                        return null;
                    }
                } else {
                    factor = unitFactor(at(end));
                    if (factor != 0) {
                        end++;
                        if (kind != FieldType.Kind.SIZE) {
                            errors.add("Found size unit specifier but "
                                    + (kind == FieldType.Kind.NUMBER ? "numeric" : "percent")
                                    + " value expected for selection field " + field.id() + ".");
                            return null;
                        }
                    } else if (kind == FieldType.Kind.SIZE) {
                        factor = 1024 * 1024;
                    }
                }
                return new Value(t.text(in), end, flags & ~Operators.TIME, null, factor, null, null);
            }
            case TIME: {
                TimeRead read = timeValue(field, s);
                if (read == null) {
                    errors.add("Failed to parse time value for selection field " + field.id() + ".");
                    return null;
                }
                return new Value(read.text(), read.end(), flags & ~Operators.NUMBER, null, 0, null, read.value());
            }
            default:
                throw new IllegalStateException("unknown kind " + kind);
        }
    }

    /** A reserved word at s for this field, or null (after a "Missing end quote." if it is unterminated). */
    private Value reservedValue(SelectField field, int s, int flags) {
        char q = quote(at(s));
        Token t = string(q != 0 ? s + 1 : s, q, VALUE_STOP);
        if (t == null) {
            return null;
        }
        String token = t.text(in);
        for (ReservedValues.Entry e : ReservedValues.forField(field)) {
            String name = null;
            SelectionTime.TimeValue fuzzy = null;
            if (e.names().contains(token)) {
                name = token;
            } else if (e.fuzzyTime()) {
                fuzzy = SelectionTime.parseFuzzy(fuzzyBuffer(token, t.end()), now, zone, errors);
                name = fuzzy == null ? null : token;
            }
            if (name != null) {
                int adjusted = flags;
                if (field.kind() == FieldType.Kind.TIME) {
                    adjusted &= ~Operators.NUMBER;
                } else if (field.kind() == FieldType.Kind.NUMBER) {
                    adjusted &= ~Operators.TIME;
                }
                return new Value(token, t.next(), adjusted, e, 0, null, fuzzy);
            }
        }
        return null;
    }

    /**
     * lvm2 hands its fuzzy time parser the phrase with its terminator overwritten by a NUL, in place in
     * the selection string; the parser can read past that NUL into the rest of the selection.
     */
    private char[] fuzzyBuffer(String token, int terminator) {
        String after = terminator + 1 < in.length() ? in.substring(terminator + 1) : "";
        return (token + '\0' + after + '\0').toCharArray();
    }

    /** Digits with at most one '.' (also "." alone, which reads as 0). */
    private Token number(int s) {
        int i = s;
        boolean dot = false;
        while (true) {
            char c = at(i);
            if (!dot && c == '.') {
                dot = true;
            } else if (!SelectionTime.isDigit(c)) {
                break;
            }
            i++;
        }
        return i == s ? null : new Token(s, i, i);
    }

    /** libdevmapper's unit letters; 'h'/'r' (human, rounded) count as a factor of 1. 0 when none. */
    private static long unitFactor(char c) {
        return switch (c) {
            case 'h', 'H', 'r', 'R', 'b', 'B' -> 1L;
            case 's', 'S' -> 512L;
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            case 't' -> 1L << 40;
            case 'p' -> 1L << 50;
            case 'e' -> 1L << 60;
            case 'K' -> 1000L;
            case 'M' -> 1000_000L;
            case 'G' -> 1000_000_000L;
            case 'T' -> 1000_000_000_000L;
            case 'P' -> 1000_000_000_000_000L;
            case 'E' -> 1000_000_000_000_000_000L;
            default -> 0L;
        };
    }

    private record ListRead(Condition.ListOperand list, int end) {
    }

    private ListRead stringList(SelectField field, int s) {
        String itemFailed = "Failed to parse string list value for selection field " + field.id() + ".";
        Op open = logical(s, Operators.LIST_START | Operators.SUBSET_START);
        if (open == null) {
            char q = quote(at(s));
            Token t = string(q != 0 ? s + 1 : s, q, VALUE_STOP);
            if (t == null) {
                errors.add(itemFailed);
                return new ListRead(null, s);
            }
            return new ListRead(new Condition.ListOperand(List.of(t.text(in)), true, false), t.next());
        }
        int expectedEnd = open.flags() == Operators.LIST_START ? Operators.LIST_END : Operators.SUBSET_END;
        int stop = Operators.LIST_END | Operators.SUBSET_END | Operators.AND | Operators.OR;
        List<String> items = new ArrayList<>();
        int type = 0;
        int hit = 0;
        int i = s + 1;
        while (i < in.length()) {
            i = skipSpace(i);
            char q = quote(at(i));
            Token t = string(q != 0 ? i + 1 : i, q, stop);
            if (t == null) {
                errors.add(itemFailed);
                return new ListRead(null, i);
            }
            i = skipSpace(t.next());
            Op op = logical(i, stop);
            if (op == null) {
                errors.add("Invalid operator in selection list.");
                return new ListRead(null, i);
            }
            hit = op.flags();
            boolean listEnd = (hit & (Operators.LIST_END | Operators.SUBSET_END)) != 0;
            if (listEnd && hit != expectedEnd) {
                errors.add("List ended with incorrect character, expecting '"
                        + (expectedEnd == Operators.LIST_END ? "]" : "}") + "'.");
                return new ListRead(null, i);
            }
            if (type != 0) {
                if (!listEnd && (type & hit) == 0) {
                    errors.add("Only one type of logical operator allowed in selection list at a time.");
                    return new ListRead(null, i);
                }
            } else if (listEnd) {
                type = expectedEnd == Operators.LIST_END ? Operators.AND : Operators.OR;
            } else {
                type = hit;
            }
            items.add(t.text(in));
            i = op.end();
            if (listEnd) {
                break;
            }
        }
        if ((hit & (Operators.LIST_END | Operators.SUBSET_END)) == 0) {
            errors.add("Missing list end for selection field " + field.id());
            return new ListRead(null, i);
        }
        return new ListRead(new Condition.ListOperand(SelectValue.sortedBytewise(items), type == Operators.OR,
                expectedEnd == Operators.SUBSET_END), i);
    }

    private record TimeRead(String text, int end, SelectionTime.TimeValue value) {
    }

    private TimeRead timeValue(SelectField field, int s) {
        s = skipSpace(s);
        if (at(s) == '@') {
            Token t = number(s + 1);
            if (t == null) {
                return null;
            }
            String digits = t.text(in);
            BigInteger v = unsignedPrefix(digits);
            if (v.compareTo(UINT64_MAX) > 0) {
                errors.add(String.format(OUT_OF_RANGE, digits, field.id()));
                return null;
            }
            return new TimeRead(digits, t.next(), new SelectionTime.TimeValue(false, v.longValue(), 0));
        }
        char q = quote(at(s));
        Token t = string(q != 0 ? s + 1 : s, q, VALUE_STOP);
        if (t == null) {
            return null;
        }
        SelectionTime.TimeValue v = SelectionTime.parseFormatted(t.text(in), zone, errors);
        return v == null ? null : new TimeRead(t.text(in), t.next(), v);
    }

    /** strtoull's reading of a digits-and-dot token: the leading digits (0 when none). */
    private static BigInteger unsignedPrefix(String token) {
        int i = 0;
        while (i < token.length() && SelectionTime.isDigit(token.charAt(i))) {
            i++;
        }
        return i == 0 ? BigInteger.ZERO : new BigInteger(token.substring(0, i));
    }

    // ---------------------------------------------------------------- the comparison operand

    private Condition condition(SelectField field, Value v) {
        FieldType.Kind kind = field.kind();
        if ((v.flags() & Operators.REGEX) != 0) {
            if (kind != FieldType.Kind.STRING) {
                errors.add("dm_report: incompatible comparison type for selection field " + field.id());
                return null;
            }
            DmRegex regex = DmRegex.compile(v.text(), errors);
            if (regex == null) {
                errors.add("dm_report: failed to create regex matcher for selection field " + field.id());
                return null;
            }
            return new Condition(field, v.flags(), new Condition.RegexOperand(regex));
        }
        Object reserved = v.reserved() == null ? null : v.reserved().value();
        switch (kind) {
            case STRING: {
                if (reserved instanceof String s) {
                    return new Condition(field, v.flags(), new Condition.StrOperand(s));
                }
                if (strictlyReserved(field, v.text())) {
                    errors.add("String value " + v.text() + " found in selection is reserved.");
                    return null;
                }
                return new Condition(field, v.flags(), new Condition.StrOperand(v.text()));
            }
            case NUMBER: {
                if (reserved instanceof Long n) {
                    return new Condition(field, v.flags(), new Condition.NumOperand(n));
                }
                BigInteger n = unsignedPrefix(v.text());
                if (n.compareTo(UINT64_MAX) > 0) {
                    errors.add(String.format(OUT_OF_RANGE, v.text(), field.id()));
                    return null;
                }
                if (strictlyReserved(field, n.longValue())) {
                    errors.add("Numeric value " + n + " found in selection is reserved.");
                    return null;
                }
                return new Condition(field, v.flags(), new Condition.NumOperand(n.longValue()));
            }
            case SIZE: {
                if (reserved instanceof Double d) {
                    return new Condition(field, v.flags(), new Condition.SizeOperand(d));
                }
                double d = strtod(v.text());
                if (Double.isInfinite(d)) {
                    errors.add(String.format(OUT_OF_RANGE, v.text(), field.id()));
                    return null;
                }
                if (v.unitFactor() != 0) {
                    d *= v.unitFactor();
                }
                d /= 512;
                if (strictlyReserved(field, d)) {
                    errors.add(String.format(Locale.ROOT, "Size value %f found in selection is reserved.", d));
                    return null;
                }
                return new Condition(field, v.flags(), new Condition.SizeOperand(d));
            }
            case PERCENT: {
                double d = strtod(v.text());
                if (Double.isInfinite(d) || d < 0 || d > 100) {
                    errors.add(String.format(OUT_OF_RANGE, v.text(), field.id()));
                    return null;
                }
                long percent = (int) (SelectValue.Percent.PERCENT_1 * d);
                return new Condition(field, v.flags(), new Condition.NumOperand(percent));
            }
            case STRING_LIST:
                return new Condition(field, v.flags(), v.list());
            case TIME: {
                SelectionTime.TimeValue t = v.time();
                return new Condition(field, v.flags(), new Condition.TimeOperand(t.t1(), t.t2(), t.range()));
            }
            default:
                throw new IllegalStateException("unknown kind " + kind);
        }
    }

    /** strtod on a digits-and-dot token ("." alone is 0). */
    private static double strtod(String token) {
        if (token.equals(".")) {
            return 0;
        }
        return new BigDecimal(token.endsWith(".") ? token + "0" : token).doubleValue();
    }

    private static boolean strictlyReserved(SelectField field, Object value) {
        for (ReservedValues.Entry e : ReservedValues.forField(field)) {
            if (e.named()) {
                continue;
            }
            if (value instanceof Double d && e.value() instanceof Double r && Math.abs(d - r) < Math.ulp(1.0)) {
                return true;
            }
            if (value.equals(e.value())) {
                return true;
            }
        }
        return false;
    }
}
