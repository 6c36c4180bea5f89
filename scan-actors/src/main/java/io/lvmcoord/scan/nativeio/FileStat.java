package io.lvmcoord.scan.nativeio;

/**
 * The fields of {@code struct stat} the scanner needs.
 *
 * @param mode st_mode (type and permission bits)
 * @param size st_size in bytes (0 for block devices; ask BLKGETSIZE64)
 * @param rdev st_rdev, the device number of a device node
 */
public record FileStat(int mode, long size, long rdev) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFIFO = 0010000;

    public boolean isBlockDevice() {
        return (mode & S_IFMT) == S_IFBLK;
    }

    public boolean isRegularFile() {
        return (mode & S_IFMT) == S_IFREG;
    }

    public boolean isFifo() {
        return (mode & S_IFMT) == S_IFIFO;
    }
}
