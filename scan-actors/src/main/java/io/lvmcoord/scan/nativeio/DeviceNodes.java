package io.lvmcoord.scan.nativeio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The names of block devices under lvm2's {@code devices/scan} dirs (default /dev), found as
 * lvm2's dev-cache finds them: each dir is read in byte order of its entry names, skipping names
 * that start with '.'; an entry is stat()ed (following symlinks): a block device adds a name
 * for its device number, a dir is entered unless it is itself a symlink or on another filesystem
 * than the scan dir; anything else is ignored. So /dev/disk/by-id/* and /dev/mapper/* symlinks
 * become names of the device they point at, and /dev/fd (a symlink to /proc) is not entered.
 *
 * @param namesByDevice per device ("major:minor"), its names in the order met
 * @param symlinks      the names that are symlinks
 * @param warnings      lvm2's warning for a scan dir it cannot use
 */
public record DeviceNodes(Map<String, List<String>> namesByDevice, Set<String> symlinks, List<String> warnings) {

    public DeviceNodes {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        namesByDevice.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        namesByDevice = Collections.unmodifiableMap(copy);
        symlinks = Set.copyOf(symlinks);
        warnings = List.copyOf(warnings);
    }

    /** The names of device {@code major:minor}, in scan order (empty when it has no node). */
    public List<String> names(int major, int minor) {
        return namesByDevice.getOrDefault(major + ":" + minor, List.of());
    }

    /** Scans {@code dirs} in order. */
    public static DeviceNodes scan(List<Path> dirs) {
        Map<String, List<String>> names = new LinkedHashMap<>();
        Set<String> links = new HashSet<>();
        List<String> warnings = new ArrayList<>();
        for (Path dir : dirs) {
            Object rootDev;
            try {
                rootDev = Files.getAttribute(dir, "unix:dev");
            } catch (IOException | UnsupportedOperationException e) {
                // lvm2's own words for a scan dir it cannot use; the other dirs are still scanned.
                warnings.add("WARNING: Cannot use dir " + dir + ", " + reason(e) + ".");
                continue;
            }
            walk(dir, rootDev, names, links);
        }
        return new DeviceNodes(names, links, warnings);
    }

    private static String reason(Exception e) {
        return e instanceof NoSuchFileException ? "No such file or directory" : String.valueOf(e.getMessage());
    }

    private static void walk(Path dir, Object rootDev, Map<String, List<String>> names, Set<String> links) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (!p.getFileName().toString().startsWith(".")) {
                    entries.add(p);
                }
            }
        } catch (IOException e) {
            return; // gone or unreadable: lvm2 skips it the same way
        }
        entries.sort(Comparator.comparing(p -> p.getFileName().toString().getBytes(StandardCharsets.UTF_8),
                Arrays::compareUnsigned));
        for (Path p : entries) {
            Map<String, Object> st;
            try {
                st = Files.readAttributes(p, "unix:mode,rdev,dev");
            } catch (IOException e) {
                continue;
            }
            int type = ((Integer) st.get("mode")) & 0170000;
            boolean link = Files.isSymbolicLink(p);
            if (type == 0040000) {
                if (!link && rootDev.equals(st.get("dev"))) {
                    walk(p, rootDev, names, links);
                }
            } else if (isBlockDevice(st)) {
                long rdev = (Long) st.get("rdev");
                String key = major(rdev) + ":" + minor(rdev);
                String name = p.toString();
                List<String> list = names.computeIfAbsent(key, k -> new ArrayList<>());
                if (!list.contains(name)) {
                    list.add(name);
                }
                if (link) {
                    links.add(name);
                }
            }
        }
    }

    /**
     * The major and minor number of the block device node {@code node} (symlinks followed), or
     * empty for anything else: a regular file (a PV image), a name that does not exist.
     */
    public static Optional<long[]> numbersOf(Path node) {
        Map<String, Object> st;
        try {
            st = Files.readAttributes(node, "unix:mode,rdev");
        } catch (IOException | UnsupportedOperationException e) {
            // Gone, unreadable, or no unix attributes on this platform: not a device node here,
            // which is what the caller asks (lvm2 prints 0:0 for a PV it has no device for).
            return Optional.empty();
        }
        if (!isBlockDevice(st)) {
            return Optional.empty();
        }
        long rdev = (Long) st.get("rdev");
        return Optional.of(new long[]{major(rdev), minor(rdev)});
    }

    private static boolean isBlockDevice(Map<String, Object> st) {
        return (((Integer) st.get("mode")) & 0170000) == 0060000;
    }

    /** glibc's major() of a dev_t. */
    static int major(long rdev) {
        return (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
    }

    /** glibc's minor() of a dev_t. */
    static int minor(long rdev) {
        return (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
    }
}
