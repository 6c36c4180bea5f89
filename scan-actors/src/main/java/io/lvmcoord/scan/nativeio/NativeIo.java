package io.lvmcoord.scan.nativeio;

/**
 * Every system call lvmcoord makes on devices, shaped like the calls themselves. The only
 * implementation that touches the OS is {@link LinuxNativeIo}; tests substitute fakes to inject
 * faults. All methods throw {@link NativeIoException} carrying errno.
 */
public interface NativeIo {
    /** O_RDONLY. */
    int O_RDONLY = 0;
    /** x86_64 value; bypasses the page cache so another host's writes are seen. */
    int O_DIRECT = 0x4000;
    /** Reading must not update atime (and needs no write access). */
    int O_NOATIME = 0x40000;
    int O_CLOEXEC = 0x80000;
    /** x86_64 value; the open fails with ELOOP when the last component is a symbolic link. */
    int O_NOFOLLOW = 0x20000;

    int open(String path, int flags) throws NativeIoException;

    /** Reads into native memory at {@code address}; returns the bytes read (short at end of device). */
    int pread(int fd, long address, int length, long offset, String target) throws NativeIoException;

    /** Sequential read, for files that cannot seek (FIFOs, some character devices). */
    int read(int fd, long address, int length, String target) throws NativeIoException;

    void close(int fd) throws NativeIoException;

    FileStat fstat(int fd, String target) throws NativeIoException;

    /** BLKGETSIZE64: size of a block device in bytes. */
    long blockDeviceSize(int fd, String target) throws NativeIoException;

    /** BLKSSZGET: logical sector size of a block device. */
    int logicalBlockSize(int fd, String target) throws NativeIoException;
}
