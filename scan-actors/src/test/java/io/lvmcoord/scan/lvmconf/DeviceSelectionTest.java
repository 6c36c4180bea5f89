package io.lvmcoord.scan.lvmconf;

import io.lvmcoord.scan.metadata.ConfigParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class DeviceSelectionTest {
    private static final Path DIR = Path.of("/etc/lvm");

    private static LvmConfig config(String text) throws ConfigParser.SyntaxError {
        return LvmConfig.of(Optional.empty(), Optional.of(ConfigParser.parse(text)), Optional.empty());
    }

    private static DeviceSelection.Mode mode(LvmConfig c, DeviceSelection.Overrides o) {
        return assertInstanceOf(DeviceSelection.ModeChosen.class, DeviceSelection.mode(c, DIR, o)).mode();
    }

    @Test
    void theDevicesFileIsUsedOnlyWhenConfiguredOrNamedAndAnEmptyNameTurnsItOff() throws Exception {
        LvmConfig off = config("devices { }");
        LvmConfig on = config("devices { use_devicesfile = 1 devicesfile = \"other.devices\" }");
        assertEquals(new DeviceSelection.ByFilters(), mode(off, DeviceSelection.Overrides.NONE));
        assertEquals(new DeviceSelection.ByDevicesFile(DIR.resolve("devices/other.devices")), mode(on, DeviceSelection.Overrides.NONE));
        assertEquals(new DeviceSelection.ByDevicesFile(DIR.resolve("devices/x.devices")),
                mode(off, new DeviceSelection.Overrides(Optional.of("x.devices"), List.of())));
        assertEquals(new DeviceSelection.ByFilters(), mode(on, new DeviceSelection.Overrides(Optional.of(""), List.of())));
        assertEquals(new DeviceSelection.ByList(List.of("/dev/sdb")), mode(on, new DeviceSelection.Overrides(Optional.empty(), List.of("/dev/sdb"))));
    }

    @Test
    void conflictingOrInvalidOptionsGiveLvm2sErrors() throws Exception {
        LvmConfig off = config("devices { }");
        assertEquals(new DeviceSelection.ModeError("A --devices list cannot be used with --devicesfile."),
                DeviceSelection.mode(off, DIR, new DeviceSelection.Overrides(Optional.of("a"), List.of("/dev/sdb"))));
        assertEquals(new DeviceSelection.ModeError("Invalid devices file name."),
                DeviceSelection.mode(off, DIR, new DeviceSelection.Overrides(Optional.of("../x"), List.of())));
        assertEquals(new DeviceSelection.ModeError("Invalid devices file name from config setting \"a/b\"."),
                DeviceSelection.mode(config("devices { use_devicesfile = 1 devicesfile = \"a/b\" }"), DIR, DeviceSelection.Overrides.NONE));
    }

    @Test
    void withoutADevicesFileTheGlobalFilterRejectsFirstThenTheFilter() throws Exception {
        LvmConfig c = config("devices { global_filter = [ \"r|sdb|\" ] filter = [ \"r|sdc|\" ] }");
        DeviceSelection.Filters f = assertInstanceOf(DeviceSelection.FiltersCompiled.class, DeviceSelection.filters(c)).filters();
        DeviceIdentity sda = DevicesFileTest.disk("/dev/sda", null, 0);
        DeviceIdentity sdb = DevicesFileTest.disk("/dev/sdb", null, 0);
        DeviceIdentity sdc = DevicesFileTest.disk("/dev/sdc", null, 0);
        DeviceSelection.Selection s = DeviceSelection.select(new DeviceSelection.ByFilters(), f, Optional.empty(), Optional.empty(),
                List.of(sda, sdb, sdc));
        assertEquals(List.of(
                new DeviceSelection.Used(sda),
                new DeviceSelection.Unused(sdb, "/dev/sdb: rejected by devices/global_filter pattern r|sdb| (name /dev/sdb)"),
                new DeviceSelection.Unused(sdc, "/dev/sdc: rejected by devices/filter pattern r|sdc| (name /dev/sdc)")), s.verdicts());
    }

    @Test
    void aDevicesFileModeWhoseFileIsMissingFallsBackToTheFilters() throws Exception {
        LvmConfig c = config("devices { filter = [ \"r|sdb|\" ] }");
        DeviceSelection.Filters f = assertInstanceOf(DeviceSelection.FiltersCompiled.class, DeviceSelection.filters(c)).filters();
        DeviceIdentity sdb = DevicesFileTest.disk("/dev/sdb", null, 0);
        DeviceSelection.Selection s = DeviceSelection.select(new DeviceSelection.ByDevicesFile(DIR.resolve("devices/system.devices")), f,
                Optional.empty(), Optional.empty(), List.of(sdb));
        assertEquals(List.of(), s.used());
        assertEquals(List.of(), s.warnings());
    }

    @Test
    void aDevicesListNamesDevicesByAnyNameAndWarnsOfUnknownOnes() {
        DeviceIdentity sdb = new DeviceIdentity(List.of("/dev/sdb", "/dev/disk/by-id/wwn-1"), DeviceIdentity.Kind.OTHER, 0,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        DeviceSelection.Selection s = DeviceSelection.select(new DeviceSelection.ByList(List.of("/dev/disk/by-id/wwn-1", "/dev/nope")),
                new DeviceSelection.Filters(Optional.empty(), Optional.empty()), Optional.empty(), Optional.empty(), List.of(sdb));
        assertEquals(List.of(sdb), s.used());
        assertEquals(List.of("Device not found for /dev/nope."), s.warnings());
    }
}
