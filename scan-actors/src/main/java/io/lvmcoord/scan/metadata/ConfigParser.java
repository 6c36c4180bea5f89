package io.lvmcoord.scan.metadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Parser for lvm's config-tree syntax, the format of VG metadata text and backup files.
 *
 * <p>Grammar, as libdm reads it: a file is a list of {@code key = value} and
 * {@code name { ... }}; values are integers ({@code strtoll} base 0, so {@code 0x} is hex and a
 * leading {@code 0} octal), floats (a {@code .} in the number), {@code "..."} strings knowing only
 * the escapes {@code \"} and {@code \\}, {@code '...'} strings, bare words, and
 * {@code [a, b]} arrays of those. {@code #} starts a comment to end of line and a NUL ends the
 * text (metadata copies are NUL-terminated on disk). Errors are returned with the byte position.
 *
 * <p>Hostile texts are bounded by {@link TextLimits}: section nesting (the parser recurses once
 * per level) and the total of keys, sections and array items. Numbers outside the signed 64-bit
 * range are syntax errors, as libdm refuses them. The tree is built compact (see
 * {@link ConfigSection}): keys and short strings are shared, numbers are plain longs.
 */
public final class ConfigParser {

    /** A syntax error at a byte position of the text. */
    public static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        private final int position;

        SyntaxError(int position, String message) {
            super(message + " at text byte " + position);
            this.position = position;
        }

        public int position() {
            return position;
        }
    }

    private final byte[] text;
    private final int end;
    private final TextLimits limits;
    /** One instance per distinct key or short string of this text: repeats cost a reference only. */
    private final java.util.HashMap<String, String> interned = new java.util.HashMap<>();
    private int nodes;
    private int pos;

    private ConfigParser(byte[] text, int length, TextLimits limits) {
        this.text = text;
        int limit = Math.max(0, Math.min(length, text.length));
        int nul = 0;
        while (nul < limit && text[nul] != 0) {
            nul++;
        }
        this.end = nul;
        this.limits = limits;
    }

    /** Parses {@code length} bytes of {@code text} (stopping at the first NUL) into a root section. */
    public static ConfigSection parse(byte[] text, int length, TextLimits limits) throws SyntaxError {
        ConfigParser p = new ConfigParser(text, length, limits);
        return p.body("", 0, 0, false);
    }

    /** As {@link #parse(byte[], int, TextLimits)} with the default caps but a nesting cap of {@code maxDepth}. */
    public static ConfigSection parse(byte[] text, int length, int maxDepth) throws SyntaxError {
        TextLimits d = TextLimits.DEFAULT;
        return parse(text, length, new TextLimits(maxDepth, d.maxNodes(), d.maxPvs(), d.maxLvs(), d.maxSegments(), d.maxAreasPerSegment()));
    }

    public static ConfigSection parse(String text) throws SyntaxError {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return parse(b, b.length, TextLimits.DEFAULT);
    }

    private void countNode(int at) throws SyntaxError {
        if (++nodes > limits.maxNodes()) {
            throw new SyntaxError(at, "more than " + limits.maxNodes() + " keys, sections and array items");
        }
    }

    private ConfigSection body(String name, int namePos, int depth, boolean inSection) throws SyntaxError {
        if (depth > limits.maxParseDepth()) {
            throw new SyntaxError(pos, "sections nested deeper than " + limits.maxParseDepth());
        }
        List<String> keys = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        while (true) {
            skipSpace();
            if (pos >= end) {
                if (inSection) {
                    throw new SyntaxError(pos, "missing '}'");
                }
                return new ConfigSection(name, namePos, keys.toArray(new String[0]), values.toArray());
            }
            if (text[pos] == '}') {
                if (!inSection) {
                    throw new SyntaxError(pos, "unexpected '}'");
                }
                pos++;
                return new ConfigSection(name, namePos, keys.toArray(new String[0]), values.toArray());
            }
            int keyStart = pos;
            String key = identifier();
            if (key.isEmpty()) {
                throw new SyntaxError(keyStart, "expected a key or section name, found '" + describe(pos) + "'");
            }
            countNode(keyStart);
            skipSpace();
            if (pos < end && text[pos] == '{') {
                pos++;
                keys.add(key);
                values.add(body(key, keyStart, depth + 1, true));
            } else if (pos < end && text[pos] == '=') {
                pos++;
                skipSpace();
                keys.add(key);
                values.add(value(true));
            } else {
                throw new SyntaxError(pos, "expected '=' or '{' after '" + key + "'");
            }
        }
    }

    /** A value in its compact form: String, Long, Double or Object[] of those. */
    private Object value(boolean arrayAllowed) throws SyntaxError {
        if (pos >= end) {
            throw new SyntaxError(pos, "missing value");
        }
        byte c = text[pos];
        if (c == '[') {
            if (!arrayAllowed) {
                throw new SyntaxError(pos, "nested arrays are not allowed");
            }
            pos++;
            List<Object> items = new ArrayList<>();
            skipSpace();
            if (pos < end && text[pos] == ']') {
                pos++;
                return items.toArray();
            }
            while (true) {
                skipSpace();
                countNode(pos);
                items.add(value(false));
                skipSpace();
                if (pos >= end) {
                    throw new SyntaxError(pos, "missing ']'");
                }
                if (text[pos] == ',') {
                    pos++;
                } else if (text[pos] == ']') {
                    pos++;
                    return items.toArray();
                } else {
                    throw new SyntaxError(pos, "expected ',' or ']' in array, found '" + describe(pos) + "'");
                }
            }
        }
        if (c == '"') {
            return intern(quoted('"', true));
        }
        if (c == '\'') {
            return intern(quoted('\'', false));
        }
        if (c == '-' || c == '+' || (c >= '0' && c <= '9') || c == '.') {
            return number();
        }
        int start = pos;
        String word = bareWord();
        if (word.isEmpty()) {
            throw new SyntaxError(start, "expected a value, found '" + describe(start) + "'");
        }
        return intern(word);
    }

    /**
     * Shares short strings (keys, flags, PV keys, segment types, UUIDs); long ones are rarely
     * repeated. A string new to this text goes through the JVM's string table, so the same
     * strings are shared across texts and VGs too (that table drops what nothing holds); the
     * per-text map keeps repeats within a text off that slower path.
     */
    private String intern(String s) {
        if (s.length() > 64) {
            return s;
        }
        String known = interned.get(s);
        if (known == null) {
            known = s.intern();
            interned.put(known, known);
        }
        return known;
    }

    private String quoted(char quote, boolean escapes) throws SyntaxError {
        int start = pos;
        pos++;
        // Fast path: most strings (names, UUIDs, flags) hold no backslash; decode them in one go.
        int scan = pos;
        while (scan < end && text[scan] != quote && text[scan] != '\\') {
            scan++;
        }
        if (scan < end && text[scan] == quote) {
            String s = new String(text, pos, scan - pos, java.nio.charset.StandardCharsets.UTF_8);
            pos = scan + 1;
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (pos < end) {
            byte c = text[pos];
            if (c == quote) {
                pos++;
                return out.toString(java.nio.charset.StandardCharsets.UTF_8);
            }
            // libdm knows only \" and \\; any other backslash is kept as written.
            if (escapes && c == '\\' && pos + 1 < end && (text[pos + 1] == '"' || text[pos + 1] == '\\')) {
                out.write(text[pos + 1]);
                pos += 2;
                continue;
            }
            out.write(c);
            pos++;
        }
        throw new SyntaxError(start, "unterminated string");
    }

    private Object number() throws SyntaxError {
        int start = pos;
        while (pos < end && !isDelimiter(text[pos])) {
            pos++;
        }
        String tok = new String(text, start, pos - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (tok.indexOf('.') >= 0) {
            try {
                return Double.parseDouble(tok);
            } catch (NumberFormatException e) {
                throw new SyntaxError(start, "malformed number '" + tok + "'");
            }
        }
        try {
            return parseStrtoll(tok);
        } catch (NumberFormatException e) {
            throw new SyntaxError(start, "malformed or out-of-range integer '" + tok + "'");
        }
    }

    /**
     * strtoll with base 0: sign, then 0x hex, leading-0 octal or decimal, every remaining character
     * a digit of that base. Values outside the signed 64-bit range (where strtoll reports ERANGE
     * and libdm refuses the text) and malformed tokens throw {@link NumberFormatException}.
     */
    static long parseStrtoll(String tok) {
        int i = 0;
        boolean neg = false;
        if (i < tok.length() && (tok.charAt(i) == '-' || tok.charAt(i) == '+')) {
            neg = tok.charAt(i) == '-';
            i++;
        }
        int radix = 10;
        if (tok.startsWith("0x", i) || tok.startsWith("0X", i)) {
            radix = 16;
            i += 2;
        } else if (tok.length() - i > 1 && tok.charAt(i) == '0') {
            radix = 8;
            i++;
        }
        if (i >= tok.length()) {
            throw new NumberFormatException(tok);
        }
        // Accumulate negatively so that Long.MIN_VALUE, whose magnitude has no positive long, fits.
        long v = 0;
        for (; i < tok.length(); i++) {
            int d = Character.digit(tok.charAt(i), radix);
            if (d < 0) {
                throw new NumberFormatException(tok);
            }
            try {
                v = Math.subtractExact(Math.multiplyExact(v, radix), d);
            } catch (ArithmeticException e) {
                throw new NumberFormatException(tok);
            }
        }
        if (neg) {
            return v;
        }
        if (v == Long.MIN_VALUE) {
            throw new NumberFormatException(tok);
        }
        return -v;
    }

    private String identifier() {
        int start = pos;
        while (pos < end) {
            byte c = text[pos];
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '+' || c == '.' || c == '/' || c == '@' || (c & 0x80) != 0;
            if (!ok) {
                break;
            }
            pos++;
        }
        return intern(new String(text, start, pos - start, java.nio.charset.StandardCharsets.UTF_8));
    }

    private String bareWord() {
        int start = pos;
        while (pos < end && !isDelimiter(text[pos])) {
            pos++;
        }
        return new String(text, start, pos - start, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static boolean isDelimiter(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']' || c == '}' || c == '#' || c == '='
                || c == '{' || c == '[';
    }

    private void skipSpace() {
        while (pos < end) {
            byte c = text[pos];
            if (c == '#') {
                while (pos < end && text[pos] != '\n') {
                    pos++;
                }
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }

    private String describe(int p) {
        if (p >= end) {
            return "end of text";
        }
        int c = text[p] & 0xFF;
        return c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c);
    }
}
