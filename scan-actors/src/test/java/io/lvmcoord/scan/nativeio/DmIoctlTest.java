package io.lvmcoord.scan.nativeio;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DM ioctl layout against bytes laid out by hand from linux/dm-ioctl.h: struct dm_ioctl is
 * version[3] (0), data_size (12), data_start (16), target_count (20), open_count (24), flags (28),
 * event_nr (32), padding (36), dev (40), name[128] (48), uuid[129] (176), data[7] (305) = 312 bytes.
 */
class DmIoctlTest {

    /** A reply header as the kernel leaves it. */
    private static ByteBuffer reply(byte[] b, int dataSize, int targetCount, int flags) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, 4).putInt(4, 47).putInt(8, 0);
        bb.putInt(12, dataSize).putInt(16, 312).putInt(20, targetCount).putInt(28, flags);
        return bb;
    }

    private static void put(byte[] b, int at, String s) {
        byte[] t = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(t, 0, b, at, t.length);
    }

    @Test
    void theIoctlNumbersAreIowrOfTheDmTypeWithTheStructSize() {
        // _IOWR = direction 3 in bits 30-31, size 312 (0x138) in bits 16-29, type 0xfd, then the command number:
        // the numbers strace shows for dmsetup.
        assertEquals(0xc138fd00L, DmIoctl.DM_VERSION);
        assertEquals(0xc138fd02L, DmIoctl.DM_LIST_DEVICES);
        assertEquals(0xc138fd07L, DmIoctl.DM_DEV_STATUS);
        assertEquals(0xc138fd0cL, DmIoctl.DM_TABLE_STATUS);
        assertEquals("DM_TABLE_STATUS", DmIoctl.name(DmIoctl.DM_TABLE_STATUS));
    }

    @Test
    void aRequestCarriesVersionFourSizesNameAndFlags() {
        byte[] r = DmIoctl.request(16384, "vg1-a", DmIoctl.STATUS_TABLE_FLAG);
        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(16384, r.length);
        assertEquals(4, b.getInt(0));
        assertEquals(0, b.getInt(4));
        assertEquals(16384, b.getInt(12), "data_size is the whole buffer");
        assertEquals(312, b.getInt(16), "the payload starts right after the header");
        assertEquals(0x10 | 0x4, b.getInt(28), "DM_STATUS_TABLE_FLAG, and libdevmapper's DM_EXISTS_FLAG");
        assertEquals("vg1-a", new String(r, 48, 5, StandardCharsets.US_ASCII));
        assertEquals(0, r[53], "NUL-terminated");
        assertEquals(0, r[176], "no uuid: the kernel finds the device by name");
    }

    @Test
    void aNameTooLongForTheStructIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DmIoctl.request(16384, "x".repeat(128), 0));
        assertTrue(e.getMessage().contains("127"), e.getMessage());
    }

    @Test
    void aStatusReplyGivesTheDeviceState() {
        byte[] b = new byte[512];
        ByteBuffer bb = reply(b, 312, 2, DmIoctl.SUSPEND_FLAG | DmIoctl.READONLY_FLAG | DmIoctl.ACTIVE_PRESENT_FLAG | DmIoctl.EXISTS_FLAG);
        bb.putInt(24, 3).putInt(32, 0xfffffffe);
        // huge_encode_dev(MKDEV(253, 300)): minor low byte in bits 0-7, major in 8-19, minor's upper bits from 20.
        bb.putLong(40, (300 & 0xff) | (253L << 8) | ((300L & ~0xffL) << 12));
        put(b, 48, "vg2-pool1");
        put(b, 176, "LVM-abc-pool");
        DmIoctl.Header h = DmIoctl.header(b);
        assertEquals("4.47.0", h.version());
        assertFalse(h.bufferFull());
        assertEquals(new DeviceMapper.Info("vg2-pool1", "LVM-abc-pool", 253, 300, 2, 3, 4294967294L, true, true, true, false), h.info());
    }

    @Test
    void aListReplyIsWalkedByItsNextOffsets() {
        byte[] b = new byte[1024];
        ByteBuffer bb = reply(b, 312 + 64, 0, 0);
        // Entry 1 at 312: dev, next = 32 (12 + "vg-a\0" = 17, padded to 24, then event_nr and flags: 32), name.
        bb.putLong(312, (253L << 8) | 1).putInt(320, 32);
        put(b, 324, "vg-a");
        bb.putInt(336, 7).putInt(340, 0);
        // Entry 2 at 344: the last (next 0).
        bb.putLong(344, (253L << 8) | 0).putInt(352, 0);
        put(b, 356, "vg-b_tmeta");
        assertEquals(List.of(new DeviceMapper.Listed("vg-a", 253, 1), new DeviceMapper.Listed("vg-b_tmeta", 253, 0)), DmIoctl.names(b));
    }

    @Test
    void aListWithoutDevicesIsOneEntryWithDevZero() {
        byte[] b = new byte[1024];
        reply(b, 312 + 16, 0, 0);
        assertEquals(List.of(), DmIoctl.names(b));
    }

    @Test
    void aListEntryPointingOutsideTheReplyIsRefused() {
        byte[] b = new byte[1024];
        ByteBuffer bb = reply(b, 312 + 32, 0, 0);
        bb.putLong(312, 1).putInt(320, 4096);
        put(b, 324, "x");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DmIoctl.names(b));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
    }

    @Test
    void aTableStatusReplyGivesEachTargetWithItsTextInOrder() {
        byte[] b = new byte[1024];
        ByteBuffer bb = reply(b, 312 + 40 + 24 + 40 + 16, 2, DmIoctl.ACTIVE_PRESENT_FLAG);
        // Target 1 at data_start: start, length, status, next (from data_start), type; text after the 40-byte spec.
        bb.putLong(312, 0).putLong(320, 49152).putInt(328, 0).putInt(332, 64);
        put(b, 336, "linear");
        put(b, 352, "254:16 2048"); // 12 bytes with the NUL, padded to 16... then to the next at data_start + 64
        // Target 2 at data_start + 64.
        bb.putLong(376, 49152).putLong(384, 32768).putInt(392, 0).putInt(396, 0);
        put(b, 400, "thin-pool");
        put(b, 416, "4 114/1024 ");
        assertEquals(List.of(new DeviceMapper.Target(0, 49152, "linear", "254:16 2048"),
                new DeviceMapper.Target(49152, 32768, "thin-pool", "4 114/1024 ")), DmIoctl.targets(b));
    }

    @Test
    void aDeviceWithoutALiveTableHasNoTargets() {
        byte[] b = new byte[512];
        reply(b, 312, 0, DmIoctl.INACTIVE_PRESENT_FLAG);
        assertEquals(List.of(), DmIoctl.targets(b));
        assertTrue(DmIoctl.header(b).info().inactiveTable());
        assertFalse(DmIoctl.header(b).info().liveTable());
    }

    @Test
    void aFullBufferIsSeenSoTheCallerAsksAgain() {
        byte[] b = new byte[512];
        reply(b, 512, 0, DmIoctl.BUFFER_FULL_FLAG);
        assertTrue(DmIoctl.header(b).bufferFull());
    }

    @Test
    void deviceNumbersDecodeAsGlibcDoes() {
        assertEquals(253, DmIoctl.major(0xfd00L));
        assertEquals(0, DmIoctl.minor(0xfd00L));
        assertEquals(1048575, DmIoctl.minor(0xfffff0ffL | 0xff), "a 20-bit minor");
    }
}
