package io.lvmcoord.scan.nativeio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte layout of the device-mapper ioctls, version 4 ({@code linux/dm-ioctl.h}), without
 * any system call: requests are encoded into, and replies decoded from, plain byte arrays so
 * that the layout is unit-tested against bytes laid out by hand.
 *
 * <p>Every DM ioctl passes one buffer that starts with {@code struct dm_ioctl} (312 bytes on
 * every Linux ABI: it has no pointers and its one 64-bit field is naturally aligned).
 * {@code data_size} is the whole buffer, {@code data_start} where the command's payload begins.
 * When the payload does not fit, the kernel sets {@link #BUFFER_FULL_FLAG} and the caller asks
 * again with a bigger buffer. Payloads: {@code DM_LIST_DEVICES} writes a chain of
 * {@code struct dm_name_list} (each {@code next} counted from that entry, 0 ends it);
 * {@code DM_TABLE_STATUS} writes {@code target_count} {@code struct dm_target_spec}, each
 * followed by its NUL-terminated text and padded to 8 bytes, each {@code next} counted from
 * {@code data_start}. Integers are in the host's byte order.
 */
public final class DmIoctl {

    /** sizeof(struct dm_ioctl): 40 bytes of counters, dev (8), name[128], uuid[129], data[7]. */
    public static final int HEADER_SIZE = 312;
    static final int OFF_VERSION = 0;
    static final int OFF_DATA_SIZE = 12;
    static final int OFF_DATA_START = 16;
    static final int OFF_TARGET_COUNT = 20;
    static final int OFF_OPEN_COUNT = 24;
    static final int OFF_FLAGS = 28;
    static final int OFF_EVENT_NR = 32;
    static final int OFF_DEV = 40;
    static final int OFF_NAME = 48;
    static final int OFF_UUID = 176;
    static final int NAME_LEN = 128;
    static final int UUID_LEN = 129;
    /** sizeof(struct dm_target_spec): sector_start, length, status, next, target_type[16]. */
    static final int TARGET_SPEC_SIZE = 40;
    static final int TARGET_TYPE_LEN = 16;
    /** offsetof(struct dm_name_list, name). */
    static final int NAME_LIST_NAME = 12;

    /** The interface version we speak: major 4 (the only one); minor and patch 0 ask for nothing newer. */
    static final int VERSION_MAJOR = 4;

    private static final int DM_IOCTL_TYPE = 0xfd;
    private static final long IOC_READ_WRITE = 3;

    // The ioctl numbers are _IOWR(0xfd, nr, struct dm_ioctl), computed rather than copied as hex:
    // the struct's size is part of each number, so writing it as HEADER_SIZE ties the numbers to
    // the layout above (a kernel with another layout would refuse them with ENOTTY, not misread them).
    public static final long DM_VERSION = ioWr(0);
    public static final long DM_LIST_DEVICES = ioWr(2);
    public static final long DM_DEV_STATUS = ioWr(7);
    public static final long DM_TABLE_STATUS = ioWr(12);

    public static final int READONLY_FLAG = 1;
    public static final int SUSPEND_FLAG = 1 << 1;
    /** Not the kernel's: libdevmapper sets it on every request and clears it itself when the device is gone. */
    public static final int EXISTS_FLAG = 1 << 2;
    /** In: {@code DM_TABLE_STATUS} returns the table lines instead of the status lines. */
    public static final int STATUS_TABLE_FLAG = 1 << 4;
    public static final int ACTIVE_PRESENT_FLAG = 1 << 5;
    public static final int INACTIVE_PRESENT_FLAG = 1 << 6;
    /** Out: the payload did not fit; ask again with a bigger buffer. */
    public static final int BUFFER_FULL_FLAG = 1 << 8;
    /**
     * In: report a status without flushing first. lvm2 asks every status so (dev_manager's
     * _info_run, with_flush 0); a flush would commit a thin or cache pool's open metadata
     * transaction and the metadata use lvm2 reports would differ from ours.
     */
    public static final int NOFLUSH_FLAG = 1 << 11;

    private DmIoctl() {
    }

    /** _IOC(_IOC_READ|_IOC_WRITE, 0xfd, nr, sizeof(struct dm_ioctl)): direction, size, type, number from the top bit down. */
    static long ioWr(int nr) {
        return (IOC_READ_WRITE << 30) | ((long) HEADER_SIZE << 16) | (DM_IOCTL_TYPE << 8) | nr;
    }

    /** The names the ioctl numbers go by, for error messages. */
    public static String name(long request) {
        if (request == DM_VERSION) {
            return "DM_VERSION";
        }
        if (request == DM_LIST_DEVICES) {
            return "DM_LIST_DEVICES";
        }
        if (request == DM_DEV_STATUS) {
            return "DM_DEV_STATUS";
        }
        if (request == DM_TABLE_STATUS) {
            return "DM_TABLE_STATUS";
        }
        return "DM ioctl 0x" + Long.toHexString(request);
    }

    /**
     * A request buffer of {@code size} bytes: version 4.0.0, the whole buffer as data, payload
     * right after the header, the device {@code name} ("" for commands on no device) and
     * {@code flags} (plus {@link #EXISTS_FLAG}, as libdevmapper sends).
     */
    public static byte[] request(int size, String name, int flags) {
        if (size < HEADER_SIZE) {
            throw new IllegalArgumentException("a DM ioctl buffer holds at least the " + HEADER_SIZE + "-byte header, asked for " + size);
        }
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length >= NAME_LEN) {
            throw new IllegalArgumentException("a dm device name has at most " + (NAME_LEN - 1) + " bytes, \"" + name + "\" has " + n.length);
        }
        byte[] out = new byte[size];
        ByteBuffer b = hostOrder(out);
        b.putInt(OFF_VERSION, VERSION_MAJOR);
        b.putInt(OFF_DATA_SIZE, size);
        b.putInt(OFF_DATA_START, HEADER_SIZE);
        b.putInt(OFF_FLAGS, flags | EXISTS_FLAG);
        System.arraycopy(n, 0, out, OFF_NAME, n.length);
        return out;
    }

    /** The header of a reply. */
    public record Header(int versionMajor, int versionMinor, int versionPatch, int dataSize, int dataStart, int targetCount,
                         int openCount, int flags, long eventNr, long dev, String name, String uuid) {

        public boolean bufferFull() {
            return (flags & BUFFER_FULL_FLAG) != 0;
        }

        public String version() {
            return versionMajor + "." + versionMinor + "." + versionPatch;
        }

        public DeviceMapper.Info info() {
            return new DeviceMapper.Info(name, uuid, major(dev), minor(dev), targetCount, openCount, eventNr, (flags & SUSPEND_FLAG) != 0,
                    (flags & READONLY_FLAG) != 0, (flags & ACTIVE_PRESENT_FLAG) != 0, (flags & INACTIVE_PRESENT_FLAG) != 0);
        }
    }

    public static Header header(byte[] reply) {
        if (reply.length < HEADER_SIZE) {
            throw new IllegalArgumentException("a DM ioctl reply starts with the " + HEADER_SIZE + "-byte header, got " + reply.length + " bytes");
        }
        ByteBuffer b = hostOrder(reply);
        return new Header(b.getInt(OFF_VERSION), b.getInt(OFF_VERSION + 4), b.getInt(OFF_VERSION + 8), b.getInt(OFF_DATA_SIZE),
                b.getInt(OFF_DATA_START), b.getInt(OFF_TARGET_COUNT), b.getInt(OFF_OPEN_COUNT), b.getInt(OFF_FLAGS),
                Integer.toUnsignedLong(b.getInt(OFF_EVENT_NR)), b.getLong(OFF_DEV), cString(reply, OFF_NAME, NAME_LEN),
                cString(reply, OFF_UUID, UUID_LEN));
    }

    /**
     * The devices of a {@code DM_LIST_DEVICES} reply. An empty list is one entry with dev 0. A
     * {@code next} that does not move forward inside the reply is refused: we would loop or read
     * past what the kernel wrote.
     */
    public static List<DeviceMapper.Listed> names(byte[] reply) {
        Header h = header(reply);
        int end = Math.min(h.dataSize(), reply.length);
        List<DeviceMapper.Listed> out = new ArrayList<>();
        if (h.dataStart() + NAME_LIST_NAME > end) {
            return out;
        }
        ByteBuffer b = hostOrder(reply);
        int at = h.dataStart();
        if (b.getLong(at) == 0) {
            return out;
        }
        while (true) {
            long dev = b.getLong(at);
            int next = b.getInt(at + 8);
            out.add(new DeviceMapper.Listed(cString(reply, at + NAME_LIST_NAME, end - at - NAME_LIST_NAME), major(dev), minor(dev)));
            if (next == 0) {
                return out;
            }
            if (next < NAME_LIST_NAME || at + next + NAME_LIST_NAME > end) {
                throw new IllegalStateException("DM_LIST_DEVICES reply: entry at " + at + " says the next is " + next
                        + " bytes on, outside the " + end + " bytes written");
            }
            at += next;
        }
    }

    /** The targets of a {@code DM_TABLE_STATUS} reply, in table order. */
    public static List<DeviceMapper.Target> targets(byte[] reply) {
        Header h = header(reply);
        int end = Math.min(h.dataSize(), reply.length);
        ByteBuffer b = hostOrder(reply);
        List<DeviceMapper.Target> out = new ArrayList<>();
        int at = h.dataStart();
        for (int i = 0; i < h.targetCount(); i++) {
            if (at + TARGET_SPEC_SIZE > end) {
                throw new IllegalStateException("DM_TABLE_STATUS reply: target " + i + " of " + h.targetCount() + " at " + at
                        + " lies past the " + end + " bytes written");
            }
            long start = b.getLong(at);
            long length = b.getLong(at + 8);
            int next = b.getInt(at + 20);
            String type = cString(reply, at + 24, TARGET_TYPE_LEN);
            String params = cString(reply, at + TARGET_SPEC_SIZE, end - at - TARGET_SPEC_SIZE);
            out.add(new DeviceMapper.Target(start, length, type, params));
            int following = h.dataStart() + next;
            if (i + 1 < h.targetCount() && following <= at) {
                throw new IllegalStateException("DM_TABLE_STATUS reply: target " + i + " at " + at + " says the next is at "
                        + following + ", not after it");
            }
            at = following;
        }
        return out;
    }

    /** glibc's major(): bits 8-19 and 32-43 of the kernel's huge_encode_dev. */
    public static int major(long dev) {
        return (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & 0xfffff000L));
    }

    /** glibc's minor(): bits 0-7 and 20-31 (and 44-63). */
    public static int minor(long dev) {
        return (int) ((dev & 0xff) | ((dev >>> 12) & 0xffffff00L));
    }

    /** The NUL-terminated text at {@code from}, at most {@code max} bytes (unterminated: all of them). */
    static String cString(byte[] b, int from, int max) {
        int limit = Math.min(b.length, from + Math.max(0, max));
        int end = from;
        while (end < limit && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    private static ByteBuffer hostOrder(byte[] b) {
        // The kernel reads and writes the struct in the host's byte order.
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }
}
