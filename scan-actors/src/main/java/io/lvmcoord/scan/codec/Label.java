package io.lvmcoord.scan.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The LVM2 label sector and the pv_header it carries.
 *
 * <p>lvm2 looks at sectors 0-3 and takes the first one whose id is {@code LABELONE}, whose
 * recorded sector number equals the sector it sits in, whose CRC over bytes 20..511 matches and
 * whose type is {@code LVM2 001}. Checking all four together matters: {@code wipefs} clears only
 * the type, and a sector copied from elsewhere carries the wrong sector number.
 *
 * @param sector       the sector (0-3) the label was found in
 * @param pvUuid       the PV UUID as stored: 32 characters, no dashes
 * @param deviceSize   bytes at pvcreate time (the VG text's dev_size takes precedence)
 * @param dataAreas    data areas; lvm writes exactly one (pe_start, size 0)
 * @param metadataAreas metadata areas (0-2)
 * @param extVersion   pv_header extension version; 0 means no extension
 * @param extFlags     extension flags; bit 0 is PV_EXT_USED
 * @param bootloaderAreas bootloader areas (extension version >= 1)
 */
public record Label(int sector, String pvUuid, long deviceSize, List<DiskArea> dataAreas,
                    List<DiskArea> metadataAreas, int extVersion, int extFlags, List<DiskArea> bootloaderAreas) {

    public static final int SECTOR_SIZE = 512;
    /** lvm2 searches this many sectors from the start of the device. */
    public static final int SCAN_SECTORS = 4;
    public static final int PV_EXT_USED = 0x1;
    private static final byte[] LABEL_ID = "LABELONE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LABEL_TYPE = "LVM2 001".getBytes(StandardCharsets.US_ASCII);
    private static final int PV_HEADER_OFFSET = 32;
    private static final int UUID_LEN = 32;

    public Label {
        dataAreas = List.copyOf(dataAreas);
        metadataAreas = List.copyOf(metadataAreas);
        bootloaderAreas = List.copyOf(bootloaderAreas);
    }

    /** The UUID in lvm's display form, dash groups 6-4-4-4-4-4-6. */
    public String pvUuidDashed() {
        return Uuids.dashed(pvUuid);
    }

    public boolean extUsed() {
        return (extFlags & PV_EXT_USED) != 0;
    }

    /** pe_start as recorded in the label (the first data area's offset), 0 if none. */
    public long peStart() {
        return dataAreas.isEmpty() ? 0 : dataAreas.get(0).offset();
    }

    /** Absolute byte offset of metadata area entry {@code index} in the pv_header, where its claim is stored. */
    public long metadataAreaEntryOffset(int index) {
        return (long) sector * SECTOR_SIZE + PV_HEADER_OFFSET + UUID_LEN + 8 + 16L * (dataAreas.size() + 1) + 16L * index;
    }

    /**
     * Finds and decodes the label in {@code head}, the first bytes of the device (at least
     * 2048 bytes for a full search; fewer bytes search fewer sectors).
     */
    public static Decoded<Label> find(String device, byte[] head) {
        DecodeError firstProblem = null;
        int sectors = Math.min(SCAN_SECTORS, head.length / SECTOR_SIZE);
        for (int s = 0; s < sectors; s++) {
            int base = s * SECTOR_SIZE;
            if (!regionEquals(head, base, LABEL_ID)) {
                continue;
            }
            long recordedSector = LittleEndian.u64(head, base + 8);
            if (recordedSector != s) {
                firstProblem = firstProblem != null ? firstProblem : new DecodeError(device, base, DecodeError.Kind.NO_LABEL,
                        "label in sector " + s + " records sector " + Long.toUnsignedString(recordedSector) + "; ignored");
                continue;
            }
            int stored = LittleEndian.u32(head, base + 16);
            int computed = LvmCrc.of(head, base + 20, SECTOR_SIZE - 20);
            if (stored != computed) {
                firstProblem = firstProblem != null ? firstProblem : new DecodeError(device, base, DecodeError.Kind.LABEL_CHECKSUM,
                        String.format("label checksum mismatch in sector %d (stored %08x, computed %08x)", s, stored, computed));
                continue;
            }
            if (!regionEquals(head, base + 24, LABEL_TYPE)) {
                firstProblem = firstProblem != null ? firstProblem : new DecodeError(device, base + 24, DecodeError.Kind.NO_LABEL,
                        "label in sector " + s + " is not of type 'LVM2 001' (wiped?)");
                continue;
            }
            int offsetXl = LittleEndian.u32(head, base + 20);
            if (offsetXl != PV_HEADER_OFFSET) {
                return Decoded.fail(device, base + 20, DecodeError.Kind.BAD_PV_HEADER,
                        "pv_header offset is " + Integer.toUnsignedString(offsetXl) + ", expected 32");
            }
            return decodePvHeader(device, head, s, base);
        }
        if (firstProblem != null) {
            return new Decoded.Failed<>(firstProblem);
        }
        return Decoded.fail(device, 0, DecodeError.Kind.NO_LABEL, "no LVM2 label in sectors 0-" + (SCAN_SECTORS - 1));
    }

    private static Decoded<Label> decodePvHeader(String device, byte[] head, int sector, int base) {
        int p = base + PV_HEADER_OFFSET;
        int end = base + SECTOR_SIZE;
        String uuid = new String(head, p, UUID_LEN, StandardCharsets.ISO_8859_1);
        if (!Uuids.isValidUndashed(uuid)) {
            return Decoded.fail(device, p, DecodeError.Kind.BAD_PV_HEADER, "pv_header holds an invalid PV UUID");
        }
        p += UUID_LEN;
        long deviceSize = LittleEndian.u64(head, p);
        p += 8;
        List<DiskArea> data = new ArrayList<>();
        p = readAreaList(head, p, end, data);
        if (p < 0) {
            return Decoded.fail(device, base, DecodeError.Kind.BAD_PV_HEADER, "data area list runs past the label sector");
        }
        List<DiskArea> mdas = new ArrayList<>();
        p = readAreaList(head, p, end, mdas);
        if (p < 0) {
            return Decoded.fail(device, base, DecodeError.Kind.BAD_PV_HEADER, "metadata area list runs past the label sector");
        }
        if (mdas.size() > 2) {
            return Decoded.fail(device, base, DecodeError.Kind.BAD_PV_HEADER, "pv_header lists " + mdas.size() + " metadata areas; at most 2 exist");
        }
        int extVersion = 0;
        int extFlags = 0;
        List<DiskArea> boot = new ArrayList<>();
        if (p + 8 <= end) {
            extVersion = LittleEndian.u32(head, p);
            if (extVersion != 0) {
                extFlags = LittleEndian.u32(head, p + 4);
                if (readAreaList(head, p + 8, end, boot) < 0) {
                    return Decoded.fail(device, p + 8, DecodeError.Kind.BAD_PV_HEADER, "bootloader area list runs past the label sector");
                }
            }
        }
        return Decoded.ok(new Label(sector, uuid, deviceSize, data, mdas, extVersion, extFlags, boot));
    }

    /** Reads {offset,size} pairs until one with offset 0; returns the position after it, or -1. */
    private static int readAreaList(byte[] b, int p, int end, List<DiskArea> out) {
        while (p + 16 <= end) {
            long offset = LittleEndian.u64(b, p);
            long size = LittleEndian.u64(b, p + 8);
            p += 16;
            if (offset == 0) {
                return p;
            }
            out.add(new DiskArea(offset, size));
        }
        return -1;
    }

    private static boolean regionEquals(byte[] b, int off, byte[] expected) {
        if (off + expected.length > b.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (b[off + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
