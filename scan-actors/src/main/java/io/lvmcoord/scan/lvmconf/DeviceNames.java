package io.lvmcoord.scan.lvmconf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The order lvm2 keeps a device's names in (dev-cache.c, without {@code devices/preferred_names}):
 * names are added in the order the scan of the {@code devices/scan} dirs meets them, and each new
 * name goes to the front when lvm2 prefers it to the current first name, else to the back. So
 * only the first name, the one lvm2 reports, is "the best"; the rest keep their scan order.
 *
 * <p>Preference between two names: with {@code devices/preferred_names} set, a name matching an
 * earlier pattern of it beats one matching a later pattern or none. Then, under the dev dir, a
 * name not under /dev/block/ beats one that is, then likewise for /dev/dm-*, /dev/disk/ and
 * /dev/mapper/; then fewer slashes; then, after their common prefix, a symlink beats a node;
 * then byte order.
 */
public final class DeviceNames {
    private static final String DEV_DIR = "/dev/";
    private static final String[] LESS_PREFERRED = {"block/", "dm-", "disk/"};
    private static final String MAPPER = "/dev/mapper";

    private DeviceNames() {
    }

    /**
     * @param scanOrder the names in the order the dir scan met them
     * @param symlinks  which of them are symlinks
     */
    public static List<String> order(List<String> scanOrder, Set<String> symlinks) {
        return order(scanOrder, symlinks, List.of());
    }

    /** As {@link #order(List, Set)} with {@code devices/preferred_names} compiled ({@link RegexFilter#toJava}). */
    public static List<String> order(List<String> scanOrder, Set<String> symlinks, List<Pattern> preferred) {
        List<String> out = new ArrayList<>();
        for (String name : scanOrder) {
            if (out.contains(name)) {
                continue;
            }
            if (out.isEmpty() || prefersFirst(name, out.get(0), symlinks, preferred)) {
                out.add(0, name);
            } else {
                out.add(name);
            }
        }
        return out;
    }

    /** Whether lvm2 prefers {@code a} to {@code b} (its _compare_paths returning 0). */
    static boolean prefersFirst(String a, String b, Set<String> symlinks, List<Pattern> preferred) {
        int ma = firstMatch(preferred, a);
        int mb = firstMatch(preferred, b);
        if (ma != mb) {
            return mb < 0 || (ma >= 0 && ma < mb);
        }
        if (a.startsWith(DEV_DIR) && b.startsWith(DEV_DIR)) {
            for (String sub : LESS_PREFERRED) {
                boolean ra = a.startsWith(sub, DEV_DIR.length());
                boolean rb = b.startsWith(sub, DEV_DIR.length());
                if (ra != rb) {
                    return !ra;
                }
                if (ra) {
                    return byShape(a, b, symlinks);
                }
            }
            boolean ra = a.startsWith(MAPPER);
            boolean rb = b.startsWith(MAPPER);
            if (ra != rb) {
                return !ra;
            }
        }
        return byShape(a, b, symlinks);
    }

    private static int firstMatch(List<Pattern> patterns, String name) {
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matcher(name).find()) {
                return i;
            }
        }
        return -1;
    }

    private static boolean byShape(String a, String b, Set<String> symlinks) {
        long sa = a.chars().filter(c -> c == '/').count();
        long sb = b.chars().filter(c -> c == '/').count();
        if (sa != sb) {
            return sa < sb;
        }
        int i = 1;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        // Walk the remaining components; only a whole name can be a symlink, since the scan
        // never enters symlinked dirs.
        int ea = a.indexOf('/', i);
        int eb = b.indexOf('/', i);
        while (true) {
            String pa = ea < 0 ? a : a.substring(0, ea);
            String pb = eb < 0 ? b : b.substring(0, eb);
            boolean la = symlinks.contains(pa);
            boolean lb = symlinks.contains(pb);
            if (la != lb) {
                return la;
            }
            if (ea < 0 || eb < 0) {
                break;
            }
            ea = a.indexOf('/', ea + 1);
            eb = b.indexOf('/', eb + 1);
        }
        return a.compareTo(b) < 0;
    }
}
