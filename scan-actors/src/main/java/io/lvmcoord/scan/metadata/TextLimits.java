package io.lvmcoord.scan.metadata;

/**
 * Caps on what one metadata text may hold, so that memory and work stay proportional to what an
 * operator configured rather than to what a hostile text claims. Read from {@code lvmcoord.codec}
 * (see reference.conf) through {@code CodecSettings}; a count of {@link #UNLIMITED} means no cap.
 *
 * @param maxParseDepth      deepest section nesting the parser accepts (bounds stack use)
 * @param maxNodes           keys, sections and array items in one text (bounds parse-tree memory)
 * @param maxPvs             PV sections in one VG
 * @param maxLvs             LV sections in one VG
 * @param maxSegments        segments summed over all LVs of one VG
 * @param maxAreasPerSegment stripes, mirror legs or raid images of one segment
 */
public record TextLimits(int maxParseDepth, int maxNodes, int maxPvs, int maxLvs, int maxSegments, int maxAreasPerSegment) {
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** The reference.conf defaults. */
    public static final TextLimits DEFAULT = new TextLimits(64, 4 << 20, 1 << 20, 1 << 20, 4 << 20, 1024);

    public TextLimits {
        if (maxParseDepth <= 0 || maxNodes <= 0 || maxPvs <= 0 || maxLvs <= 0 || maxSegments <= 0 || maxAreasPerSegment <= 0) {
            throw new IllegalArgumentException("text limits must be positive, got " + maxParseDepth + ", " + maxNodes + ", "
                    + maxPvs + ", " + maxLvs + ", " + maxSegments + ", " + maxAreasPerSegment);
        }
    }
}
