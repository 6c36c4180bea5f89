package io.lvmcoord.agent.client;

/**
 * JSON string literals by hand. The CLI's client path must not load a JSON library (its whole
 * run has a 0.1 s budget including JVM start), and messages are the only JSON it needs to build
 * or pick apart itself.
 */
public final class JsonText {
    private JsonText() {
    }

    /** {@code s} as a JSON string literal, quotes included (RFC 8259 escaping). */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Reads the string literal starting at {@code json[start]} (which must be {@code '"'}) and
     * returns its value.
     *
     * @throws IllegalArgumentException when there is no well-formed literal at {@code start}
     */
    public static String unquote(String json, int start) {
        if (start >= json.length() || json.charAt(start) != '"') {
            throw new IllegalArgumentException("expected a JSON string at offset " + start + " of " + json);
        }
        StringBuilder b = new StringBuilder();
        for (int i = start + 1; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (++i >= json.length()) {
                break;
            }
            char e = json.charAt(i);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    if (i + 4 >= json.length()) {
                        throw new IllegalArgumentException("truncated \\u escape at offset " + i + " of " + json);
                    }
                    b.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("bad escape \\" + e + " at offset " + i + " of " + json);
            }
        }
        throw new IllegalArgumentException("unterminated JSON string at offset " + start + " of " + json);
    }

    /** The offset just past the JSON string literal starting at {@code start}. */
    public static int skipString(String json, int start) {
        for (int i = start + 1; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("unterminated JSON string at offset " + start + " of " + json);
    }

    /**
     * The string value of top-level member {@code name} of a flat JSON object such as the agent's
     * {@code {"error": "..."}}, or null. A scan, not a parser: good for the agent's own
     * error bodies, not for arbitrary documents.
     */
    public static String stringMember(String json, String name) {
        String key = quote(name);
        int k = json.indexOf(key);
        if (k < 0) {
            return null;
        }
        int i = k + key.length();
        while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
            i++;
        }
        if (i >= json.length() || json.charAt(i) != ':') {
            return null;
        }
        i++;
        while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
            i++;
        }
        return i < json.length() && json.charAt(i) == '"' ? unquote(json, i) : null;
    }
}
