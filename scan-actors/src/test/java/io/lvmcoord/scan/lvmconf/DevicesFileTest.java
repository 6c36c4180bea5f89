package io.lvmcoord.scan.lvmconf;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevicesFileTest {
    private static final String PVID_A = "mw5J0Ni8TQxUZ1tjwGgGc7PnqAhtkgm0";
    private static final String PVID_B = "QYIDo5cW2S8yyKLvT2U2C94g1wnBeNn4";

    static DeviceIdentity disk(String name, String wwid, int part) {
        return new DeviceIdentity(List.of(name), DeviceIdentity.Kind.OTHER, part, Optional.ofNullable(wwid), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    static DeviceIdentity loop(String name, String file) {
        return new DeviceIdentity(List.of(name), DeviceIdentity.Kind.LOOP, 0, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.ofNullable(file));
    }

    @Test
    void parsesLvm2sLinesWithDotsAsUnsetAndCommentsSkipped() {
        DevicesFile f = DevicesFile.parse("""
                # LVM uses devices listed in this file.
                SYSTEMID=hostA
                VERSION=1.1.6
                IDTYPE=loop_file IDNAME=/tmp/f1.img DEVNAME=/dev/loop9 PVID=%s
                IDTYPE=sys_wwid IDNAME=naa.600 DEVNAME=/dev/sdb1 PVID=. PART=1
                IDTYPE=bogus IDNAME=x
                DEVNAME=/dev/sdz PVID=abc
                """.formatted(PVID_A));
        assertEquals(Optional.of("hostA"), f.systemId());
        assertEquals(Optional.of("1.1.6"), f.version());
        assertEquals(List.of(
                new DevicesFile.Entry(Optional.of(DeviceIdType.LOOP_FILE), Optional.of("/tmp/f1.img"), Optional.of("/dev/loop9"), Optional.of(PVID_A), 0),
                new DevicesFile.Entry(Optional.of(DeviceIdType.SYS_WWID), Optional.of("naa.600"), Optional.of("/dev/sdb1"), Optional.empty(), 1),
                new DevicesFile.Entry(Optional.empty(), Optional.of("x"), Optional.empty(), Optional.empty(), 0)), f.entries());
    }

    @Test
    void stableIdsMatchWhereverTheDeviceMovedAndOnlyOnTheirKindAndPartition() {
        DevicesFile f = DevicesFile.parse("IDTYPE=sys_wwid IDNAME=naa.1 DEVNAME=/dev/sdb PVID=" + PVID_A + " PART=1\n"
                + "IDTYPE=loop_file IDNAME=/img DEVNAME=/dev/loop0\n");
        DeviceIdentity sdb = disk("/dev/sdb", "naa.1", 0);
        DeviceIdentity sdc1 = disk("/dev/sdc1", "naa.1", 1);
        DeviceIdentity loop3 = loop("/dev/loop3", "/img");
        DeviceIdentity sdd = disk("/dev/sdd", "/img", 0);
        DevicesFileMatch m = DevicesFileMatch.match(f, List.of(sdb, sdc1, sdd, loop3));
        assertEquals(List.of(sdc1, loop3), m.used(List.of(sdb, sdc1, sdd, loop3)));
    }

    @Test
    void idValuesAreSanitisedAsLvm2ReadsThemAndQemuWwidsAndDeletedLoopFilesDoNotCount() {
        DeviceIdentity d = new DeviceIdentity(List.of("/dev/sda"), DeviceIdentity.Kind.OTHER, 0, Optional.of("t10.ATA QEMU HARDDISK 1"),
                Optional.of("SER 1\t2"), Optional.empty(), Optional.empty(), Optional.empty());
        assertEquals(Optional.empty(), d.id(DeviceIdType.SYS_WWID));
        assertEquals(Optional.of("SER_1_2"), d.id(DeviceIdType.SYS_SERIAL));
        assertTrue(d.hasStableId());
        assertEquals(Optional.empty(), loop("/dev/loop1", "/x (deleted)").id(DeviceIdType.LOOP_FILE));
        assertFalse(loop("/dev/loop1", "/x (deleted)").hasStableId());
    }

    @Test
    void aDevnameEntryWhoseDeviceHoldsAnotherPvidIsDroppedAndItsPvidFoundOnTheRenamedDevice() {
        DevicesFile f = DevicesFile.parse("IDTYPE=devname IDNAME=/dev/sdb DEVNAME=/dev/sdb PVID=" + PVID_A + "\n");
        DeviceIdentity sdb = disk("/dev/sdb", null, 0);
        DeviceIdentity sdc = disk("/dev/sdc", null, 0);
        List<DeviceIdentity> all = List.of(sdb, sdc);
        DevicesFileMatch before = DevicesFileMatch.match(f, all);
        assertEquals(List.of(sdb), before.used(all));
        DevicesFileMatch after = before.validate(all, d -> d == sdb ? Optional.of(PVID_B) : Optional.of(PVID_A), "auto");
        assertEquals(List.of(sdc), after.used(all));
        assertEquals(List.of("Devices file PVID " + PVID_A + " not found on device /dev/sdb (device PVID " + PVID_B + ").",
                "Devices file PVID " + PVID_A + " found on /dev/sdc.",
                "Devices file PVID " + PVID_A + " updating IDNAME to /dev/sdc."), after.warnings());
    }

    @Test
    void theRenameSearchSkipsStableIdDevicesInAutoModeAndDoesNotRunInNoneMode() {
        DevicesFile f = DevicesFile.parse("IDTYPE=devname IDNAME=/dev/sdx DEVNAME=/dev/sdx PVID=" + PVID_A + "\n");
        DeviceIdentity withWwid = disk("/dev/sdb", "naa.9", 0);
        List<DeviceIdentity> all = List.of(withWwid);
        DevicesFileMatch m = DevicesFileMatch.match(f, all);
        assertEquals(List.of(), m.validate(all, d -> Optional.of(PVID_A), "auto").used(all));
        assertEquals(List.of(withWwid), m.validate(all, d -> Optional.of(PVID_A), "all").used(all));
        assertEquals(List.of(), m.validate(all, d -> Optional.of(PVID_A), "none").used(all));
    }

    @Test
    void aPvidFoundOnTwoDevicesPairsNeither() {
        DevicesFile f = DevicesFile.parse("IDTYPE=devname IDNAME=/dev/sdx DEVNAME=/dev/sdx PVID=" + PVID_A + "\n");
        DeviceIdentity a = disk("/dev/sda", null, 0);
        DeviceIdentity b = disk("/dev/sdb", null, 0);
        List<DeviceIdentity> all = List.of(a, b);
        DevicesFileMatch m = DevicesFileMatch.match(f, all).validate(all, d -> Optional.of(PVID_A), "auto");
        assertEquals(List.of(), m.used(all));
        assertEquals("WARNING: found PVID " + PVID_A + " on multiple devices /dev/sda /dev/sdb.", m.warnings().get(1));
    }

    @Test
    void aDeviceMapperDevnameEntryAnswersToItsMapperName() {
        DeviceIdentity dm = new DeviceIdentity(List.of("/dev/mapper/vg-lv", "/dev/dm-3"), DeviceIdentity.Kind.DEVICE_MAPPER, 0,
                Optional.empty(), Optional.empty(), Optional.of("LVM-abc"), Optional.empty(), Optional.empty());
        DevicesFile f = DevicesFile.parse("IDTYPE=devname IDNAME=/dev/dm-3 DEVNAME=/dev/dm-3\n");
        assertEquals(List.of(dm), DevicesFileMatch.match(f, List.of(dm)).used(List.of(dm)));
    }

    @Test
    void preferredNamesFollowDevCacheRules() {
        assertEquals("/dev/sda", DeviceNames.order(List.of("/dev/block/8:0", "/dev/disk/by-id/wwn-1", "/dev/sda"), Set.of()).get(0));
        assertEquals("/dev/mapper/vg-lv", DeviceNames.order(List.of("/dev/dm-3", "/dev/mapper/vg-lv"), Set.of()).get(0));
        assertEquals("/dev/vg/lv", DeviceNames.order(List.of("/dev/dm-3", "/dev/mapper/vg-lv", "/dev/vg/lv"),
                Set.of("/dev/vg/lv", "/dev/mapper/vg-lv")).get(0));
        assertEquals("/dev/xyz", DeviceNames.order(List.of("/dev/sdb", "/dev/xyz"), Set.of("/dev/xyz")).get(0));
        assertEquals("/dev/sdb", DeviceNames.order(List.of("/dev/xyz", "/dev/sdb"), Set.of()).get(0));
    }

    @Test
    void preferredNamesPatternsOutrankTheBuiltInRulesInTheirOrder() {
        List<java.util.regex.Pattern> preferred = List.of(java.util.regex.Pattern.compile(RegexFilter.toJava("^/dev/disk/by-id/wwn").orElseThrow()),
                java.util.regex.Pattern.compile(RegexFilter.toJava("^/dev/disk/by-id/").orElseThrow()));
        assertEquals("/dev/disk/by-id/wwn-1", DeviceNames.order(List.of("/dev/disk/by-id/ata-x", "/dev/disk/by-id/wwn-1", "/dev/sda"),
                Set.of(), preferred).get(0));
        assertEquals("/dev/disk/by-id/ata-x", DeviceNames.order(List.of("/dev/sda", "/dev/disk/by-id/ata-x"), Set.of(), preferred).get(0));
    }
}
