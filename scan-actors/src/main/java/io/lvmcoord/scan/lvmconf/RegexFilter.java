package io.lvmcoord.scan.lvmconf;

import io.lvmcoord.scan.metadata.ConfigValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * lvm2's {@code devices/filter} and {@code devices/global_filter}: a list of {@code a<d>re<d>}
 * (accept) and {@code r<d>re<d>} (reject) patterns, where {@code <d>} is any character, or a
 * bracket pair ( (), [], {} ) whose closing half ends the pattern.
 *
 * <p>How a device is judged (lvm2's filter-regex.c): every name of the device (each path under
 * the {@code devices/scan} dirs that leads to its node: /dev/sdb, /dev/disk/by-id/...,
 * /dev/block/8:16) is tested in turn; for one name, the first pattern in list order that matches
 * anywhere in it decides. The device is accepted as soon as one name's deciding pattern is an
 * accept; it is rejected when no name was accepted but some name met a reject; a device none of
 * whose names match any pattern is accepted. So the order of the names never changes the verdict
 * (only which name lvm2 then prefers, see {@link #acceptingName}).
 *
 * <p>The patterns are libdm's own regex dialect: {@code . * + ? | ( ) [ ] [^ ] ^ $} and
 * backslash escapes (\n \r \t, any other escaped character is literal); no braces, classes or
 * back references. They are translated to java.util.regex with every other character literal,
 * and matched unanchored ({@code find}).
 */
public final class RegexFilter {

    /** One pattern: accept or reject, its source text and the compiled regex. */
    public record Rule(boolean accept, String source, Pattern regex) {
    }

    /** The verdict for one device. */
    public sealed interface Verdict permits Accepted, Rejected {
    }

    /** @param byName the name whose accept pattern decided, or empty when no pattern matched any name */
    public record Accepted(Optional<String> byName) implements Verdict {
    }

    /** @param name a name that met the reject; @param rule the rejecting pattern's text */
    public record Rejected(String name, String rule) implements Verdict {
    }

    private final List<Rule> rules;

    private RegexFilter(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    /**
     * Compiles a filter setting. Errors use lvm2's words, e.g. {@code Invalid filter pattern "x|y|".}
     * with the reason lvm2 logs before it ("Pattern must begin with 'a' or 'r'.").
     */
    public static Result compile(List<ConfigValue> patterns) {
        List<Rule> rules = new ArrayList<>();
        for (ConfigValue v : patterns) {
            if (!(v instanceof ConfigValue.Str s)) {
                return new Invalid("Filter patterns must be enclosed in quotes.");
            }
            Object rule = rule(s.value());
            if (rule instanceof String error) {
                return new Invalid(error + " Invalid filter pattern \"" + s.value() + "\".");
            }
            rules.add((Rule) rule);
        }
        return new Compiled(new RegexFilter(rules));
    }

    /** Compiling gives a filter or lvm2's error. */
    public sealed interface Result permits Compiled, Invalid {
    }

    public record Compiled(RegexFilter filter) implements Result {
    }

    public record Invalid(String error) implements Result {
    }

    /** A Rule, or the error text. */
    private static Object rule(String text) {
        if (text.isEmpty() || (text.charAt(0) != 'a' && text.charAt(0) != 'r')) {
            return "Pattern must begin with 'a' or 'r'.";
        }
        boolean accept = text.charAt(0) == 'a';
        if (text.length() < 3) {
            return "Invalid separator at end of regex.";
        }
        char open = text.charAt(1);
        char close = switch (open) {
            case '(' -> ')';
            case '[' -> ']';
            case '{' -> '}';
            default -> open;
        };
        if (text.charAt(text.length() - 1) != close) {
            return "Invalid separator at end of regex.";
        }
        String body = text.substring(2, text.length() - 1);
        Optional<String> java = toJava(body);
        if (java.isEmpty()) {
            return "Couldn't parse regex.";
        }
        return new Rule(accept, text, Pattern.compile(java.get()));
    }

    /** libdm's dialect as a Java regex, or empty when libdm would refuse it (unterminated set or escape). */
    static Optional<String> toJava(String re) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < re.length()) {
            char c = re.charAt(i);
            switch (c) {
                case '[' -> {
                    int j = i + 1;
                    StringBuilder set = new StringBuilder("[");
                    if (j < re.length() && re.charAt(j) == '^') {
                        set.append('^');
                        j++;
                    }
                    boolean any = false;
                    while (j < re.length() && re.charAt(j) != ']') {
                        char m = re.charAt(j);
                        if (m == '\\' && j + 1 < re.length()) {
                            j++;
                            set.append(literalInSet(escaped(re.charAt(j))));
                        } else if (m == '-' && any && j + 1 < re.length()) {
                            set.append('-');
                        } else {
                            set.append(literalInSet(m));
                        }
                        any = true;
                        j++;
                    }
                    if (j >= re.length()) {
                        return Optional.empty();
                    }
                    if (!any) {
                        // libdm: "[]" is an empty set (matches nothing), "[^]" any character but NUL.
                        out.append(set.length() == 2 ? "[\\x{1}-\\x{10FFFF}]" : "(?!)");
                    } else {
                        out.append(set).append(']');
                    }
                    i = j + 1;
                }
                case '(', ')', '*', '+', '?', '|' -> {
                    out.append(c);
                    i++;
                }
                case '^' -> {
                    out.append('^');
                    i++;
                }
                case '$' -> {
                    out.append("\\z");
                    i++;
                }
                case '.' -> {
                    out.append("[^\\n\\r\\x{0}]");
                    i++;
                }
                case '\\' -> {
                    if (i + 1 >= re.length()) {
                        return Optional.empty();
                    }
                    out.append(Pattern.quote(String.valueOf(escaped(re.charAt(i + 1)))));
                    i += 2;
                }
                default -> {
                    out.append(Pattern.quote(String.valueOf(c)));
                    i++;
                }
            }
        }
        try {
            Pattern.compile(out.toString());
        } catch (PatternSyntaxException e) {
            return Optional.empty();
        }
        return Optional.of(out.toString());
    }

    private static char escaped(char c) {
        return switch (c) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> c;
        };
    }

    private static String literalInSet(char c) {
        return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + (c == '\n' ? "n" : c == '\r' ? "r" : c == '\t' ? "t" : String.valueOf(c));
    }

    /** The first rule matching {@code name}, or empty. */
    public Optional<Rule> decidingRule(String name) {
        for (Rule r : rules) {
            if (r.regex().matcher(name).find()) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The verdict for a device known by {@code names} (any order). */
    public Verdict judge(Collection<String> names) {
        Rejected rejected = null;
        for (String name : names) {
            Optional<Rule> r = decidingRule(name);
            if (r.isPresent()) {
                if (r.get().accept()) {
                    return new Accepted(Optional.of(name));
                }
                if (rejected == null) {
                    rejected = new Rejected(name, r.get().source());
                }
            }
        }
        return rejected != null ? rejected : new Accepted(Optional.empty());
    }

    /** The name lvm2 moves to the front of the device's names after accepting it by that name, if any. */
    public Optional<String> acceptingName(Collection<String> names) {
        Verdict v = judge(names);
        return v instanceof Accepted a ? a.byName() : Optional.empty();
    }
}
