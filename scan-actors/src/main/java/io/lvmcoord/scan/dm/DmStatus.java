package io.lvmcoord.scan.dm;

import java.util.List;

/**
 * One device-mapper target's status line ({@code DM_TABLE_STATUS}, as {@code dmsetup status}
 * prints it after the name, start and length), read the way libdevmapper reads it for lvm2's
 * reports: the fields lvm2 turns into {@code Data%}, {@code Cpy%Sync}, {@code lv_health_status},
 * the cache and writecache counters and the state characters of {@code lv_attr}. lvm2's own
 * quirks are kept where they change what it prints (a thin status holding a '-' anywhere is
 * not read at all; a raid in sync with some legs still 'a' is one region short of 100%).
 */
public sealed interface DmStatus {

    /** The target name ({@code thin-pool}, {@code raid}, ...). */
    String target();

    enum Discards { PASSDOWN, NO_PASSDOWN, IGNORE }

    /** {@code thin-pool}: counts in metadata and data blocks; the flags lvm2 looks for after them. */
    record ThinPool(long transactionId, long usedMetadataBlocks, long totalMetadataBlocks, long usedDataBlocks,
                    long totalDataBlocks, Discards discards, boolean outOfDataSpace, boolean readOnly,
                    boolean errorIfNoSpace, boolean needsCheck, boolean fail, boolean error) implements DmStatus {
        public String target() {
            return "thin-pool";
        }
    }

    /** {@code thin}: sectors mapped and the highest mapped sector. */
    record Thin(long mappedSectors, long highestMappedSector, boolean fail) implements DmStatus {
        public String target() {
            return "thin";
        }
    }

    /**
     * {@code raid}: type, devices, one health character per device, regions in sync; from
     * dm-raid 1.5.0 the sync action and mismatch count, from 1.9.0 the data offset.
     */
    record Raid(String raidType, int devCount, String devHealth, long insyncRegions, long totalRegions, String syncAction,
                long mismatchCount, long dataOffset) implements DmStatus {
        public String target() {
            return "raid";
        }
    }

    /** {@code cache}: block counts, hit and miss counters, features, core and policy arguments. */
    record Cache(long metadataBlockSize, long metadataUsedBlocks, long metadataTotalBlocks, long blockSize, long usedBlocks,
                 long totalBlocks, long readHits, long readMisses, long writeHits, long writeMisses, long demotions,
                 long promotions, long dirtyBlocks, List<String> features, List<String> coreArgs, String policyName,
                 List<String> policyArgs, boolean readOnly, boolean needsCheck, boolean fail, boolean error) implements DmStatus {
        public Cache {
            features = List.copyOf(features);
            coreArgs = List.copyOf(coreArgs);
            policyArgs = List.copyOf(policyArgs);
        }

        public String target() {
            return "cache";
        }
    }

    /** {@code writecache}: error number (0 for none), blocks, free blocks, blocks under writeback. */
    record Writecache(long error, long totalBlocks, long freeBlocks, long writebackBlocks) implements DmStatus {
        public String target() {
            return "writecache";
        }
    }

    /** {@code snapshot}: COW sectors used of total (and metadata sectors), or the state the kernel says instead. */
    record Snapshot(long usedSectors, long totalSectors, long metadataSectors, boolean hasMetadataSectors, boolean invalid,
                    boolean mergeFailed, boolean overflow) implements DmStatus {
        public String target() {
            return "snapshot";
        }
    }

    /**
     * {@code mirror}: one health character per image (in image order), regions in sync, the log
     * type ({@code core}, {@code disk}, ...) and the disk log's health.
     */
    record Mirror(String devHealth, long insyncRegions, long totalRegions, String logType, String logHealth) implements DmStatus {
        public String target() {
            return "mirror";
        }
    }

    /** A target lvm2 reads no status from (linear, striped, snapshot-origin, error, zero, ...). */
    record Other(String target, String params) implements DmStatus {
    }
}
