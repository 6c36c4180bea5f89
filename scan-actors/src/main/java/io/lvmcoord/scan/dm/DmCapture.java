package io.lvmcoord.scan.dm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a {@link DmState} as a vmlab recording's {@code dm/} folder
 * ({@code tools/vmlab/tools/dm-collect.sh}), so that {@link DmRecording#read} reads it back and
 * the files compare line for line with {@code dmsetup}'s:
 * <ul>
 *   <li>{@code info.txt}: {@code dmsetup info -c --noheadings --separator '|' -o
 *       name,uuid,major,minor,open,attr,segments,events,blkdevname}</li>
 *   <li>{@code status.txt}, {@code table.txt}: {@code dmsetup status --noflush} (as lvm2 asks), {@code dmsetup table}</li>
 *   <li>{@code version.txt}: the driver line of {@code dmsetup version}</li>
 *   <li>{@code proc/partitions} and {@code sysfs/block/NAME/...} for every dm device and the devices it
 *       holds (dm-collect.sh's files plus {@code bdi/read_ahead_kb}), copied from the roots given:
 *       the live {@code /sys} and {@code /proc}, or another recording's copies</li>
 *   <li>{@code commands.txt}: {@code FILE<TAB>exit code<TAB>what produced it}</li>
 * </ul>
 * No kernel call is made here: the state and the roots are the input.
 */
public final class DmCapture {

    /** dm-collect.sh's files of each block device, plus the read-ahead (DmRecording reads it). */
    static final List<String> SYSFS_FILES = List.of("dev", "size", "ro", "removable", "queue/logical_block_size", "dm/name", "dm/uuid",
            "dm/suspended", "dm/use_blk_mq", "bdi/read_ahead_kb");
    static final String INFO_COMMAND = "dmsetup info -c --noheadings --separator '|' -o "
            + "name,uuid,major,minor,open,attr,segments,events,blkdevname";

    private DmCapture() {
    }

    /**
     * Writes {@code state} into {@code dir} (which must exist), copying sysfs entries from
     * {@code sysfsRoot} and {@code partitions} from {@code procRoot}; either root may lack them
     * (a copy is then left out). Returns the files written, relative to {@code dir}.
     */
    public static List<Path> write(DmState state, Path sysfsRoot, Path procRoot, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        written.add(text(dir, "info.txt", info(state)));
        written.add(text(dir, "table.txt", targets(state, true)));
        written.add(text(dir, "status.txt", targets(state, false)));
        // dmsetup version also prints "Library version:", libdevmapper's; lvmcoord asks the kernel
        // directly and has no libdevmapper, so only the driver's line is true of this capture.
        written.add(text(dir, "version.txt", state.driverVersion().isEmpty() ? "" : "Driver version:    " + state.driverVersion() + "\n"));
        List<String> commands = new ArrayList<>(List.of(
                "info.txt\t0\tDM_LIST_DEVICES, DM_DEV_STATUS per device, printed as " + INFO_COMMAND,
                "table.txt\t0\tDM_TABLE_STATUS with DM_STATUS_TABLE_FLAG per device, printed as dmsetup table",
                "status.txt\t0\tDM_TABLE_STATUS per device without flushing, printed as dmsetup status --noflush",
                "version.txt\t0\tDM_VERSION, printed as the driver line of dmsetup version"));
        Path partitions = procRoot.resolve("partitions");
        if (Files.exists(partitions)) {
            Files.createDirectories(dir.resolve("proc"));
            Files.copy(partitions, dir.resolve("proc/partitions"));
            written.add(Path.of("proc/partitions"));
            commands.add("proc/partitions\t0\tcopy of " + partitions);
        }
        int copied = 0;
        for (String name : heldAndHolding(state, sysfsRoot)) {
            copied += copyBlockDevice(sysfsRoot, name, dir, written);
        }
        if (copied > 0) {
            commands.add("sysfs\t0\tcopy of " + sysfsRoot.resolve("block") + "/NAME/{" + String.join(",", SYSFS_FILES)
                    + ",holders/*,slaves/*} for each dm device and the devices it holds");
        }
        written.add(text(dir, "commands.txt", String.join("\n", commands) + "\n"));
        return written;
    }

    /** dmsetup's "No devices found" instead of lines when there are none. */
    static String info(DmState state) {
        if (state.devices().isEmpty()) {
            return DmRecording.NO_DEVICES + "\n";
        }
        StringBuilder out = new StringBuilder();
        for (DmDevice d : state.devices()) {
            String attr = "" + (d.liveTable() ? 'L' : '-') + (d.inactiveTable() ? 'I' : '-') + (d.suspended() ? 's' : '-')
                    + (d.readOnly() ? 'r' : 'w');
            // segments: the live table's targets, which is what DM_DEV_STATUS counts (0 without a live table).
            out.append(String.join("|", d.name(), d.uuid(), Integer.toString(d.major()), Integer.toString(d.minor()),
                    Integer.toString(d.openCount()), attr, Integer.toString(d.statuses().size()), Long.toString(d.eventNr()),
                    kernelName(d))).append('\n');
        }
        return out.toString();
    }

    /**
     * dmsetup's lines: "{@code name: start length target params}", the blank after the target
     * printed even when the parameters are empty; a device without a live table prints only
     * "{@code name: }".
     */
    static String targets(DmState state, boolean table) {
        if (state.devices().isEmpty()) {
            return DmRecording.NO_DEVICES + "\n";
        }
        StringBuilder out = new StringBuilder();
        for (DmDevice d : state.devices()) {
            List<DmStatusLine> lines = table ? d.tables() : d.statuses();
            if (lines.isEmpty()) {
                out.append(d.name()).append(": \n");
            }
            for (DmStatusLine l : lines) {
                out.append(d.name()).append(": ").append(l.start()).append(' ').append(l.length()).append(' ').append(l.target())
                        .append(' ').append(l.params()).append('\n');
            }
        }
        return out.toString();
    }

    /** A dm device's kernel name is {@code dm-<minor>} (dmsetup's blkdevname). */
    static String kernelName(DmDevice d) {
        return "dm-" + d.minor();
    }

    /** The dm devices of the state, then the devices they hold (listed in their {@code slaves/}), each once. */
    private static Set<String> heldAndHolding(DmState state, Path sysfsRoot) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (DmDevice d : state.devices()) {
            names.add(kernelName(d));
        }
        for (DmDevice d : state.devices()) {
            Path slaves = blockDir(sysfsRoot, kernelName(d)).resolve("slaves");
            if (Files.isDirectory(slaves)) {
                try (Stream<Path> s = Files.list(slaves)) {
                    s.map(p -> p.getFileName().toString()).sorted().forEach(names::add);
                }
            }
        }
        return names;
    }

    /** {@code block/NAME}; a partition (a dm device on sda1) is only under {@code class/block/NAME}. */
    private static Path blockDir(Path sysfsRoot, String name) {
        Path block = sysfsRoot.resolve("block").resolve(name);
        return Files.exists(block) ? block : sysfsRoot.resolve("class/block").resolve(name);
    }

    /**
     * dm-collect.sh's copy of one device: each attribute's first line, and each holders/slaves
     * symbolic link as a file holding its target (a recording's such file is copied as it is).
     * Returns the files copied.
     */
    private static int copyBlockDevice(Path sysfsRoot, String name, Path dir, List<Path> written) throws IOException {
        Path from = blockDir(sysfsRoot, name);
        if (!Files.isDirectory(from)) {
            return 0;
        }
        Path rel = Path.of("sysfs/block", name);
        int n = 0;
        for (String f : SYSFS_FILES) {
            Path src = from.resolve(f);
            if (!Files.isRegularFile(src)) {
                continue;
            }
            String line;
            try {
                line = firstLine(src);
            } catch (NoSuchFileException gone) {
                continue;
            }
            written.add(text(dir, rel.resolve(f).toString(), line + "\n"));
            n++;
        }
        for (String links : List.of("holders", "slaves")) {
            Path d = from.resolve(links);
            if (!Files.isDirectory(d)) {
                continue;
            }
            List<Path> entries;
            try (Stream<Path> s = Files.list(d)) {
                entries = s.sorted().toList();
            }
            for (Path e : entries) {
                String target = Files.isSymbolicLink(e) ? Files.readSymbolicLink(e).toString() : firstLine(e);
                written.add(text(dir, rel.resolve(links).resolve(e.getFileName().toString()).toString(), target + "\n"));
                n++;
            }
        }
        return n;
    }

    private static String firstLine(Path p) throws IOException {
        String s = Files.readString(p, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Path text(Path dir, String rel, String content) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return Path.of(rel);
    }
}
