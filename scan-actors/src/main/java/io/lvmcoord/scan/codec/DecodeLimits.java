package io.lvmcoord.scan.codec;

import io.lvmcoord.scan.metadata.TextLimits;

/**
 * Hard caps on sizes read from disk, so that a corrupt or hostile label cannot make us allocate
 * what it claims (a "1 TB metadata area" is checked against these before any buffer exists), and
 * on what one metadata text may hold once read.
 *
 * @param maxTextBytes largest metadata text copy we will read (lvm2 itself refuses copies larger
 *                     than half the mda; the default allows a 128 MiB mda)
 * @param text         caps on the text's nesting and counts (parse depth, nodes, PVs, LVs, segments, areas)
 */
public record DecodeLimits(int maxTextBytes, TextLimits text) {
    public static final DecodeLimits DEFAULT = new DecodeLimits(64 << 20, TextLimits.DEFAULT);

    public DecodeLimits {
        if (maxTextBytes <= 0 || text == null) {
            throw new IllegalArgumentException("max text bytes must be positive and text limits given, got " + maxTextBytes + ", " + text);
        }
    }

    /** The default counts with the given text size and nesting caps. */
    public DecodeLimits(int maxTextBytes, int maxParseDepth) {
        this(maxTextBytes, new TextLimits(maxParseDepth, TextLimits.DEFAULT.maxNodes(), TextLimits.DEFAULT.maxPvs(),
                TextLimits.DEFAULT.maxLvs(), TextLimits.DEFAULT.maxSegments(), TextLimits.DEFAULT.maxAreasPerSegment()));
    }

    public int maxParseDepth() {
        return text.maxParseDepth();
    }
}
