package io.lvmcoord.scan.codec;

/**
 * Hard caps on sizes read from disk, so that a corrupt or hostile label cannot make us allocate
 * what it claims (a "1 TB metadata area" is checked against these before any buffer exists).
 *
 * @param maxTextBytes largest metadata text copy we will read (lvm2 itself refuses copies larger
 *                     than half the mda; the default allows a 128 MiB mda)
 * @param maxParseDepth deepest section nesting accepted by the text parser
 */
public record DecodeLimits(int maxTextBytes, int maxParseDepth) {
    public static final DecodeLimits DEFAULT = new DecodeLimits(64 << 20, 64);

    public DecodeLimits {
        if (maxTextBytes <= 0 || maxParseDepth <= 0) {
            throw new IllegalArgumentException("limits must be positive, got " + maxTextBytes + ", " + maxParseDepth);
        }
    }
}
