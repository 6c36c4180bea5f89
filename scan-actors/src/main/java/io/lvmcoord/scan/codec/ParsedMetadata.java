package io.lvmcoord.scan.codec;

import io.lvmcoord.scan.metadata.VgMetadata;

import java.util.HashMap;
import java.util.Map;

/**
 * Parsed metadata remembered per metadata area of one device, keyed by the committed slot
 * {offset, size, checksum}: when a fresh header read shows the same slot, the text is neither
 * read nor parsed again (lvm2 2.03.07's mda_header shortcut, kept across scans). What it remembers
 * are references to the models and bytes {@link ParsedTexts} shares across devices, not copies;
 * holding them is also what keeps those shared entries alive.
 */
public final class ParsedMetadata {
    private record Entry(RawLocn slot, VgMetadata vg, byte[] text) {
    }

    /** A remembered copy: the parsed VG and the text it came from. */
    public record Known(VgMetadata vg, byte[] text) {
    }

    private final Map<Long, Entry> byArea = new HashMap<>();
    private long parses;

    public Known lookup(long areaOffset, RawLocn slot) {
        Entry e = byArea.get(areaOffset);
        return e != null && sameCopy(e.slot(), slot) ? new Known(e.vg(), e.text()) : null;
    }

    public void remember(long areaOffset, RawLocn slot, VgMetadata vg, byte[] text) {
        byArea.put(areaOffset, new Entry(slot, vg, text));
        parses++;
    }

    /** How many texts were parsed and remembered so far (a rescan that reuses all adds none). */
    public long parses() {
        return parses;
    }

    public void clear() {
        byArea.clear();
    }

    public int size() {
        return byArea.size();
    }

    private static boolean sameCopy(RawLocn a, RawLocn b) {
        return a.offset() == b.offset() && a.size() == b.size() && a.checksum() == b.checksum();
    }
}
