package io.lvmcoord.coordinator.report.select;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * libdevmapper's own regular expressions (device_mapper/regex), which lvm2 uses for {@code =~}/{@code !~};
 * they are not POSIX and not java.util.regex, so we reimplement their grammar and matcher.
 *
 * <p>Grammar: a character, {@code .} (any byte but NUL, '\n', '\r'), {@code [set]} / {@code [^set]} with
 * ranges and {@code \n \r \t} escapes, {@code \x} for a literal, {@code ^} and {@code $}, groups
 * {@code ( )}, postfix {@code * + ?}, concatenation and {@code |}. libdevmapper wraps the pattern as
 * {@code (.*(PATTERN)<NUL>)} before parsing, so an unbalanced pattern shows up as an error of that wrapper
 * ("missing ')'"), an empty pattern is an error, and text after a stray ')' is ignored; parsing the same
 * wrapper reproduces all of that.
 *
 * <p>Matching runs the position (Glushkov) automaton over the subject's bytes framed by two marker
 * symbols, 0x02 for the start (what {@code ^} matches) and 0x03 for the end ({@code $}). The pattern
 * matches when the automaton can next read the wrapper's NUL. Because {@code .} and negated sets also
 * accept the markers, "1." matches "lv1" (the '.' reads the end marker), exactly as in lvm2.
 */
final class DmRegex {
    private static final int HAT = 0x02;
    private static final int DOLLAR = 0x03;
    private static final int TARGET = 0x00;

    private final List<BitSet> charsets;
    private final List<BitSet> follow;
    private final BitSet first;

    private DmRegex(List<BitSet> charsets, List<BitSet> follow, BitSet first) {
        this.charsets = charsets;
        this.follow = follow;
        this.first = first;
    }

    /** Compiles a pattern; on failure returns null and appends libdevmapper's messages to {@code errors}. */
    static DmRegex compile(String pattern, List<String> errors) {
        ByteArrayOutputStream wrapped = new ByteArrayOutputStream();
        wrapped.writeBytes("(.*(".getBytes(StandardCharsets.US_ASCII));
        wrapped.writeBytes(pattern.getBytes(StandardCharsets.UTF_8));
        wrapped.write(')');
        wrapped.write(TARGET);
        wrapped.write(')');
        Parser parser = new Parser(wrapped.toByteArray(), errors);
        Node root = parser.parse();
        if (root == null) {
            errors.add("Parse error in regex");
            errors.add("Couldn't parse regex");
            return null;
        }
        List<BitSet> charsets = new ArrayList<>();
        List<BitSet> follow = new ArrayList<>();
        Positions rootPositions = positions(root, charsets, follow);
        return new DmRegex(charsets, follow, rootPositions.first);
    }

    boolean matches(String subject) {
        byte[] bytes = subject.getBytes(StandardCharsets.UTF_8);
        BitSet state = (BitSet) first.clone();
        if (step(state, HAT)) {
            return true;
        }
        for (byte b : bytes) {
            if (b == 0) {
                break;
            }
            if (step(state, b & 0xff)) {
                return true;
            }
        }
        return step(state, DOLLAR);
    }

    /** Advances {@code state} over one symbol; true when the new state can read the target NUL. */
    private boolean step(BitSet state, int symbol) {
        BitSet next = new BitSet();
        for (int p = state.nextSetBit(0); p >= 0; p = state.nextSetBit(p + 1)) {
            if (charsets.get(p).get(symbol)) {
                next.or(follow.get(p));
            }
        }
        state.clear();
        state.or(next);
        for (int p = state.nextSetBit(0); p >= 0; p = state.nextSetBit(p + 1)) {
            if (charsets.get(p).get(TARGET)) {
                return true;
            }
        }
        return false;
    }

    private enum Op { CAT, OR, STAR, PLUS, QUEST, CHARSET }

    private record Node(Op op, Node left, Node right, BitSet charset) {
    }

    private record Positions(boolean nullable, BitSet first, BitSet last) {
    }

    private static Positions positions(Node n, List<BitSet> charsets, List<BitSet> follow) {
        switch (n.op()) {
            case CHARSET: {
                int index = charsets.size();
                charsets.add(n.charset());
                follow.add(new BitSet());
                BitSet only = new BitSet();
                only.set(index);
                return new Positions(false, only, (BitSet) only.clone());
            }
            case CAT: {
                Positions l = positions(n.left(), charsets, follow);
                Positions r = positions(n.right(), charsets, follow);
                for (int p = l.last.nextSetBit(0); p >= 0; p = l.last.nextSetBit(p + 1)) {
                    follow.get(p).or(r.first);
                }
                BitSet first = (BitSet) l.first.clone();
                if (l.nullable) {
                    first.or(r.first);
                }
                BitSet last = (BitSet) r.last.clone();
                if (r.nullable) {
                    last.or(l.last);
                }
                return new Positions(l.nullable && r.nullable, first, last);
            }
            case OR: {
                Positions l = positions(n.left(), charsets, follow);
                Positions r = positions(n.right(), charsets, follow);
                BitSet first = (BitSet) l.first.clone();
                first.or(r.first);
                BitSet last = (BitSet) l.last.clone();
                last.or(r.last);
                return new Positions(l.nullable || r.nullable, first, last);
            }
            default: {
                Positions c = positions(n.left(), charsets, follow);
                if (n.op() != Op.QUEST) {
                    for (int p = c.last.nextSetBit(0); p >= 0; p = c.last.nextSetBit(p + 1)) {
                        follow.get(p).or(c.first);
                    }
                }
                return new Positions(n.op() != Op.PLUS || c.nullable, c.first, c.last);
            }
        }
    }

    /** libdevmapper's recursive-descent parser over the wrapped pattern's bytes. */
    private static final class Parser {
        private static final int END = -1;
        private static final int SET = 0;

        private final byte[] rx;
        private final List<String> errors;
        private int cursor;
        private int type;
        private BitSet charset = new BitSet(256);

        Parser(byte[] rx, List<String> errors) {
            this.rx = rx;
            this.errors = errors;
        }

        Node parse() {
            nextToken();
            return orTerm();
        }

        private int at(int i) {
            return i < rx.length ? rx[i] & 0xff : 0;
        }

        private void nextToken() {
            int ptr = cursor;
            if (ptr >= rx.length) {
                type = END;
                return;
            }
            int c = at(ptr);
            switch (c) {
                case '[' -> charsetToken(ptr + 1);
                case '(', ')', '*', '+', '?', '|' -> {
                    type = c;
                    cursor = ptr + 1;
                }
                case '^' -> single(HAT, ptr);
                case '$' -> single(DOLLAR, ptr);
                case '.' -> {
                    type = SET;
                    cursor = ptr + 1;
                    charset = new BitSet(256);
                    charset.set(0, 256);
                    charset.clear('\n');
                    charset.clear('\r');
                    charset.clear(0);
                }
                case '\\' -> {
                    ptr++;
                    if (ptr >= rx.length) {
                        errors.add("Badly quoted character at end of expression");
                        type = END;
                        return;
                    }
                    single(unescape(at(ptr)), ptr);
                }
                default -> single(c, ptr);
            }
        }

        private static int unescape(int c) {
            return switch (c) {
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                default -> c;
            };
        }

        private void single(int c, int ptr) {
            type = SET;
            cursor = ptr + 1;
            charset = new BitSet(256);
            charset.set(c);
        }

        private void charsetToken(int ptr) {
            BitSet set = new BitSet(256);
            boolean negated = false;
            if (at(ptr) == '^') {
                set.set(1, 256);
                negated = true;
                ptr++;
            }
            int last = 0;
            while (ptr < rx.length && at(ptr) != ']') {
                boolean range = false;
                int c;
                if (at(ptr) == '\\') {
                    ptr++;
                    c = unescape(at(ptr));
                } else if (at(ptr) == '-' && last != 0) {
                    range = true;
                    ptr++;
                    if (ptr == rx.length) {
                        errors.add("Incomplete rangespecification");
                        type = END;
                        return;
                    }
                    c = at(ptr);
                } else {
                    c = at(ptr);
                }
                if (range) {
                    int lo = Math.min(last, c);
                    int hi = Math.max(last, c);
                    set.set(lo, hi + 1, !negated);
                    c = hi;
                } else {
                    set.set(c, !negated);
                }
                ptr++;
                last = c;
            }
            if (ptr >= rx.length) {
                type = END;
                return;
            }
            type = SET;
            cursor = ptr + 1;
            charset = set;
        }

        private Node term() {
            if (type == SET) {
                Node n = new Node(Op.CHARSET, null, null, charset);
                nextToken();
                return n;
            }
            if (type == '(') {
                nextToken();
                Node n = orTerm();
                if (type != ')') {
                    errors.add("missing ')' in regular expression");
                    return null;
                }
                nextToken();
                return n;
            }
            return null;
        }

        private Node closureTerm() {
            Node l = term();
            if (l == null) {
                return null;
            }
            while (true) {
                Op op = switch (type) {
                    case '*' -> Op.STAR;
                    case '+' -> Op.PLUS;
                    case '?' -> Op.QUEST;
                    default -> null;
                };
                if (op == null) {
                    return l;
                }
                l = new Node(op, l, null, null);
                nextToken();
            }
        }

        private Node catTerm() {
            Node l = closureTerm();
            if (l == null) {
                return null;
            }
            if (type == '|') {
                return l;
            }
            Node r = catTerm();
            return r == null ? l : new Node(Op.CAT, l, r, null);
        }

        private Node orTerm() {
            Node l = catTerm();
            if (l == null) {
                return null;
            }
            if (type != '|') {
                return l;
            }
            nextToken();
            Node r = orTerm();
            if (r == null) {
                errors.add("Badly formed 'or' expression");
                return null;
            }
            return new Node(Op.OR, l, r, null);
        }
    }
}
