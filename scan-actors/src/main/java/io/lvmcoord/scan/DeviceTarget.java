package io.lvmcoord.scan;

/**
 * A device to scan: the name reports use (what the operator typed, e.g. an image name) and the
 * path opened (the same, or a temporary copy of a gzipped image).
 *
 * @param followLinks whether a symbolic link at {@code path} is followed when the device is
 *                    opened. Off for devices found in a directory that others may write: the
 *                    check made when the directory was listed could otherwise be raced by
 *                    swapping the file for a link (the open then fails with ELOOP)
 */
public record DeviceTarget(String name, String path, boolean followLinks) {
    /** A device named by the operator (a list, sysfs): links such as /dev/disk/by-id are followed. */
    public DeviceTarget(String name, String path) {
        this(name, path, true);
    }

    public static DeviceTarget of(String path) {
        return new DeviceTarget(path, path);
    }
}
