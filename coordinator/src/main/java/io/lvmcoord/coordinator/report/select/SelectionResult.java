package io.lvmcoord.coordinator.report.select;

import java.util.List;

/** What {@link Selection#compile} makes of a {@code -S} argument. */
public sealed interface SelectionResult {

    /** A valid selection (also for "", "all" in any case: it then selects every row). */
    record Compiled(Selection selection) implements SelectionResult {
    }

    /**
     * "help" (any case) or "?": lvm2 prints its field listing, a line with one blank and then
     * {@link #selectionHelp} (each line indented by two blanks) to stderr, outputs no rows for that
     * report and does not fail.
     */
    record HelpRequested(List<String> selectionHelp) implements SelectionResult {
    }

    /** An expression lvm2 refuses; print {@link SelectionError#stderrLines} and exit with its code. */
    record Invalid(SelectionError error) implements SelectionResult {
    }
}
