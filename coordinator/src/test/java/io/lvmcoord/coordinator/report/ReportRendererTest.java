package io.lvmcoord.coordinator.report;

import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The output switches of lvm2's basic and JSON layouts over a small hand-made report: two VGs,
 * a string, a number, a size and a string list. The expected texts follow libdm's rules as
 * read in libdm-report.c (the live oracle test compares them with lvm2 itself).
 */
class ReportRendererTest {
    private static final Fields FIELDS = new Fields(ZoneId.of("UTC"));

    private static FieldDef f(String id) {
        return FIELDS.find(id).orElseThrow();
    }

    private static final Report VGS = new Report(ReportType.VG, List.of(f("vg_name"), f("pv_count"), f("vg_size"), f("vg_tags")),
            List.of(List.of("vg1", "2", "120.00m", "a,b"), List.of("vg2", "1", "60.00m", "")));

    private static ReportRequest basic(ReportRequest.Layout layout, boolean headings, String separator, boolean aligned) {
        return new ReportRequest(ReportType.VG, List.of(), List.of(), false, Units.DEFAULT, headings, separator, aligned, false,
                ReportRequest.Format.BASIC, layout, List.of(), false, null, false, false, false);
    }

    private static ReportRequest format(ReportRequest.Format format, ReportRequest.Layout layout) {
        return new ReportRequest(ReportType.VG, List.of(), List.of(), false, Units.DEFAULT, true, null, false, false, format, layout,
                List.of(), false, null, false, false, false);
    }

    @Test
    void defaultColumnsArePaddedNumbersAndSizesToTheRight() {
        assertEquals("  VG  #PV VSize   VG Tags\n"
                        + "  vg1   2 120.00m a,b    \n"
                        + "  vg2   1  60.00m        \n",
                ReportRenderer.render(VGS, basic(ReportRequest.Layout.DEFAULT, true, null, false)));
        // A width of 0 in lvm2's field table means the heading's length, headings shown or not (#PV: 3).
        assertEquals("  vg1   2 120.00m a,b    \n"
                        + "  vg2   1  60.00m        \n",
                ReportRenderer.render(VGS, basic(ReportRequest.Layout.DEFAULT, false, null, false)));
    }

    @Test
    void paddedHeadingsAreCutToTheirColumnAsLvm2Does() {
        // lv_initial_image_sync: width 10 in lvm2's table, heading "InitImgSync" (11).
        FieldDef sync = new FieldDef("lv_initial_image_sync", ReportType.LV, "BIN", "InitImgSync", 10, row -> Cell.EMPTY);
        Report r = new Report(ReportType.LV, List.of(sync), List.of(List.of("")));
        assertEquals("  InitImgSyn\n            \n", ReportRenderer.render(r, basic(ReportRequest.Layout.DEFAULT, true, null, false)));
        assertEquals("  InitImgSync\n  \n", ReportRenderer.render(r, basic(ReportRequest.Layout.DEFAULT, true, ":", false)));
    }

    @Test
    void namePrefixesQuoteEachValueAndTurnAlignmentOffEvenWithAligned() {
        ReportRequest.Layout prefixes = new ReportRequest.Layout(true, false, false, false);
        assertEquals("  VG #PV VSize VG Tags\n"
                        + "  LVM2_VG_NAME='vg1' LVM2_PV_COUNT='2' LVM2_VG_SIZE='120.00m' LVM2_VG_TAGS='a,b'\n"
                        + "  LVM2_VG_NAME='vg2' LVM2_PV_COUNT='1' LVM2_VG_SIZE='60.00m' LVM2_VG_TAGS=''\n",
                ReportRenderer.render(VGS, basic(prefixes, true, null, true)));
        ReportRequest.Layout unquoted = new ReportRequest.Layout(true, true, false, false);
        assertEquals("  LVM2_VG_NAME=vg1:LVM2_PV_COUNT=2:LVM2_VG_SIZE=120.00m:LVM2_VG_TAGS=a,b\n"
                        + "  LVM2_VG_NAME=vg2:LVM2_PV_COUNT=1:LVM2_VG_SIZE=60.00m:LVM2_VG_TAGS=\n",
                ReportRenderer.render(VGS, basic(unquoted, false, ":", false)));
    }

    @Test
    void unquotedAloneChangesNothing() {
        ReportRequest.Layout unquoted = new ReportRequest.Layout(false, true, false, false);
        assertEquals(ReportRenderer.render(VGS, basic(ReportRequest.Layout.DEFAULT, true, null, false)),
                ReportRenderer.render(VGS, basic(unquoted, true, null, false)));
    }

    @Test
    void rowsPrintOneLinePerFieldHeadingFirstAndNeverPad() {
        ReportRequest.Layout rows = new ReportRequest.Layout(false, false, true, false);
        String expected = "  VG vg1 vg2\n"
                + "  #PV 2 1\n"
                + "  VSize 120.00m 60.00m\n"
                + "  VG Tags a,b \n";
        assertEquals(expected, ReportRenderer.render(VGS, basic(rows, true, null, true)));
        assertEquals("  vg1|vg2\n  2|1\n  120.00m|60.00m\n  a,b|\n", ReportRenderer.render(VGS, basic(rows, false, "|", false)));
    }

    @Test
    void separatorJoinsUnpaddedUnlessAligned() {
        assertEquals("  VG:#PV:VSize:VG Tags\n  vg1:2:120.00m:a,b\n  vg2:1:60.00m:\n",
                ReportRenderer.render(VGS, basic(ReportRequest.Layout.DEFAULT, true, ":", false)));
        assertEquals("  VG :#PV:VSize  :VG Tags\n  vg1:  2:120.00m:a,b    \n  vg2:  1: 60.00m:       \n",
                ReportRenderer.render(VGS, basic(ReportRequest.Layout.DEFAULT, true, ":", true)));
    }

    @Test
    void fullHeadingsAreTheFieldIdsAndWidenTheColumns() {
        ReportRequest.Layout ids = new ReportRequest.Layout(false, false, false, true);
        assertEquals("  vg_name pv_count vg_size vg_tags\n"
                        + "  vg1            2 120.00m a,b    \n"
                        + "  vg2            1  60.00m        \n",
                ReportRenderer.render(VGS, basic(ids, true, null, false)));
    }

    @Test
    void anEmptyBasicReportPrintsNothingNotEvenHeadings() {
        Report empty = new Report(ReportType.VG, VGS.columns(), List.of());
        assertEquals("", ReportRenderer.render(empty, basic(ReportRequest.Layout.DEFAULT, true, null, false)));
        assertEquals("", ReportRenderer.render(empty, basic(new ReportRequest.Layout(false, false, true, false), true, null, false)));
    }

    @Test
    void jsonWithNamePrefixesKeepsLvm2sClosingQuoteBug() {
        String row = ReportRenderer.render(VGS, format(ReportRequest.Format.JSON, new ReportRequest.Layout(true, false, false, false)))
                .lines().filter(l -> l.contains("vg1")).findFirst().orElseThrow();
        assertEquals("                  {\"vg_name\":\"vg1', \"pv_count\":\"2', \"vg_size\":\"120.00m', \"vg_tags\":\"a,b'},", row);
        String unquoted = ReportRenderer.render(VGS, format(ReportRequest.Format.JSON, new ReportRequest.Layout(true, true, false, false)))
                .lines().filter(l -> l.contains("vg2")).findFirst().orElseThrow();
        assertEquals("                  {\"vg_name\":\"vg2, \"pv_count\":\"1, \"vg_size\":\"60.00m, \"vg_tags\":\"}", unquoted);
    }

    @Test
    void jsonIgnoresRowsHeadingsAndAlignment() {
        String plain = ReportRenderer.json(VGS);
        assertEquals(plain, ReportRenderer.render(VGS, format(ReportRequest.Format.JSON, new ReportRequest.Layout(false, true, true, true))));
    }

    @Test
    void jsonStdPrintsNumbersAsNumbersListsAsArraysAndSizesAsStrings() {
        Report withBlank = new Report(ReportType.VG, List.of(f("vg_name"), f("pv_count"), f("vg_size"), f("vg_tags")),
                List.of(List.of("v\\g\"1", "", "1.00m", "t1,t2")));
        assertEquals("  {\n"
                        + "      \"report\": [\n"
                        + "          {\n"
                        + "              \"vg\": [\n"
                        + "                  {\"vg_name\":\"vg1\", \"pv_count\":2, \"vg_size\":\"120.00m\", \"vg_tags\":[\"a\",\"b\"]},\n"
                        + "                  {\"vg_name\":\"vg2\", \"pv_count\":1, \"vg_size\":\"60.00m\", \"vg_tags\":[]}\n"
                        + "              ]\n"
                        + "          }\n"
                        + "      ]\n"
                        + "  }\n",
                ReportRenderer.render(VGS, format(ReportRequest.Format.JSON_STD, ReportRequest.Layout.DEFAULT)));
        assertEquals("                  {\"vg_name\":\"v\\\\g\\\"1\", \"pv_count\":null, \"vg_size\":\"1.00m\", \"vg_tags\":[\"t1\",\"t2\"]}",
                ReportRenderer.render(withBlank, format(ReportRequest.Format.JSON_STD, ReportRequest.Layout.DEFAULT)).lines()
                        .filter(l -> l.contains("vg_name")).findFirst().orElseThrow());
    }

    @Test
    void fullReportGroupsSubreportsPerVgWithLvm2sSeparators() {
        Report lvs = new Report(ReportType.LV, List.of(f("lv_name")), List.of());
        Report vg1 = new Report(ReportType.VG, List.of(f("vg_name")), List.of(List.of("vg1")));
        Report vg2 = new Report(ReportType.VG, List.of(f("vg_name")), List.of(List.of("vg2")));
        List<List<ReportRenderer.Section>> groups = List.of(
                List.of(new ReportRenderer.Section("vg", vg2), new ReportRenderer.Section("lv", lvs)),
                List.of(new ReportRenderer.Section("vg", vg1)));
        assertEquals("  {\n"
                        + "      \"report\": [\n"
                        + "          {\n"
                        + "              \"vg\": [\n"
                        + "                  {\"vg_name\":\"vg2\"}\n"
                        + "              ]\n"
                        + "              ,\n"
                        + "              \"lv\": [\n"
                        + "              ]\n"
                        + "          }\n"
                        + "          ,\n"
                        + "          {\n"
                        + "              \"vg\": [\n"
                        + "                  {\"vg_name\":\"vg1\"}\n"
                        + "              ]\n"
                        + "          }\n"
                        + "      ]\n"
                        + "  }\n",
                ReportRenderer.full(groups, format(ReportRequest.Format.JSON, ReportRequest.Layout.DEFAULT)));
        assertEquals("  VG \n  vg2\n  VG \n  vg1\n",
                ReportRenderer.full(groups, basic(ReportRequest.Layout.DEFAULT, true, null, false)));
    }
}
