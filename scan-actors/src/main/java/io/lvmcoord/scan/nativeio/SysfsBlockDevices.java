package io.lvmcoord.scan.nativeio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Block devices as listed by sysfs ({@code /sys/class/block}: one symlink per disk and
 * partition). Plain file reads, no system calls of our own; it lives here because it is the
 * OS's view and tests point it at a fake tree.
 *
 * <p>Devices come and go while we read: one whose {@code dev} or {@code size} has vanished is
 * skipped. One that vanishes after those were read is still returned with what was read;
 * the remove uevent that follows corrects it.
 */
public final class SysfsBlockDevices {
    public static final Path SYS_CLASS_BLOCK = Path.of("/sys/class/block");
    private static final long SECTOR_BYTES = 512;

    private SysfsBlockDevices() {
    }

    /** Every readable block device under {@code sysClassBlock}, sorted by name. */
    public static List<BlockDeviceInfo> list(Path sysClassBlock) throws IOException {
        List<String> names = entries(sysClassBlock);
        if (names == null) {
            throw new NoSuchFileException(sysClassBlock.toString(), null, "no sysfs block class here");
        }
        List<BlockDeviceInfo> devices = new ArrayList<>(names.size());
        for (String name : names) {
            read(sysClassBlock, name).ifPresent(devices::add);
        }
        return devices;
    }

    /** One device, or empty when it does not exist (any more) or its {@code dev} is not "major:minor". */
    public static Optional<BlockDeviceInfo> read(Path sysClassBlock, String name) throws IOException {
        Path dir = sysClassBlock.resolve(name);
        String dev = attribute(dir.resolve("dev"));
        String size = attribute(dir.resolve("size"));
        if (dev == null || size == null) {
            return Optional.empty();
        }
        int colon = dev.indexOf(':');
        int major;
        int minor;
        long sectors;
        try {
            major = Integer.parseInt(dev.substring(0, Math.max(colon, 0)));
            minor = Integer.parseInt(dev.substring(colon + 1));
            sectors = Long.parseLong(size);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (major <= 0 || minor < 0 || sectors < 0) {
            return Optional.empty();
        }
        List<String> holders = entries(dir.resolve("holders"));
        List<String> slaves = entries(dir.resolve("slaves"));
        String dmUuid = attribute(dir.resolve("dm/uuid"));
        String partition = attribute(dir.resolve("partition"));
        return Optional.of(new BlockDeviceInfo(name, "/dev/" + name.replace('!', '/'), major, minor,
                sectors * SECTOR_BYTES, partition != null, "1".equals(attribute(dir.resolve("ro"))),
                "1".equals(attribute(dir.resolve("removable"))), attribute(dir.resolve("dm/name")),
                dmUuid == null || dmUuid.isEmpty() ? null : dmUuid,
                holders == null ? List.of() : holders, slaves == null ? List.of() : slaves, idAttributes(dir, partition)));
    }

    /**
     * What lvm2 reads for device IDs. lvm2 reads a partition's attribute and, when that is
     * empty, its disk's: the disk is the partition's parent dir in the real sysfs tree.
     */
    private static BlockDeviceInfo.IdAttributes idAttributes(Path dir, String partition) {
        int number = 0;
        Path disk = null;
        if (partition != null) {
            try {
                number = Integer.parseInt(partition);
            } catch (NumberFormatException e) {
                number = 0;
            }
            try {
                disk = dir.toRealPath().getParent();
            } catch (IOException e) {
                disk = null;
            }
        }
        String wwid = idAttribute(dir, disk, "device/wwid");
        if (wwid == null) {
            wwid = idAttribute(dir, disk, "wwid");
        }
        return new BlockDeviceInfo.IdAttributes(number, wwid, idAttribute(dir, disk, "device/serial"),
                idAttribute(dir, disk, "dm/uuid"), idAttribute(dir, disk, "md/uuid"),
                idAttribute(dir, disk, "loop/backing_file"));
    }

    /** An ID attribute; one that cannot be read counts as empty, as lvm2's get_sysfs_value makes it. */
    private static String idAttribute(Path dir, Path disk, String suffix) {
        String v = readQuietly(dir.resolve(suffix));
        if ((v == null || v.isEmpty()) && disk != null) {
            v = readQuietly(disk.resolve(suffix));
        }
        return v == null || v.isEmpty() ? null : v;
    }

    private static String readQuietly(Path file) {
        try {
            return attribute(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** The trimmed content of a sysfs attribute, or null when it does not exist. */
    private static String attribute(Path file) throws IOException {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            if (vanished(e)) {
                return null;
            }
            throw e;
        }
    }

    /** Sorted entry names of a directory, or null when it does not exist. */
    private static List<String> entries(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            if (vanished(e)) {
                return null;
            }
            throw e;
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** ENOENT, or ENODEV from the attribute of a device being torn down. */
    private static boolean vanished(IOException e) {
        return e instanceof NoSuchFileException || e instanceof NotDirectoryException
                || e instanceof FileSystemException f && "No such device".equals(f.getReason());
    }
}
