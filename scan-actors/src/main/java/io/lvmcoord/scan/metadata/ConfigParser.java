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
    private final int maxDepth;
    private int pos;

    private ConfigParser(byte[] text, int length, int maxDepth) {
        this.text = text;
        int nul = 0;
        while (nul < length && text[nul] != 0) {
            nul++;
        }
        this.end = nul;
        this.maxDepth = maxDepth;
    }

    /** Parses {@code length} bytes of {@code text} (stopping at the first NUL) into a root section. */
    public static ConfigSection parse(byte[] text, int length, int maxDepth) throws SyntaxError {
        ConfigParser p = new ConfigParser(text, length, maxDepth);
        List<ConfigNode> nodes = p.body(0, false);
        return new ConfigSection("", nodes);
    }

    public static ConfigSection parse(String text) throws SyntaxError {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return parse(b, b.length, 64);
    }

    private List<ConfigNode> body(int depth, boolean inSection) throws SyntaxError {
        if (depth > maxDepth) {
            throw new SyntaxError(pos, "sections nested deeper than " + maxDepth);
        }
        List<ConfigNode> nodes = new ArrayList<>();
        while (true) {
            skipSpace();
            if (pos >= end) {
                if (inSection) {
                    throw new SyntaxError(pos, "missing '}'");
                }
                return nodes;
            }
            if (text[pos] == '}') {
                if (!inSection) {
                    throw new SyntaxError(pos, "unexpected '}'");
                }
                pos++;
                return nodes;
            }
            int keyStart = pos;
            String key = identifier();
            if (key.isEmpty()) {
                throw new SyntaxError(keyStart, "expected a key or section name, found '" + describe(pos) + "'");
            }
            skipSpace();
            if (pos < end && text[pos] == '{') {
                pos++;
                nodes.add(new ConfigSection(key, body(depth + 1, true)));
            } else if (pos < end && text[pos] == '=') {
                pos++;
                skipSpace();
                nodes.add(new ConfigNode.Entry(key, value(true)));
            } else {
                throw new SyntaxError(pos, "expected '=' or '{' after '" + key + "'");
            }
        }
    }

    private ConfigValue value(boolean arrayAllowed) throws SyntaxError {
        if (pos >= end) {
            throw new SyntaxError(pos, "missing value");
        }
        byte c = text[pos];
        if (c == '[') {
            if (!arrayAllowed) {
                throw new SyntaxError(pos, "nested arrays are not allowed");
            }
            pos++;
            List<ConfigValue> items = new ArrayList<>();
            skipSpace();
            if (pos < end && text[pos] == ']') {
                pos++;
                return new ConfigValue.Arr(items);
            }
            while (true) {
                skipSpace();
                items.add(value(false));
                skipSpace();
                if (pos >= end) {
                    throw new SyntaxError(pos, "missing ']'");
                }
                if (text[pos] == ',') {
                    pos++;
                } else if (text[pos] == ']') {
                    pos++;
                    return new ConfigValue.Arr(items);
                } else {
                    throw new SyntaxError(pos, "expected ',' or ']' in array, found '" + describe(pos) + "'");
                }
            }
        }
        if (c == '"') {
            return new ConfigValue.Str(quoted('"', true));
        }
        if (c == '\'') {
            return new ConfigValue.Str(quoted('\'', false));
        }
        if (c == '-' || c == '+' || (c >= '0' && c <= '9') || c == '.') {
            return number();
        }
        int start = pos;
        String word = bareWord();
        if (word.isEmpty()) {
            throw new SyntaxError(start, "expected a value, found '" + describe(start) + "'");
        }
        return new ConfigValue.Str(word);
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

    private ConfigValue number() throws SyntaxError {
        int start = pos;
        while (pos < end && !isDelimiter(text[pos])) {
            pos++;
        }
        String tok = new String(text, start, pos - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        try {
            if (tok.indexOf('.') >= 0) {
                return new ConfigValue.Flt(Double.parseDouble(tok));
            }
            return new ConfigValue.Int(parseStrtoll(tok));
        } catch (NumberFormatException e) {
            throw new SyntaxError(start, "malformed number '" + tok + "'");
        }
    }

    /** strtoll with base 0: sign, then 0x hex, leading-0 octal or decimal. */
    static long parseStrtoll(String tok) {
        String s = tok;
        boolean neg = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            neg = s.charAt(0) == '-';
            s = s.substring(1);
        }
        long v;
        if (s.startsWith("0x") || s.startsWith("0X")) {
            v = Long.parseUnsignedLong(s.substring(2), 16);
        } else if (s.length() > 1 && s.charAt(0) == '0') {
            v = Long.parseLong(s.substring(1), 8);
        } else {
            v = Long.parseLong(s);
        }
        return neg ? -v : v;
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
        return new String(text, start, pos - start, java.nio.charset.StandardCharsets.UTF_8);
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
