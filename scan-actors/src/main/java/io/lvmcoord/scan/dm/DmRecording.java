package io.lvmcoord.scan.dm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A host's device-mapper state as recorded in a scenario's {@code dm/} folder
 * ({@code ../shared/tools/vmlab/capture-dm.sh}): {@code info.txt} is
 * {@code dmsetup info -c --noheadings --separator '|' -o name,uuid,major,minor,open,attr,...}
 * and {@code status.txt} is {@code dmsetup status}. What the live kernel answers through the DM
 * ioctls has the same shape, so reports can be computed from either.
 */
public final class DmRecording {

    /** A line of a recording that is not what the recorder writes; named so the recording can be fixed. */
    public static final class BadRecording extends IOException {
        public BadRecording(Path file, int line, String text, String expected) {
            super(file + ":" + line + ": expected " + expected + ", found \"" + text + "\"");
        }
    }

    /** What dmsetup prints instead of lines when the kernel lists no device. */
    static final String NO_DEVICES = "No devices found";

    private DmRecording() {
    }

    /** Reads the recording in {@code dmDir} each time it is asked (a test may swap the files between reads). */
    public static DmSource source(Path dmDir) {
        return () -> read(dmDir);
    }

    /**
     * The state recorded in {@code dmDir}: devices in info.txt's order, each with its status and table lines,
     * and its read-ahead when the sysfs snapshot has {@code bdi/read_ahead_kb}.
     */
    public static DmState read(Path dmDir) throws IOException {
        Map<String, List<DmStatusLine>> statuses = targetLines(dmDir.resolve("status.txt"), true);
        Map<String, List<DmStatusLine>> tables = targetLines(dmDir.resolve("table.txt"), false);
        List<DmDevice> out = new ArrayList<>();
        Path info = dmDir.resolve("info.txt");
        List<String> infoLines = Files.readAllLines(info);
        for (int i = 0; i < infoLines.size(); i++) {
            String l = infoLines.get(i);
            if (l.isBlank() || l.equals(NO_DEVICES)) {
                continue;
            }
            String[] f = l.split("\\|", -1);
            if (f.length < 6 || f[5].length() < 4) {
                throw new BadRecording(info, i + 1, l, "name|uuid|major|minor|open|attr|...");
            }
            String attr = f[5];
            try {
                // dmsetup's attr: L live table / - none, I inactive table / -, s suspended / -, r read-only / w writable.
                int minor = Integer.parseInt(f[3]);
                out.add(new DmDevice(f[0], f[1], Integer.parseInt(f[2]), minor, Integer.parseInt(f[4]),
                        attr.charAt(2) == 's', attr.charAt(3) == 'r', attr.charAt(0) == 'L', attr.charAt(1) == 'I',
                        statuses.getOrDefault(f[0], List.of()), tables.getOrDefault(f[0], List.of()),
                        readAhead(dmDir, f.length > 8 && !f[8].isEmpty() ? f[8] : "dm-" + minor),
                        f.length > 7 && !f[7].isEmpty() ? Long.parseLong(f[7]) : 0));
            } catch (NumberFormatException e) {
                throw new BadRecording(info, i + 1, l, "numbers for major, minor, open count and events");
            }
        }
        return new DmState(driverVersion(dmDir.resolve("version.txt")), out);
    }

    /**
     * A recorded block device's major and minor number ({@code sysfs/block/NAME/dev}), by kernel name (the device
     * file's own name, {@code vdb} for {@code /dev/vdb}); empty when the recording has no such device.
     */
    public static Optional<long[]> deviceNumbers(Path dmDir, String kernelName) {
        Path dev = dmDir.resolve("sysfs/block").resolve(kernelName).resolve("dev");
        if (kernelName.isEmpty() || kernelName.contains("/") || kernelName.startsWith(".") || !Files.isRegularFile(dev)) {
            return Optional.empty();
        }
        try {
            String[] mm = Files.readString(dev).strip().split(":");
            return mm.length == 2 ? Optional.of(new long[] {Long.parseLong(mm[0]), Long.parseLong(mm[1])}) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** status.txt or table.txt by device name; a missing table.txt (older recordings) is no tables. */
    private static Map<String, List<DmStatusLine>> targetLines(Path file, boolean required) throws IOException {
        Map<String, List<DmStatusLine>> byDevice = new LinkedHashMap<>();
        if (!required && !Files.exists(file)) {
            return byDevice;
        }
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            // "name: " alone is a device without a live table: dmsetup prints the name and no target.
            String t = l.stripTrailing();
            if (t.isEmpty() || t.equals(NO_DEVICES) || t.endsWith(":")) {
                continue;
            }
            Optional<DmStatusLine> s = DmStatusLine.parse(l);
            if (s.isEmpty()) {
                throw new BadRecording(file, i + 1, l, "name: start length target [params]");
            }
            byDevice.computeIfAbsent(s.get().device(), k -> new ArrayList<>()).add(s.get());
        }
        return byDevice;
    }

    private static long readAhead(Path dmDir, String kernelName) throws IOException {
        Path kb = dmDir.resolve("sysfs/block").resolve(kernelName).resolve("bdi/read_ahead_kb");
        if (!Files.exists(kb)) {
            return DmDevice.UNKNOWN_READ_AHEAD;
        }
        String v = Files.readString(kb).strip();
        try {
            return Long.parseLong(v) * 2;
        } catch (NumberFormatException e) {
            throw new BadRecording(kb, 1, v, "a number of KiB");
        }
    }

    /** {@code dmsetup version}'s "Driver version:    4.47.0" line. */
    private static String driverVersion(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        for (String l : Files.readAllLines(file)) {
            if (l.startsWith("Driver version:")) {
                return l.substring("Driver version:".length()).strip();
            }
        }
        return "";
    }
}
