package io.lvmcoord.coordinator.report.select;

import java.util.ArrayList;
import java.util.List;

/**
 * A selection lvm2 refuses: the lines lvm2 writes to stderr, in order, and its exit status.
 *
 * @param listsFields true when lvm2 first prints its field listing (the one {@code -o help} shows, with
 *                    field types) followed by a line holding one blank: for an unknown or uncomparable
 *                    field name. We do not own that listing, so {@link #stderrLines(List)} takes it.
 * @param messages    the lines after that listing, without lvm2's two-blank log indent
 */
public record SelectionError(String expression, boolean listsFields, List<String> messages) {

    /** lvm2 fails every command with an invalid selection with ECMD_FAILED. */
    public static final int EXIT_CODE = 5;

    public SelectionError {
        messages = List.copyOf(messages);
    }

    public int exitCode() {
        return EXIT_CODE;
    }

    /**
     * stderr as lvm2 prints it: every line indented by two blanks, the caller's field listing first when
     * {@link #listsFields}. {@code fieldListing} is given without the indent.
     */
    public List<String> stderrLines(List<String> fieldListing) {
        List<String> out = new ArrayList<>();
        if (listsFields) {
            fieldListing.forEach(l -> out.add("  " + l));
            out.add("   ");
        }
        messages.forEach(l -> out.add("  " + l));
        return out;
    }
}
