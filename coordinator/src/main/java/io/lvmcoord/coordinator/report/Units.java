package io.lvmcoord.coordinator.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>A number before the letter ({@code --units 4k}) is lvm2's custom unit: sizes are divided by
 * number × unit and printed with two decimals and the suffix {@code U}. lvm2 decides this from the
 * integer part alone: {@code 1.5k} has the integer part 1, so it keeps the letter {@code k} (and
 * its suffix) but divides by 1536; {@code 4h} and {@code 4r} are plain human units.
 *
 * @param type   the unit letter ({@code U} for a custom number of units)
 * @param suffix whether to append the unit letter ({@code --nosuffix} clears it)
 * @param factor bytes per unit, or 0 for the letter's own factor
 */
public record Units(char type, boolean suffix, long factor) {
    public static final Units DEFAULT = new Units('r', true);
    private static final String POWERS = "kmgtpe";
    private static final String LETTERS = "hHrRbBsSkmgtpeKMGTPEU";
    /** lvm2's only message for any units it cannot read (lvmcmdline.c). */
    public static final String INVALID = "Invalid units specification";
    /** What strtod reads at the start of a units argument (decimal forms only; lvm2 users do not write hex). */
    private static final Pattern NUMBER = Pattern.compile("^([0-9]+)(\\.[0-9]*)?([eE][+-]?[0-9]+)?");

    public Units {
        if (LETTERS.indexOf(type) < 0) {
            throw new IllegalArgumentException(INVALID);
        }
        if (type == 'U' && factor == 0) {
            throw new IllegalArgumentException(INVALID);
        }
    }

    public Units(char type, boolean suffix) {
        this(type, suffix, 0);
    }

    /**
     * Reads {@code --units} as lvm2's {@code dm_units_to_factor} (strict mode) does: an optional
     * number, then exactly one unit letter; a factor of 0 (such as {@code 0k}) is refused.
     *
     * @throws IllegalArgumentException with lvm2's message, {@value #INVALID}
     */
    public static Units parse(String spec, boolean nosuffix) {
        if (spec == null) {
            return new Units('r', !nosuffix);
        }
        String rest = spec;
        long whole = 1;
        double custom = 0;
        Matcher m = NUMBER.matcher(spec);
        if (m.find()) {
            custom = Double.parseDouble(m.group());
            whole = unsignedPrefix(m.group(1));
            if (Math.abs((double) whole - custom) < Math.ulp(1.0)) {
                custom = 0; // an integer: lvm2 multiplies in integers
            }
            rest = spec.substring(m.end());
        }
        if (rest.length() != 1) {
            throw new IllegalArgumentException(INVALID);
        }
        char letter = rest.charAt(0);
        long multiplier;
        char type = whole == 1 ? letter : 'U';
        switch (letter) {
            case 'h', 'H', 'r', 'R' -> {
                // A number before a human unit means nothing to lvm2, unless it truncates to 0 (0.5h).
                if (custom != 0 && toUnsigned(custom) == 0) {
                    throw new IllegalArgumentException(INVALID);
                }
                return new Units(letter, !nosuffix);
            }
            case 'b', 'B' -> multiplier = 1;
            case 's', 'S' -> multiplier = 512;
            default -> {
                int lower = POWERS.indexOf(letter);
                int upper = POWERS.indexOf(Character.toLowerCase(letter));
                if (lower >= 0) {
                    multiplier = 1L << (10 * (lower + 1));
                } else if (upper >= 0 && Character.isUpperCase(letter)) {
                    multiplier = pow1000(upper + 1);
                } else {
                    throw new IllegalArgumentException(INVALID);
                }
            }
        }
        // Unsigned 64-bit arithmetic, wrapping as lvm2's uint64_t does (16e wraps to 0 and is refused).
        long factor = Math.abs(custom) < Math.ulp(1.0) ? whole * multiplier : toUnsigned(custom * (double) multiplier);
        if (factor == 0) {
            throw new IllegalArgumentException(INVALID);
        }
        boolean own = custom == 0 && whole == 1;
        return new Units(type, !nosuffix, own ? 0 : factor);
    }

    private static long unsignedPrefix(String digits) {
        try {
            return Long.parseUnsignedLong(digits);
        } catch (NumberFormatException tooLarge) {
            return -1L; // strtoull saturates at ULLONG_MAX
        }
    }

    private static long toUnsigned(double d) {
        if (d >= 0x1p63) {
            return (long) (d - 0x1p63) ^ Long.MIN_VALUE;
        }
        return (long) d;
    }

    private static long pow1000(int n) {
        long f = 1;
        for (int i = 0; i < n; i++) {
            f *= 1000;
        }
        return f;
    }

    /**
     * {@code bytes} in these units. The value is read as unsigned 64-bit, as lvm2 prints its
     * {@code uint64_t} sizes: a device size from a label past 2^63 prints as the large number it
     * is, never with a minus sign.
     */
    public String format(long bytes) {
        double value = unsignedDouble(bytes);
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
        boolean integral = "bBsS".indexOf(type) >= 0;
        if (factor != 0) {
            double scaled = value / unsignedDouble(factor);
            return (integral ? noDecimals(scaled) : twoDecimals(scaled)) + (suffix ? suffixFor(type) : "");
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

    private static double unsignedDouble(long v) {
        return v >= 0 ? (double) v : (double) (v >>> 1) * 2.0 + (v & 1);
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

    private static String noDecimals(double v) {
        return new BigDecimal(v).setScale(0, RoundingMode.HALF_EVEN).toPlainString();
    }
}
