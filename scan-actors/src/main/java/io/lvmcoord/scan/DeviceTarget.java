package io.lvmcoord.scan;

/**
 * A device to scan: the name reports use (what the operator typed, e.g. an image name) and the
 * path opened (the same, or a temporary copy of a gzipped image).
 */
public record DeviceTarget(String name, String path) {
    public static DeviceTarget of(String path) {
        return new DeviceTarget(path, path);
    }
}
