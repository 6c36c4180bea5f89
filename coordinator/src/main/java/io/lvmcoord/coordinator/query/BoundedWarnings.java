package io.lvmcoord.coordinator.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Warnings as they travel to a client: the first {@code limit} of them and how many there were.
 * A node with many broken devices has a warning or two per device; sent whole they outgrew
 * every line buffer on the way (150 corrupt PVs made a 74 KB header), so only the head is
 * sent, followed by one line that says how many were left out. The full list stays available
 * to callers on the node ({@link QueryService.Answer#warnings()}).
 *
 * @param shown the first warnings, at most the limit
 * @param total how many warnings there were in all
 * @param limit the limit applied, named in the "more" line so an operator knows what to raise
 */
public record BoundedWarnings(List<String> shown, int total, int limit) {

    public BoundedWarnings {
        shown = List.copyOf(shown);
        if (limit < 0 || shown.size() > limit || total < shown.size()) {
            throw new IllegalArgumentException("bounded warnings need 0 <= shown (" + shown.size() + ") <= limit (" + limit
                    + ") and shown <= total (" + total + ")");
        }
    }

    public static BoundedWarnings of(List<String> all, int limit) {
        return new BoundedWarnings(all.subList(0, Math.min(all.size(), limit)), all.size(), limit);
    }

    public int omitted() {
        return total - shown.size();
    }

    /** The shown warnings, then (when some were left out) a line saying how many. */
    public List<String> lines() {
        List<String> out = new ArrayList<>(shown);
        if (omitted() > 0) {
            out.add("... and " + omitted() + " more warnings (lvmcoord.query.max-warnings = " + limit + ")");
        }
        return out;
    }
}
