package io.lvmcoord.scan.lvmconf;

import io.lvmcoord.scan.metadata.ConfigParser;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SystemIdAndVisibilityTest {

    private static LvmConfig config(String text) throws ConfigParser.SyntaxError {
        return LvmConfig.of(Optional.of(ConfigParser.parse(text)), Optional.empty(), Optional.empty());
    }

    private static LocalSystemId.Host host(Map<String, String> files) {
        return LocalSystemId.host("node-1.example", p -> files.containsKey(p) ? new LocalSystemId.Content(files.get(p))
                : new LocalSystemId.ReadError("No such file or directory"));
    }

    @Test
    void eachSourceGivesItsId() throws Exception {
        Map<String, String> files = Map.of("/etc/machine-id", "3d1219c7c4c5404aaa1f6d2a48adfda4\n", "/sid", "# c\n\n  hostB # x\n");
        assertEquals(Optional.of("node-1.example"), LocalSystemId.resolve(config("global { system_id_source = \"uname\" }"), host(files)).id());
        assertEquals(Optional.of("h1"), LocalSystemId.resolve(config("global { system_id_source = \"LVMLocal\" } local { system_id = \"--h1\" }"), host(files)).id());
        assertEquals(Optional.of("3d1219c7c4c5404aaa1f6d2a48adfda4"), LocalSystemId.resolve(config("global { system_id_source = \"machineid\" }"), host(files)).id());
        assertEquals(Optional.of("hostB"), LocalSystemId.resolve(config("global { system_id_source = \"file\" system_id_file = \"/sid\" }"), host(files)).id());
        assertEquals(Optional.empty(), LocalSystemId.resolve(config("global { }"), host(files)).id());
    }

    @Test
    void appMachineIdIsSystemdsAppSpecificIdForLvm2() {
        // lvm2 2.03.16 on a host with this machine-id reported 8904c2aa8c6a4e68973b69d39b56789b.
        assertEquals("8904c2aa8c6a4e68973b69d39b56789b", LocalSystemId.appSpecific("3d1219c7c4c5404aaa1f6d2a48adfda4"));
    }

    @Test
    void aSourceGivingNothingLeavesTheIdUnknownWithLvm2sWarnings() throws Exception {
        LocalSystemId id = LocalSystemId.resolve(config("global { system_id_source = \"file\" system_id_file = \"/none\" } local { system_id = \"x\" }"), host(Map.of()));
        assertEquals(new LocalSystemId(Optional.empty(), true, List.of(
                "WARNING: local/system_id is set, so should global/system_id_source be \"lvmlocal\" not \"file\"?",
                "WARNING: /none: fopen failed: No such file or directory",
                "WARNING: No system ID found from system_id_source file.")), id);
        LocalSystemId local = LocalSystemId.resolve(config("global { system_id_source = \"uname\" }"),
                LocalSystemId.host("localhost.localdomain", p -> new LocalSystemId.ReadError("x")));
        assertEquals(List.of("WARNING: system ID may not begin with the string \"localhost\".",
                "WARNING: No system ID found from system_id_source uname."), local.warnings());
    }

    @Test
    void aForeignVgIsHiddenSilentlyWhenListingAndWithLvm2sErrorWhenNamed() throws Exception {
        LvmConfig c = config("global { system_id_source = \"lvmlocal\" } local { system_id = \"hostA\" extra_system_ids = [ \"old\" ] }");
        LocalSystemId us = LocalSystemId.resolve(c, host(Map.of()));
        assertEquals(new VgVisibility.Decision(false, List.of(), false),
                VgVisibility.decide("vgB", "hostB", null, false, us, c, VgVisibility.Options.LISTING));
        assertEquals(new VgVisibility.Decision(false, List.of("Cannot access VG vgB with system ID hostB with local system ID hostA."), true),
                VgVisibility.decide("vgB", "hostB", null, false, us, c, new VgVisibility.Options(false, false, false, true)));
        assertEquals(new VgVisibility.Decision(true, List.of(), false),
                VgVisibility.decide("vgB", "hostB", null, false, us, c, new VgVisibility.Options(true, false, false, false)));
        assertEquals(new VgVisibility.Decision(true, List.of(), false),
                VgVisibility.decide("vgO", "old", null, false, us, c, VgVisibility.Options.LISTING));
        assertEquals(new VgVisibility.Decision(true, List.of(), false),
                VgVisibility.decide("vgA", "", null, false, us, c, VgVisibility.Options.LISTING));
    }

    @Test
    void withoutALocalIdEveryVgWithAnIdIsRefusedAloudTwiceWhenNamed() throws Exception {
        LvmConfig c = config("global { }");
        LocalSystemId none = LocalSystemId.resolve(c, host(Map.of()));
        String line = "Cannot access VG vgA with system ID hostA with unknown local system ID.";
        assertEquals(new VgVisibility.Decision(false, List.of(line), false),
                VgVisibility.decide("vgA", "hostA", null, false, none, c, VgVisibility.Options.LISTING));
        assertEquals(new VgVisibility.Decision(false, List.of(line, line), true),
                VgVisibility.decide("vgA", "hostA", null, false, none, c, new VgVisibility.Options(false, false, false, true)));
    }

    @Test
    void aSharedVgNeedsLvmlockdOrTheSharedOption() throws Exception {
        LvmConfig c = config("global { }");
        LocalSystemId none = LocalSystemId.resolve(c, host(Map.of()));
        assertEquals(new VgVisibility.Decision(false, List.of(), false),
                VgVisibility.decide("vgS", "", "sanlock", false, none, c, VgVisibility.Options.LISTING));
        assertEquals(new VgVisibility.Decision(false, List.of("Cannot access VG vgS with lock type dlm that requires lvmlockd."), true),
                VgVisibility.decide("vgS", "", "dlm", false, none, c, new VgVisibility.Options(false, false, false, true)));
        assertEquals(new VgVisibility.Decision(true, List.of(), false),
                VgVisibility.decide("vgS", "", "sanlock", false, none, c, new VgVisibility.Options(false, true, false, false)));
    }
}
