package io.lvmcoord.coordinator.report;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * lvm2's size display ({@code --units}, {@code --nosuffix}).
 *
 * <p>Human units ({@code h}, {@code H}, {@code r}, {@code R}) pick the largest unit not above the
 * value; {@code r}/{@code R} (lvm2's default is {@code r}) prefix {@code <} when two decimals had
 * to round a value down. Lower-case letters are powers of 1024, upper-case K..E powers of 1000;
 * {@code b} and {@code s} print integers. Human units always carry a suffix, as in lvm2. Rounding
 * is done on the exact binary value, half to even, which is what glibc's {@code %.2f} does
 * ({@code String.format} would round 0.125 up).
 *
 * @param type   the unit letter
 * @param suffix whether to append the unit letter ({@code --nosuffix} clears it)
 */
public record Units(char type, boolean suffix) {
    public static final Units DEFAULT = new Units('r', true);
    private static final String POWERS = "kmgtpe";

    public Units {
        if ("hHrRbBsSkmgtpeKMGTPE".indexOf(type) < 0) {
            throw new IllegalArgumentException("Invalid units specification '" + type + "': use one of hHbBsSkKmMgGtTpPeErR");
        }
    }

    public static Units parse(String spec, boolean nosuffix) {
        if (spec == null || spec.isEmpty()) {
            return new Units('r', !nosuffix);
        }
        if (spec.length() != 1) {
            throw new IllegalArgumentException("Invalid units specification '" + spec + "': use one letter of hHbBsSkKmMgGtTpPeErR");
        }
        return new Units(spec.charAt(0), !nosuffix);
    }

    /**
     * {@code bytes} in these units. The value is read as unsigned 64-bit, as lvm2 prints its
     * {@code uint64_t} sizes: a device size from a label past 2^63 prints as the large number it
     * is, never with a minus sign.
     */
    public String format(long bytes) {
        double value = bytes >= 0 ? (double) bytes : (double) (bytes >>> 1) * 2.0 + (bytes & 1);
        boolean human = "hHrR".indexOf(type) >= 0;
        if (bytes == 0) {
            if (human) {
                return "0 ";
            }
            return suffix ? "0" + suffixFor(type) : "0";
        }
        if (human) {
            long base = (type == 'H' || type == 'R') ? 1000 : 1024;
            String letters = base == 1000 ? "EPTGMK" : "eptgmk";
            double unit = Math.pow(base, 6);
            int s = 0;
            while (s < 6 && value < unit) {
                unit /= base;
                s++;
            }
            String prefix = "";
            if (s < 6 && (type == 'r' || type == 'R')) {
                double d = 100.0 * value / unit;
                if (Math.floor(d) != Math.rint(d)) {
                    prefix = "<";
                }
            }
            if (s == 6) {
                return prefix + Long.toUnsignedString(bytes) + (base == 1000 ? "B" : "b");
            }
            return prefix + twoDecimals(value / unit) + letters.charAt(s);
        }
        if (type == 'b' || type == 'B') {
            return Long.toUnsignedString(bytes) + (suffix ? "B" : "");
        }
        if (type == 's' || type == 'S') {
            return Long.toUnsignedString(Long.divideUnsigned(bytes, 512)) + (suffix ? "S" : "");
        }
        int power;
        long base;
        if (Character.isLowerCase(type)) {
            power = POWERS.indexOf(type) + 1;
            base = 1024;
        } else {
            power = POWERS.indexOf(Character.toLowerCase(type)) + 1;
            base = 1000;
        }
        double factor = Math.pow(base, power);
        return twoDecimals(value / factor) + (suffix ? suffixFor(type) : "");
    }

    private static String suffixFor(char type) {
        return switch (type) {
            case 'b', 'B' -> "B";
            case 's', 'S' -> "S";
            default -> String.valueOf(type);
        };
    }

    private static String twoDecimals(double v) {
        return new BigDecimal(v).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
}
