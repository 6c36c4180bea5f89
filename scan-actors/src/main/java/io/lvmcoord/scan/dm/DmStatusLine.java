package io.lvmcoord.scan.dm;

import java.util.Optional;

/**
 * One line of {@code dmsetup status} (or of a recording of it): a device's name and one of its
 * targets, {@code name: start length target params}. A device with several targets has a line
 * for each.
 *
 * @param start  the target's first sector in the device
 * @param length its length in sectors
 * @param params the target's parameters exactly as the kernel wrote them: some targets end theirs with
 *               a blank ({@code thin-pool}, {@code cache}), which {@code dmsetup} prints and libdevmapper's
 *               status readers see, so it is kept
 */
public record DmStatusLine(String device, long start, long length, String target, String params) {

    /** The line, or empty when it is not {@code name: start length target [params]}. */
    public static Optional<DmStatusLine> parse(String line) {
        int colon = line.indexOf(": ");
        if (colon <= 0) {
            return Optional.empty();
        }
        String[] f = line.substring(colon + 2).split(" ", 4);
        if (f.length < 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DmStatusLine(line.substring(0, colon), Long.parseLong(f[0]), Long.parseLong(f[1]), f[2],
                    f.length == 4 ? f[3] : ""));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public DmStatusParser.Result status() {
        return DmStatusParser.parse(target, params);
    }
}
