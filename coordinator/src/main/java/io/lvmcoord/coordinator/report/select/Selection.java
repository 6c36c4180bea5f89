package io.lvmcoord.coordinator.report.select;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A compiled lvm2 {@code -S/--select} expression: a predicate over one report row.
 *
 * <p>Grammar (libdevmapper 1.02.185): {@code OR := AND (("||" | "#") AND)*},
 * {@code AND := EX (("&&" | ",") EX)*}, {@code EX := "!(" OR ")" | "(" OR ")" | field op value}.
 * "!" only negates a parenthesised group. Values depend on the field's type: strings (quoted with ' or "
 * or bare up to a blank, ",", "#", ")", "&&", "||"), numbers, sizes with units (default m), percents,
 * string lists ({@code [a,b]} all and nothing else, {@code {a,b}} all of them among others,
 * {@code [a||b]}/{@code {a||b}} any), times (formatted, "@epoch", or lvm2's fuzzy phrases for lv_time),
 * and each field's reserved words ({@link ReservedValues}). {@code =~}/{@code !~} take libdevmapper
 * regexes ({@link DmRegex}) on string fields only.
 *
 * <p>Compile once per command: times like "today" are resolved against the {@code now} given here, as
 * lvm2 resolves them once per report.
 */
public final class Selection {
    private final Node root;
    private final Set<String> fieldIds;

    Selection(Node root, Set<String> fieldIds) {
        this.root = root;
        this.fieldIds = Set.copyOf(fieldIds);
    }

    /** Compiles against the system clock and default time zone, as lvm2 does. */
    public static SelectionResult compile(String expression, FieldResolver resolver) {
        Clock clock = Clock.systemDefaultZone();
        return compile(expression, resolver, clock.instant(), clock.getZone());
    }

    /**
     * @param now  "now" for relative times ("yesterday", "2 hours ago")
     * @param zone the local time zone times without an explicit zone are read in
     */
    public static SelectionResult compile(String expression, FieldResolver resolver, Instant now, ZoneId zone) {
        String expr = expression == null ? "" : expression;
        int nul = expr.indexOf('\0');
        if (nul >= 0) {
            expr = expr.substring(0, nul);
        }
        if (expr.isEmpty() || expr.equalsIgnoreCase("all")) {
            return new SelectionResult.Compiled(new Selection(null, Set.of()));
        }
        if (expr.equalsIgnoreCase("help") || expr.equals("?")) {
            return new SelectionResult.HelpRequested(SelectionHelp.lines());
        }
        return new SelectionParser(expr, resolver, now, zone).parse();
    }

    /** True when the row passes. {@code row} must give a value for each of {@link #fieldIds()}. */
    public boolean test(Function<String, SelectValue> row) {
        return root == null || root.test(row);
    }

    /** The ids of the fields the expression compares; the row function is asked for these only. */
    public Set<String> fieldIds() {
        return fieldIds;
    }

    /** True for "", "all": every row passes and no field is needed. */
    public boolean selectsAll() {
        return root == null;
    }

    /** The parsed expression: items, AND/OR groups, each possibly negated. */
    sealed interface Node {
        boolean test(Function<String, SelectValue> row);

        Node negated();
    }

    record Item(Condition condition, boolean not) implements Node {
        @Override
        public boolean test(Function<String, SelectValue> row) {
            SelectValue value = row.apply(condition.field().id());
            if (value == null) {
                throw new IllegalArgumentException("row has no value for selection field " + condition.field().id());
            }
            return condition.test(value) != not;
        }

        @Override
        public Node negated() {
            return new Item(condition, true);
        }
    }

    record Group(boolean and, List<Node> members, boolean not) implements Node {
        @Override
        public boolean test(Function<String, SelectValue> row) {
            boolean r = and ? members.stream().allMatch(n -> n.test(row)) : members.stream().anyMatch(n -> n.test(row));
            return r != not;
        }

        @Override
        public Node negated() {
            return new Group(and, members, true);
        }
    }

    static Set<String> collectFieldIds(Node node, Set<String> into) {
        if (node instanceof Item item) {
            into.add(item.condition().field().id());
        } else if (node instanceof Group group) {
            group.members().forEach(m -> collectFieldIds(m, into));
        }
        return into;
    }

    static Selection of(Node root) {
        return new Selection(root, collectFieldIds(root, new LinkedHashSet<>()));
    }
}
