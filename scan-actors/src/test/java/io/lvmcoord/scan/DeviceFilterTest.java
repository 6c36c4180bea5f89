package io.lvmcoord.scan;

import com.typesafe.config.ConfigFactory;
import io.lvmcoord.scan.nativeio.BlockDeviceInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceFilterTest {
    private static final DiscoverySettings DEFAULTS = DiscoverySettings.from(ConfigFactory.defaultReference());
    private static final long GIB = 1L << 30;

    @Test
    void referenceConfHoldsTheDocumentedDefaults() {
        assertEquals(new DiscoverySettings(List.of(), List.of("^ram[0-9]+$", "^zram[0-9]+$", "^fd[0-9]+$", "^sr[0-9]+$"),
                false, Path.of("/sys/class/block"), 4 << 20), DEFAULTS);
    }

    @Test
    void defaultsRejectRamZramFloppyAndOpticalByName() {
        Map<String, String> reasons = rejections(DeviceFilter.from(DEFAULTS),
                List.of(disk("ram0"), disk("zram0"), disk("fd0"), disk("sr0"), disk("sda")));

        assertEquals(Map.of("ram0", "ram0: rejected by lvmcoord.discovery.reject pattern ^ram[0-9]+$",
                "zram0", "zram0: rejected by lvmcoord.discovery.reject pattern ^zram[0-9]+$",
                "fd0", "fd0: rejected by lvmcoord.discovery.reject pattern ^fd[0-9]+$",
                "sr0", "sr0: rejected by lvmcoord.discovery.reject pattern ^sr[0-9]+$"), reasons);
    }

    @Test
    void defaultsAcceptOrdinaryDisksPartitionsAndAttachedLoopDevices() {
        List<BlockDeviceInfo> devices = List.of(disk("sda"), disk("nvme0n1"), disk("loop3"), disk("vdb"),
                disk("sda1"), disk("ramdisk-like-sdx"));

        List<String> accepted = DeviceFilter.from(DEFAULTS).accepted(devices).stream().map(BlockDeviceInfo::name).toList();

        assertEquals(List.of("sda", "nvme0n1", "loop3", "vdb", "sda1", "ramdisk-like-sdx"), accepted);
    }

    @Test
    void lvmLogicalVolumesAreRejectedUnlessScanLvsIsOn() {
        BlockDeviceInfo lv = dm("dm-0", "vg0-root", "LVM-Zx1abc");
        BlockDeviceInfo crypt = dm("dm-1", "luks-home", "CRYPT-LUKS2-0123-home");
        DiscoverySettings scanLvs = new DiscoverySettings(List.of(), DEFAULTS.reject(), true, DEFAULTS.sysClassBlock(),
                DEFAULTS.ueventReceiveBuffer());

        assertEquals(Map.of("dm-0", "dm-0: LVM logical volume vg0-root (LVM-Zx1abc; scan-lvs is off)"),
                rejections(DeviceFilter.from(DEFAULTS), List.of(lv, crypt)));
        assertEquals(Map.of(), rejections(DeviceFilter.from(scanLvs), List.of(lv, crypt)));
    }

    @Test
    void mdAndMultipathComponentsAreRejectedButTheirHoldersAndPvsUnderLvsAreNot() {
        BlockDeviceInfo md = disk("md127");
        BlockDeviceInfo raidMember = holdBy(disk("sdc"), "md127");
        BlockDeviceInfo mpath = dm("dm-3", "mpatha", "mpath-3600a098038303053");
        BlockDeviceInfo pathA = holdBy(disk("sdd"), "dm-3");
        BlockDeviceInfo pathB = holdBy(disk("sde"), "dm-3");
        BlockDeviceInfo pvUnderLv = holdBy(disk("sdf"), "dm-0");
        BlockDeviceInfo lv = dm("dm-0", "vg0-data", "LVM-abc");

        Map<String, String> reasons = rejections(DeviceFilter.from(DEFAULTS),
                List.of(md, raidMember, mpath, pathA, pathB, pvUnderLv, lv));

        assertEquals(Map.of("sdc", "sdc: md component of md127",
                "sdd", "sdd: multipath component of dm-3 (mpath-3600a098038303053)",
                "sde", "sde: multipath component of dm-3 (mpath-3600a098038303053)",
                "dm-0", "dm-0: LVM logical volume vg0-data (LVM-abc; scan-lvs is off)"), reasons);
    }

    @Test
    void emptyDevicesAreRejected() {
        BlockDeviceInfo unattachedLoop = new BlockDeviceInfo("loop7", "/dev/loop7", 7, 7, 0, false, false, false, null,
                null, List.of(), List.of());

        assertEquals(Map.of("loop7", "loop7: size 0 (no medium, or a loop device with no backing file)"),
                rejections(DeviceFilter.from(DEFAULTS), List.of(unattachedLoop)));
    }

    @Test
    void customAcceptAndRejectListsApplyToTheName() {
        DiscoverySettings custom = DiscoverySettings.from(ConfigFactory.parseString(
                "lvmcoord.discovery { accept = [\"^sd\", \"^nvme\"], reject = [\"^sda$\"] }")
                .withFallback(ConfigFactory.defaultReference()));

        Map<String, String> reasons = rejections(DeviceFilter.from(custom),
                List.of(disk("sda"), disk("sdb"), disk("nvme0n1"), disk("loop0"), disk("ram0")));

        assertEquals(Map.of("sda", "sda: rejected by lvmcoord.discovery.reject pattern ^sda$",
                "loop0", "loop0: matches no lvmcoord.discovery.accept pattern [^sd, ^nvme]",
                "ram0", "ram0: matches no lvmcoord.discovery.accept pattern [^sd, ^nvme]"), reasons);
    }

    @Test
    void invalidPatternFailsNamingTheKeyAndPattern() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DiscoverySettings.from(ConfigFactory.parseString("lvmcoord.discovery.reject = [\"sd(\"]")
                        .withFallback(ConfigFactory.defaultReference())));
        assertTrue(e.getMessage().contains("lvmcoord.discovery.reject") && e.getMessage().contains("sd("),
                e.getMessage());
    }

    private static Map<String, String> rejections(DeviceFilter filter, List<BlockDeviceInfo> devices) {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (DeviceFilter.Verdict v : filter.judge(devices)) {
            if (v instanceof DeviceFilter.Rejected r) {
                reasons.put(r.device().name(), r.reason());
            }
        }
        return reasons;
    }

    private static BlockDeviceInfo disk(String name) {
        return new BlockDeviceInfo(name, "/dev/" + name, 8, 0, GIB, false, false, false, null, null, List.of(), List.of());
    }

    private static BlockDeviceInfo dm(String name, String dmName, String dmUuid) {
        return new BlockDeviceInfo(name, "/dev/" + name, 253, 0, GIB, false, false, false, dmName, dmUuid, List.of(),
                List.of());
    }

    private static BlockDeviceInfo holdBy(BlockDeviceInfo d, String holder) {
        List<String> holders = new ArrayList<>(d.holders());
        holders.add(holder);
        return new BlockDeviceInfo(d.name(), d.devNode(), d.major(), d.minor(), d.sizeBytes(), d.partition(),
                d.readOnly(), d.removable(), d.dmName(), d.dmUuid(), holders, d.slaves());
    }
}
