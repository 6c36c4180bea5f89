package io.lvmcoord.agent.autoact;

import io.lvmcoord.scan.lvmconf.LocalSystemId;
import io.lvmcoord.scan.lvmconf.LvmConfig;
import io.lvmcoord.scan.lvmconf.VgVisibility;
import io.lvmcoord.scan.metadata.ConfigParser;
import io.lvmcoord.scan.metadata.MetadataImporter;
import io.lvmcoord.scan.metadata.VgMetadata;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which complete VGs the hook runs for: lvm2's pvscan and vgchange -aay rules, one by one. */
class AutoactivationPolicyTest {

    /** Metadata as lvm2 writes it, of a VG with LVs lv1 (tagged {@code lvTag}) and lv2. */
    static VgMetadata vg(String name, String extra, String vgTags, String lvTag) throws Exception {
        return vg(name, extra, vgTags, lvTag, "\"RESIZEABLE\", \"READ\", \"WRITE\"");
    }

    static VgMetadata vg(String name, String extra, String vgTags, String lvTag, String status) throws Exception {
        String text = "contents = \"Text Format Volume Group\"\nversion = 1\n" + name + " {\n"
                + "id = \"aaaaaa-bbbb-cccc-dddd-eeee-ffff-000001\"\nseqno = 3\nformat = \"lvm2\"\n"
                + "status = [" + status + "]\nextent_size = 8192\nmax_lv = 0\nmax_pv = 0\nmetadata_copies = 0\n"
                + "tags = [" + vgTags + "]\n" + extra + "\n"
                + "physical_volumes {\npv0 {\nid = \"pvpvpv-bbbb-cccc-dddd-eeee-ffff-000001\"\ndevice = \"/dev/loop0\"\n"
                + "status = [\"ALLOCATABLE\"]\nflags = []\ndev_size = 65536\npe_start = 2048\npe_count = 7\n}\n}\n"
                + "logical_volumes {\n" + lv("lv1", lvTag, 0) + lv("lv2", "", 1) + "}\n}\n";
        return MetadataImporter.importVg(ConfigParser.parse(text));
    }

    private static String lv(String name, String tag, int extent) {
        return name + " {\nid = \"lvlvlv-bbbb-cccc-dddd-eeee-ffff-00000" + extent + "\"\nstatus = [\"READ\", \"WRITE\", \"VISIBLE\"]\nflags = []\n"
                + "tags = [" + (tag.isEmpty() ? "" : "\"" + tag + "\"") + "]\nsegment_count = 1\nsegment1 {\nstart_extent = 0\nextent_count = 1\n"
                + "type = \"striped\"\nstripe_count = 1\nstripes = [\"pv0\", " + extent + "]\n}\n}\n";
    }

    static VgMetadata plain(String name) throws Exception {
        return vg(name, "", "", "");
    }

    private static Optional<LvmConfig> config(String text) throws Exception {
        return Optional.of(LvmConfig.of(Optional.of(ConfigParser.parse(text)), Optional.empty(), Optional.empty()));
    }

    private static final VgVisibility.Decision VISIBLE = new VgVisibility.Decision(true, java.util.List.of(), false);

    /** lvm2's own visibility decision for {@code vg} on a host whose system ID is "here". */
    private static VgVisibility.Decision onHostHere(VgMetadata vg) throws Exception {
        LvmConfig c = LvmConfig.of(Optional.of(ConfigParser.parse("global { system_id_source = \"lvmlocal\" } local { system_id = \"here\" }")),
                Optional.empty(), Optional.empty());
        LocalSystemId id = LocalSystemId.resolve(c, LocalSystemId.host("node", p -> new LocalSystemId.ReadError("No such file or directory")));
        return VgVisibility.decide(vg, id, c, VgVisibility.Options.LISTING);
    }

    private static String skipReason(AutoactivationPolicy.Verdict v) {
        return v instanceof AutoactivationPolicy.Skip s ? s.reason() : "RUN";
    }

    @Test
    void anOrdinaryVgRunsWithOrWithoutAConfiguration() throws Exception {
        VgMetadata vg = plain("vg0");
        assertEquals(AutoactivationPolicy.Run.RUN, AutoactivationPolicy.decide(vg, VISIBLE, Optional.empty()));
        assertEquals(AutoactivationPolicy.Run.RUN, AutoactivationPolicy.decide(vg, onHostHere(vg), config("global { event_activation = 0 }")));
    }

    @Test
    void sharedVgsAreLeftToLvmlockdEvenWhenVisible() throws Exception {
        VgMetadata vg = vg("vgs", "lock_type = \"sanlock\"\nlock_args = \"1.0.0:lvmlock\"", "", "");
        assertEquals("shared VG (lock type sanlock): lvmlockd's start-up activates it, not event autoactivation",
                skipReason(AutoactivationPolicy.decide(vg, VISIBLE, Optional.empty())));
    }

    @Test
    void aForeignVgIsSkippedAndOurOwnSystemIdRuns() throws Exception {
        VgMetadata foreign = vg("vgf", "system_id = \"elsewhere\"", "", "");
        assertEquals("foreign VG (system ID elsewhere)", skipReason(AutoactivationPolicy.decide(foreign, onHostHere(foreign), Optional.empty())));
        VgMetadata ours = vg("vgo", "system_id = \"here\"", "", "");
        assertEquals("RUN", skipReason(AutoactivationPolicy.decide(ours, onHostHere(ours), Optional.empty())));
    }

    @Test
    void exportedClusteredAndNoAutoactivateVgsAreSkipped() throws Exception {
        VgMetadata exported = vg("vge", "", "", "", "\"EXPORTED\", \"RESIZEABLE\", \"READ\", \"WRITE\"");
        assertEquals("exported VG", skipReason(AutoactivationPolicy.decide(exported, VISIBLE, Optional.empty())));
        VgMetadata clustered = vg("vgc", "", "", "", "\"CLUSTERED\", \"RESIZEABLE\", \"READ\", \"WRITE\"");
        assertEquals("clustered (clvmd) VG", skipReason(AutoactivationPolicy.decide(clustered, VISIBLE, Optional.empty())));
        VgMetadata off = vg("vgn", "flags = [\"NOAUTOACTIVATE\"]", "", "");
        assertEquals("autoactivation disabled in the VG's metadata (vgchange --setautoactivation n)",
                skipReason(AutoactivationPolicy.decide(off, VISIBLE, Optional.empty())));
    }

    @Test
    void theAutoActivationVolumeListSelectsByVgLvAndTagAsLvm2Does() throws Exception {
        VgMetadata vg = vg("vg0", "", "\"vgtag\"", "lvtag");
        String skipped = "no LV of it is selected by activation/auto_activation_volume_list";
        // Defined but empty: nothing is autoactivated.
        assertEquals(skipped, skipReason(AutoactivationPolicy.decide(vg, VISIBLE, config("activation { auto_activation_volume_list = [] }"))));
        assertEquals("RUN", skipReason(AutoactivationPolicy.decide(vg, VISIBLE, config("activation { auto_activation_volume_list = [\"vg0\"] }"))));
        assertEquals("RUN", skipReason(AutoactivationPolicy.decide(vg, VISIBLE, config("activation { auto_activation_volume_list = [\"vg0/lv2\"] }"))));
        assertEquals(skipped, skipReason(AutoactivationPolicy.decide(vg, VISIBLE, config("activation { auto_activation_volume_list = [\"vg0/lv9\"] }"))));
        // lvm2 compares the VG name as a prefix followed by '/' or the end: "vg" is not "vg0".
        assertEquals(skipped, skipReason(AutoactivationPolicy.decide(vg, VISIBLE, config("activation { auto_activation_volume_list = [\"vg\", \"vg0x\"] }"))));
        assertEquals("RUN", skipReason(AutoactivationPolicy.decide(vg, VISIBLE, config("activation { auto_activation_volume_list = [\"@vgtag\"] }"))));
        assertEquals("RUN", skipReason(AutoactivationPolicy.decide(vg, VISIBLE, config("activation { auto_activation_volume_list = [\"@lvtag\"] }"))));
        assertEquals(skipped, skipReason(AutoactivationPolicy.decide(vg, VISIBLE, config("activation { auto_activation_volume_list = [\"@other\", \"\", \"@\"] }"))));
        assertEquals("RUN", skipReason(AutoactivationPolicy.decide(vg, VISIBLE, config("activation { auto_activation_volume_list = [\"@*\"] }"))));
        // Undefined: every VG.
        assertEquals("RUN", skipReason(AutoactivationPolicy.decide(vg, VISIBLE, config("activation { volume_list = [\"x\"] }"))));
    }
}
