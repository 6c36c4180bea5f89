package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.Assembly;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Positional arguments over lvm2-written fixtures: s11 (vgdata with tag prod, vglogs with tag
 * nightly, exported vgold, LV wal tagged fastpath, an orphan on e.img) and s12 (vg12 with a cache
 * pool's hidden sub-LVs and an LV tagged k=v:x/y+z.w#1). The live oracle test compares the same
 * rules with lvm2 itself on loop devices.
 */
class ReportScopeTest {
    private static final Fields FIELDS = new Fields(ZoneId.of("UTC"));
    private static final Assembly S11 = fixture("s11-multi-vg", "a.img", "b.img", "c.img", "d.img", "e.img");
    private static final Assembly S12 = fixture("s12-lv-types", "pv1.img", "pv2.img");

    private static Assembly fixture(String scenario, String... images) {
        return CraftedMetadata.assemble(java.util.Arrays.stream(images)
                .map(i -> CraftedMetadata.decode(i, CraftedMetadata.image(scenario, i))).toArray(io.lvmcoord.scan.codec.DeviceScan[]::new));
    }

    private static Report report(Assembly a, ReportType type, String fields, boolean all, String... names) throws Exception {
        ReportRequest req = new ReportRequest(type, List.of(fields), List.of(), all, new Units('b', false), false, "|", false, false,
                ReportRequest.Format.BASIC, ReportRequest.Layout.DEFAULT, List.of(names), type == ReportType.SEG, null, false, false, false);
        return new ReportBuilder(FIELDS).build(a, req);
    }

    private static List<String> column(Report r) {
        return r.rows().stream().map(row -> String.join("|", row)).toList();
    }

    @Test
    void vgsNamesAndTagsPickVgsAndAnUnknownNameIsLvm2sNotFound() throws Exception {
        Report r = report(S11, ReportType.VG, "vg_name", false, "vglogs", "nope", "vgdata");
        assertEquals(List.of("vgdata", "vglogs"), column(r));
        assertEquals(List.of("Volume group \"nope\" not found", "Cannot process volume group nope"), r.warnings());
        assertTrue(r.failed());
        Report tagged = report(S11, ReportType.VG, "vg_name", false, "@nightly", "nope");
        assertEquals(List.of("vglogs"), column(tagged));
        assertEquals(List.of(), tagged.warnings(), "with a tag lvm2 walks all VGs and never looks names up");
    }

    @Test
    void vgsRefusesANameWithASlashAndABadTagBeforeReporting() {
        ReportScope.BadArguments e = assertThrows(ReportScope.BadArguments.class,
                () -> ReportScope.parse(ReportType.VG, List.of("a/b", "@x%y", "/dev/vgdata")));
        assertEquals(List.of("Invalid volume group name a/b.", "Skipping invalid tag: @x%y"), e.lines());
    }

    @Test
    void lvsNamedHiddenLvShowsWithoutDashAButNotInTheSegmentReport() throws Exception {
        assertEquals(List.of("[cpool_cdata]|vg12", "origin|vg12"),
                column(report(S12, ReportType.LV, "lv_name,vg_name", false, "vg12/cpool_cdata", "vg12/origin")));
        assertEquals(List.of(), column(report(S12, ReportType.SEG, "lv_name", false, "vg12/cpool_cdata")));
        assertEquals(List.of("[cpool_cdata]"), column(report(S12, ReportType.SEG, "lv_name", true, "vg12/cpool_cdata")));
    }

    @Test
    void lvsBareVgKeepsDefaultVisibilityEvenWhenAnotherArgumentNamesAHiddenLv() throws Exception {
        List<String> visible = column(report(S12, ReportType.LV, "lv_name", false, "vg12"));
        assertEquals(List.of("cpool", "mirrorless", "origin", "smallstripe"), visible);
        assertEquals(visible, column(report(S12, ReportType.LV, "lv_name", false, "vg12", "/dev/vg12/origin")));
    }

    @Test
    void lvsTagsMatchLvTagsAndVgTags() throws Exception {
        assertEquals(List.of("mirrorless"), column(report(S12, ReportType.LV, "lv_name", false, "@k=v:x/y+z.w#1")));
        assertEquals(List.of("wal"), column(report(S11, ReportType.LV, "lv_name", false, "@fastpath")));
        assertEquals(List.of("db|vgdata", "wal|vgdata"), column(report(S11, ReportType.LV, "lv_name,vg_name", false, "@prod")));
    }

    @Test
    void lvsUnmatchedNamesAreReportedPerVgInTheOrderGiven() throws Exception {
        Report r = report(S11, ReportType.LV, "lv_name", false, "vglogs/x", "nope", "vgdata/y", "vglogs/app", "vgold");
        assertEquals(List.of("app"), column(r));
        assertEquals(List.of("Failed to find logical volume \"vglogs/x\"", "Volume group \"nope\" not found",
                "Cannot process volume group nope", "Failed to find logical volume \"vgdata/y\"", "Volume group vgold is exported"),
                r.warnings());
    }

    @Test
    void lvsAnArgumentThatIsNoLvPathStopsTheCommand() throws Exception {
        Report r = report(S11, ReportType.LV, "lv_name", false, "vgdata/db/x", "vglogs");
        assertEquals(List.of(), column(r));
        assertEquals(List.of("\"vgdata/db/x\": Invalid path for Logical Volume."), r.warnings());
    }

    @Test
    void pvsWithLabelFieldsOnlyReportsEachMentionAndNamesWhatIsNoPv() throws Exception {
        Report r = report(S11, ReportType.PV, "pv_name", false, "e.img", "a.img", "e.img", "nope");
        assertEquals(List.of("a.img", "e.img", "e.img"), column(r));
        assertEquals(List.of("Failed to find device \"nope\"."), r.warnings());
    }

    @Test
    void pvsWithVgFieldsReportsEachPvOnceAndTakesPvTags() throws Exception {
        Report r = report(S11, ReportType.PV, "pv_name,vg_name", false, "e.img", "a.img", "e.img", "nope");
        assertEquals(List.of("a.img|vgdata", "e.img|"), column(r));
        assertEquals(List.of("Cannot use nope: device not found"), r.warnings());
        Report none = report(S11, ReportType.PV, "pv_name", false, "@nosuchtag");
        assertEquals(List.of(), column(none));
        assertEquals(List.of(), none.warnings());
    }

    @Test
    void devicePathsOfLvsNameTheirVgAndLv() {
        assertEquals("vg1/lv1", ReportScope.skipDevDir("/dev/vg1/lv1"));
        assertEquals("vg1/lv1", ReportScope.skipDevDir("//dev//vg1/lv1"));
        assertEquals("my-vg/lv-1", ReportScope.skipDevDir("/dev/mapper/my--vg-lv--1"));
        assertEquals("vg1", ReportScope.skipDevDir("/dev/mapper/vg1"));
        assertEquals("vg1-lv1-real", ReportScope.skipDevDir("/dev/mapper/vg1-lv1-real"));
        assertEquals("vg1", ReportScope.skipDevDir("vg1"));
    }

    @Test
    void withoutArgumentsEverythingIsInScope() throws Exception {
        assertEquals(3, column(report(S11, ReportType.VG, "vg_name", false)).size());
        assertTrue(!ReportScope.parse(ReportType.LV, List.of()).restricted());
    }
}
