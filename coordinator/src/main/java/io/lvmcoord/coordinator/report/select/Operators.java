package io.lvmcoord.coordinator.report.select;

import java.util.List;

/**
 * libdevmapper's selection operators, in its matching order (a longer operator before its prefix).
 * Flags are kept as bit sets because lvm2's comparison rules are written over them: a reserved size
 * compared with {@code >} keeps both its number and time bits and then matches nothing.
 */
final class Operators {
    static final int EQUAL = 0x1;
    static final int NOT = 0x2;
    static final int GT = 0x4;
    static final int LT = 0x8;
    static final int REGEX = 0x10;
    static final int NUMBER = 0x20;
    static final int TIME = 0x40;

    static final int AND = 0x1;
    static final int OR = 0x2;
    static final int MODIFIER_NOT = 0x4;
    static final int PAREN_START = 0x8;
    static final int PAREN_END = 0x10;
    static final int LIST_START = 0x20;
    static final int LIST_END = 0x40;
    static final int SUBSET_START = 0x80;
    static final int SUBSET_END = 0x100;

    record Comparison(String text, int flags, String description) {
    }

    record Logical(String text, int flags, String description) {
    }

    static final List<Comparison> COMPARISONS = List.of(
            new Comparison("=~", REGEX, "Matching regular expression. [regex]"),
            new Comparison("!~", REGEX | NOT, "Not matching regular expression. [regex]"),
            new Comparison("=", EQUAL, "Equal to. [number, size, percent, string, string list, time]"),
            new Comparison("!=", NOT | EQUAL, "Not equal to. [number, size, percent, string, string_list, time]"),
            new Comparison(">=", NUMBER | TIME | GT | EQUAL, "Greater than or equal to. [number, size, percent, time]"),
            new Comparison(">", NUMBER | TIME | GT, "Greater than. [number, size, percent, time]"),
            new Comparison("<=", NUMBER | TIME | LT | EQUAL, "Less than or equal to. [number, size, percent, time]"),
            new Comparison("<", NUMBER | TIME | LT, "Less than. [number, size, percent, time]"),
            new Comparison("since", TIME | GT | EQUAL, "Since specified time (same as '>='). [time]"),
            new Comparison("after", TIME | GT, "After specified time (same as '>'). [time]"),
            new Comparison("until", TIME | LT | EQUAL, "Until specified time (same as '<='). [time]"),
            new Comparison("before", TIME | LT, "Before specified time (same as '<'). [time]"));

    static final List<Logical> LOGICAL = List.of(
            new Logical("&&", AND, "All fields must match"),
            new Logical(",", AND, "All fields must match"),
            new Logical("||", OR, "At least one field must match"),
            new Logical("#", OR, "At least one field must match"),
            new Logical("!", MODIFIER_NOT, "Logical negation"),
            new Logical("(", PAREN_START, "Left parenthesis"),
            new Logical(")", PAREN_END, "Right parenthesis"),
            new Logical("[", LIST_START, "List start"),
            new Logical("]", LIST_END, "List end"),
            new Logical("{", SUBSET_START, "List subset start"),
            new Logical("}", SUBSET_END, "List subset end"));

    private Operators() {
    }
}
