package io.lvmcoord.scan.dm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a target's status parameters as libdevmapper's {@code dm_get_status_*} read them.
 * Status text comes from the kernel (or a recording), so it is input: a line that does not read
 * is a {@link Result.Unreadable} naming the target, the text and what was expected, never an
 * exception; lvm2 then reports the LV's kernel fields as unknown.
 */
public final class DmStatusParser {

    /** What a status line reads as. */
    public sealed interface Result {
        record Read(DmStatus status) implements Result {
        }

        /** @param reason what was expected where the text differs, in libdevmapper's terms */
        record Unreadable(String target, String params, String reason) implements Result {
        }
    }

    private static final Pattern THIN_POOL = Pattern.compile("^\\s*(\\d+) (\\d+)/(\\d+) (\\d+)/(\\d+)");
    private static final Pattern THIN = Pattern.compile("^\\s*(\\d+) (\\d+)");
    private static final Pattern SNAPSHOT = Pattern.compile("^(\\d+)/(\\d+)(?: (\\d+))?");
    private static final Pattern MAJ_MIN = Pattern.compile("\\d+:\\d+");

    private DmStatusParser() {
    }

    public static Result parse(String target, String params) {
        String p = params == null ? "" : params;
        try {
            return switch (target) {
                case "thin-pool" -> thinPool(p);
                case "thin" -> thin(p);
                case "raid" -> raid(p);
                case "cache" -> cache(p);
                case "writecache" -> writecache(p);
                case "snapshot" -> snapshot(p);
                case "mirror" -> mirror(p);
                default -> new Result.Read(new DmStatus.Other(target, p));
            };
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return new Result.Unreadable(target, p, "a number where the kernel's format has one (" + e.getMessage() + ")");
        }
    }

    private static Result bad(String target, String params, String expected) {
        return new Result.Unreadable(target, params, "expected " + expected);
    }

    /** {@code <transaction id> <used>/<total metadata blocks> <used>/<total data blocks> <held root> <flags>...} */
    private static Result thinPool(String p) {
        if (p.contains("Error")) {
            return new Result.Read(new DmStatus.ThinPool(0, 0, 0, 0, 0, DmStatus.Discards.PASSDOWN, false, false, false, false, true, true));
        }
        if (p.contains("Fail")) {
            return new Result.Read(new DmStatus.ThinPool(0, 0, 0, 0, 0, DmStatus.Discards.PASSDOWN, false, false, false, false, true, false));
        }
        Matcher m = THIN_POOL.matcher(p);
        if (!m.find()) {
            return bad("thin-pool", p, "<transaction id> <used>/<total metadata blocks> <used>/<total data blocks>");
        }
        String rest = p.substring(m.end());
        DmStatus.Discards discards = rest.contains("no_discard_passdown") ? DmStatus.Discards.NO_PASSDOWN
                : rest.contains("ignore_discard") ? DmStatus.Discards.IGNORE : DmStatus.Discards.PASSDOWN;
        boolean outOfSpace = rest.contains("out_of_data_space");
        // libdevmapper looks for "ro " (with its blank): a read-only pool, not "rw".
        boolean readOnly = !outOfSpace && rest.contains("ro ");
        return new Result.Read(new DmStatus.ThinPool(num(m.group(1)), num(m.group(2)), num(m.group(3)), num(m.group(4)),
                num(m.group(5)), discards, outOfSpace, readOnly, rest.contains("error_if_no_space"), rest.contains("needs_check"),
                false, false));
    }

    /** {@code <mapped sectors> <highest mapped sector>}, "-" when nothing is mapped, or "Fail". */
    private static Result thin(String p) {
        if (p.indexOf('-') >= 0) {
            // libdevmapper reads nothing from a status holding a '-' ("0 -": nothing mapped yet).
            return new Result.Read(new DmStatus.Thin(0, 0, false));
        }
        if (p.contains("Fail")) {
            return new Result.Read(new DmStatus.Thin(0, 0, true));
        }
        Matcher m = THIN.matcher(p);
        if (!m.find()) {
            return bad("thin", p, "<mapped sectors> <highest mapped sector>");
        }
        return new Result.Read(new DmStatus.Thin(num(m.group(1)), num(m.group(2)), false));
    }

    /** {@code <raid type> <#devs> <health chars> <in sync>/<total regions> [<sync action> <mismatches> [<data offset>]]} */
    private static Result raid(String p) {
        String[] f = fields(p);
        if (f.length < 4) {
            return bad("raid", p, "<raid_type> <#devices> <health_chars> <sync_ratio>");
        }
        String[] ratio = f[3].split("/", -1);
        if (ratio.length != 2) {
            return bad("raid", p, "<in sync>/<total regions>");
        }
        int devs = Integer.parseInt(f[1]);
        long insync = num(ratio[0]);
        long total = num(ratio[1]);
        String action = f.length >= 6 ? f[4] : "";
        long mismatches = f.length >= 6 ? num(f[5]) : 0;
        long dataOffset = f.length >= 7 ? num(f[6]) : 0;
        if (insync == total) {
            // libdevmapper: in sync by the count while some legs are still 'a' (alive, not in
            // sync) and the array idles or recovers means recovery is about to start: one short.
            long alive = f[2].chars().limit(devs).filter(c -> c == 'a').count();
            if (alive > 0 && alive < devs && (action.equalsIgnoreCase("recover") || action.equalsIgnoreCase("idle"))) {
                insync--;
            }
        }
        return new Result.Read(new DmStatus.Raid(f[0], devs, f[2], insync, total, action, mismatches, dataOffset));
    }

    /**
     * {@code <md block size> <used>/<total md blocks> <block size> <used>/<total blocks> <read hits>
     * <read misses> <write hits> <write misses> <demotions> <promotions> <dirty> <#features>
     * <features>* <#core args> <core args>* <policy> <#policy args> <policy args>* <rw|ro> ...}
     */
    private static Result cache(String p) {
        boolean error = p.contains("Error");
        if (error || p.contains("Fail")) {
            return new Result.Read(new DmStatus.Cache(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), List.of(), "", List.of(),
                    false, false, true, error));
        }
        String[] f = fields(p);
        if (f.length < 12) {
            return bad("cache", p, "<metadata block size> <used>/<total metadata blocks> <block size> <used>/<total blocks> and "
                    + "eight counters");
        }
        String[] md = f[1].split("/", -1);
        String[] blocks = f[3].split("/", -1);
        if (md.length != 2 || blocks.length != 2) {
            return bad("cache", p, "<used>/<total> block counts");
        }
        int i = 11;
        int features = Integer.parseInt(f[i++]);
        List<String> feature = new ArrayList<>(Arrays.asList(f).subList(i, i + features));
        i += features;
        int coreArgc = Integer.parseInt(f[i++]);
        List<String> core = new ArrayList<>(Arrays.asList(f).subList(i, i + coreArgc));
        i += coreArgc;
        String policy = f[i++];
        int policyArgc = Integer.parseInt(f[i++]);
        List<String> policyArgs = new ArrayList<>(Arrays.asList(f).subList(i, i + policyArgc));
        i += policyArgc;
        String tail = " " + String.join(" ", Arrays.asList(f).subList(i, f.length));
        return new Result.Read(new DmStatus.Cache(num(f[0]), num(md[0]), num(md[1]), num(f[2]), num(blocks[0]), num(blocks[1]),
                num(f[4]), num(f[5]), num(f[6]), num(f[7]), num(f[8]), num(f[9]), num(f[10]), feature, core, policy, policyArgs,
                tail.contains(" ro"), tail.contains(" needs_check"), false, false));
    }

    /** {@code <error> <blocks> <free blocks> <blocks under writeback> ...} */
    private static Result writecache(String p) {
        String[] f = fields(p);
        if (f.length < 4) {
            return bad("writecache", p, "<error> <blocks> <free blocks> <writeback blocks>");
        }
        return new Result.Read(new DmStatus.Writecache(num(f[0]), num(f[1]), num(f[2]), num(f[3])));
    }

    /** {@code <used>/<total sectors> [<metadata sectors>]}, or Invalid, Merge failed, Overflow. */
    private static Result snapshot(String p) {
        Matcher m = SNAPSHOT.matcher(p);
        if (m.find()) {
            boolean md = m.group(3) != null;
            return new Result.Read(new DmStatus.Snapshot(num(m.group(1)), num(m.group(2)), md ? num(m.group(3)) : 0, md, false, false,
                    false));
        }
        return switch (p) {
            case "Invalid" -> new Result.Read(new DmStatus.Snapshot(0, 0, 0, false, true, false, false));
            case "Merge failed" -> new Result.Read(new DmStatus.Snapshot(0, 0, 0, false, false, true, false));
            case "Overflow" -> new Result.Read(new DmStatus.Snapshot(0, 0, 0, false, false, false, true));
            default -> bad("snapshot", p, "<used>/<total sectors> [<metadata sectors>], Invalid, Merge failed or Overflow");
        };
    }

    /** {@code <#devs> <maj:min>... <in sync>/<total regions> <#args> <health chars> <#log args> <log type> [<maj:min> <health>]} */
    private static Result mirror(String p) {
        String[] f = fields(p);
        int i = 0;
        int devs = Integer.parseInt(f[i++]);
        for (int d = 0; d < devs; d++) {
            if (!MAJ_MIN.matcher(f[i++]).matches()) {
                return bad("mirror", p, devs + " major:minor devices");
            }
        }
        String[] ratio = f[i++].split("/", -1);
        if (ratio.length != 2) {
            return bad("mirror", p, "<in sync>/<total regions>");
        }
        int argc = Integer.parseInt(f[i++]);
        String health = argc > 0 ? f[i] : "";
        i += argc;
        if (i < f.length && f[i].startsWith("userspace")) {
            i++;
        }
        int logArgc = Integer.parseInt(f[i++]);
        String logType = f[i];
        String logHealth = "";
        if (logArgc > 2 && logType.equals("disk")) {
            logHealth = f[i + logArgc - 1];
        }
        return new Result.Read(new DmStatus.Mirror(health.substring(0, Math.min(devs, health.length())), num(ratio[0]), num(ratio[1]),
                logType, logHealth));
    }

    private static String[] fields(String p) {
        String t = p.strip();
        return t.isEmpty() ? new String[0] : t.split(" +");
    }

    /** The kernel prints unsigned 64-bit counters. */
    private static long num(String s) {
        return Long.parseUnsignedLong(s);
    }
}
