package io.lvmcoord.scan.lvmconf;

import io.lvmcoord.scan.metadata.ConfigParser;
import io.lvmcoord.scan.metadata.ConfigSection;
import io.lvmcoord.scan.metadata.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LvmConfigTest {

    private static Optional<ConfigSection> text(String s) throws ConfigParser.SyntaxError {
        return Optional.of(ConfigParser.parse(s));
    }

    private static List<String> strings(Optional<List<ConfigValue>> items) {
        return items.orElseThrow().stream().map(v -> ((ConfigValue.Str) v).value()).toList();
    }

    @Test
    void commandLineHidesTheFilesValueWholeButOtherPathsFallThrough() throws Exception {
        LvmConfig c = LvmConfig.of(text("devices { filter = [ \"r|sdb|\" ] }"),
                text("devices { filter = [ \"a|.*|\" ] scan = [ \"/dev/x\" ] }"), Optional.empty());
        assertEquals(List.of("r|sdb|"), strings(c.array("devices/filter")));
        assertEquals(List.of("/dev/x"), strings(c.array("devices/scan")));
    }

    @Test
    void lvmlocalReplacesValuesOfLvmConfButConcatenatesFilterWithItsOwnItemsFirst() throws Exception {
        LvmConfig c = LvmConfig.of(Optional.empty(),
                text("devices { filter = [ \"a|sda|\" ] global_filter = [ \"r|x|\" ] use_devicesfile = 0 }"),
                text("devices { filter = [ \"r|sdb|\" ] global_filter = [ \"r|y|\" ] use_devicesfile = 1 }\nlocal { system_id = \"h1\" }"));
        assertEquals(List.of("r|sdb|", "a|sda|"), strings(c.array("devices/filter")));
        assertEquals(List.of("r|y|"), strings(c.array("devices/global_filter")));
        assertTrue(c.bool("devices/use_devicesfile", false));
        assertEquals("h1", c.string("local/system_id", ""));
    }

    @Test
    void lvmlocalSubsectionsOfAnExistingSectionAndTaggedSectionsAreIgnored() throws Exception {
        LvmConfig c = LvmConfig.of(Optional.empty(), text("activation { x = 1 }"),
                text("activation { thin { y = 2 } }\nglobal { tags = [ \"@h\" ] umask = 1 }"));
        assertFalse(c.isSet("activation/thin/y"));
        assertFalse(c.isSet("global/umask"));
        assertEquals(1, c.integer("activation/x", 0));
    }

    @Test
    void keyPathsRepeatedSectionsAndRepeatedValuesFollowLibdm() throws Exception {
        LvmConfig c = LvmConfig.of(Optional.empty(),
                text("devices/filter = [ \"r|a|\" ]\ndevices { scan = [ \"/d\" ] }\ndevices { filter = [ \"r|b|\" ] }"), Optional.empty());
        assertEquals(List.of("r|b|"), strings(c.array("devices/filter")));
        assertEquals(List.of("/d"), strings(c.array("devices/scan")));
        assertEquals(List.of("WARNING: Ignoring duplicate config value: filter"), c.warnings());
    }

    @Test
    void booleansAcceptLibdmWordsAndIntegersAndOtherwiseFallBack() throws Exception {
        LvmConfig c = LvmConfig.of(text("a { t = \"Yes\" f = \"off\" n = 2 z = 0 bad = \"maybe\" }"), Optional.empty(), Optional.empty());
        assertTrue(c.bool("a/t", false));
        assertFalse(c.bool("a/f", true));
        assertTrue(c.bool("a/n", false));
        assertFalse(c.bool("a/z", true));
        assertTrue(c.bool("a/bad", true));
        assertFalse(c.bool("a/missing", false));
    }

    @Test
    void missingFilesGiveDefaultsAndABrokenFileFailsNamingIt(@TempDir Path dir) throws Exception {
        LvmConfigLoader.Result none = LvmConfigLoader.load(dir, null);
        LvmConfig c = assertInstanceOf(LvmConfigLoader.Loaded.class, none).config();
        assertFalse(c.bool("devices/use_devicesfile", LvmDefaults.USE_DEVICESFILE));
        Files.writeString(dir.resolve("lvm.conf"), "devices { filter = [ \"a|x|\" \n");
        LvmConfigLoader.Failed f = assertInstanceOf(LvmConfigLoader.Failed.class, LvmConfigLoader.load(dir, null));
        assertTrue(f.reason().startsWith(dir.resolve("lvm.conf").toString()), f.reason());
    }

    @Test
    void debiansShippedLvmConfParses() throws Exception {
        Path shipped = Path.of("/etc/lvm/lvm.conf");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(shipped), "no /etc/lvm/lvm.conf on this host");
        assertInstanceOf(LvmConfigLoader.Loaded.class, LvmConfigLoader.load(Path.of("/etc/lvm"), null));
    }
}
