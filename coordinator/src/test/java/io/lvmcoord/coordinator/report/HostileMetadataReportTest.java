package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.metadata.PvMetadata;
import io.lvmcoord.scan.metadata.VgMetadata;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static io.lvmcoord.coordinator.report.CraftedMetadata.assemble;
import static io.lvmcoord.coordinator.report.CraftedMetadata.build;
import static io.lvmcoord.coordinator.report.CraftedMetadata.decode;
import static io.lvmcoord.coordinator.report.CraftedMetadata.image;
import static io.lvmcoord.coordinator.report.CraftedMetadata.request;
import static io.lvmcoord.coordinator.report.CraftedMetadata.text;
import static io.lvmcoord.coordinator.report.CraftedMetadata.withText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reproducers of issue 11 for the report side, each made from a real fixture's metadata:
 * every one yields values (or lvm2's words for a VG it cannot process) within 100 ms of CPU,
 * and the VGs next to it answer as before.
 */
class HostileMetadataReportTest {
    private static final Fields FIELDS = new Fields(ZoneId.of("UTC"));
    /** CPU time a crafted VG may cost a report, after warm-up (the acceptance figure). */
    private static final long BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Wall-clock guard so a regression fails the test instead of hanging the build. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(20);

    private static final byte[] S12_PV1 = image("s12-lv-types", "pv1.img");
    private static final byte[] S12_PV2 = image("s12-lv-types", "pv2.img");

    /** s12's VG with {@code extraLvs} inserted at the top of its logical_volumes section. */
    private static Assembly s12With(String extraLvs) {
        return s12Text(text(S12_PV1).replace("logical_volumes {\n", "logical_volumes {\n" + extraLvs));
    }

    private static Assembly s12Text(String text) {
        DeviceScan a = decode("pv1.img", withText(S12_PV1, text));
        DeviceScan b = decode("pv2.img", withText(S12_PV2, text));
        Assembly asm = assemble(a, b);
        assertEquals(1, asm.vgs().size(), "the crafted text must decode: " + asm.warnings());
        return asm;
    }

    private static String lv(String name, String status, String segmentBody) {
        return name + " {\nid = \"" + uuidFor(name) + "\"\nstatus = [" + status + "]\nflags = []\ncreation_time = 1795238349\n"
                + "creation_host = \"vm\"\nsegment_count = 1\n\nsegment1 {\nstart_extent = 0\nextent_count = 8\n\n" + segmentBody + "}\n}\n\n";
    }

    private static String uuidFor(String name) {
        String h = String.format("%032x", (long) name.hashCode() & 0xffffffffL).substring(0, 32).replace('0', 'A');
        return h.substring(0, 6) + "-" + h.substring(6, 10) + "-" + h.substring(10, 14) + "-" + h.substring(14, 18) + "-"
                + h.substring(18, 22) + "-" + h.substring(22, 26) + "-" + h.substring(26, 32);
    }

    private static List<String> lines(Report r) {
        return r.rows().stream().map(row -> String.join("|", row)).toList();
    }

    /** Runs {@code work} once to warm up, then again measuring its CPU time; returns the second result. */
    private static <T> T withinBudget(Callable<T> work) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> {
            work.call();
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long before = mx.getCurrentThreadCpuTime();
            T result = work.call();
            long spent = mx.getCurrentThreadCpuTime() - before;
            assertTrue(spent < BUDGET_NANOS, "took " + TimeUnit.NANOSECONDS.toMillis(spent) + " ms of CPU");
            return result;
        });
    }

    @Test
    void cacheLvWhoseCachePoolNamesItselfHasNoDataOrMetadataLvWhileARealCacheLvShowsItsPools() {
        Assembly a = s12With(lv("selfcache", "\"READ\", \"WRITE\", \"VISIBLE\"",
                "type = \"cache\"\ncache_pool = \"selfcache\"\norigin = \"origin\"\n")
                + lv("goodcache", "\"READ\", \"WRITE\", \"VISIBLE\"", "type = \"cache\"\ncache_pool = \"cpool\"\norigin = \"mirrorless\"\n"));
        Report r = withinBudget(() -> build(FIELDS, a, request(ReportType.LV, "lv_name,pool_lv,data_lv,metadata_lv,origin", false)));
        assertTrue(r.failures().isEmpty(), r.failures().toString());
        List<String> rows = lines(r);
        assertTrue(rows.contains("selfcache|selfcache|||origin"), rows.toString());
        // lvm2 names data and metadata LVs for pools only: a cache LV shows its pool, not the pool's parts.
        assertTrue(rows.contains("goodcache|cpool|||mirrorless"), rows.toString());
        assertTrue(rows.contains("cpool||[cpool_cdata]|[cpool_cmeta]|"), rows.toString());
    }

    @Test
    void cacheLvsNamingEachOtherAsPoolsEndAfterOneReference() {
        Assembly a = s12With(lv("ca", "\"READ\", \"WRITE\", \"VISIBLE\"", "type = \"cache\"\ncache_pool = \"cb\"\norigin = \"cb\"\n")
                + lv("cb", "\"READ\", \"WRITE\", \"VISIBLE\"", "type = \"cache\"\ncache_pool = \"ca\"\norigin = \"ca\"\n"));
        Report r = withinBudget(() -> build(FIELDS, a, request(ReportType.LV, "lv_name,pool_lv,data_lv,metadata_lv", true)));
        List<String> rows = lines(r);
        assertTrue(rows.contains("ca|cb||"), rows.toString());
        assertTrue(rows.contains("cb|ca||"), rows.toString());
    }

    /**
     * 60 mirrors, each using the next one twice as its images, the last using itself: the
     * recursive partial() walked 2^60 paths. Read with its third PV missing (s08), so partial
     * has to look, and one LV on the missing PV makes the chain's head partial.
     */
    @Test
    void selfReferencingMirrorChainIsWalkedOnceAndPartialIsStillFound() {
        byte[] pv1 = image("s08-missing-pv", "pv1.img");
        byte[] pv2 = image("s08-missing-pv", "pv2.img");
        StringBuilder extra = new StringBuilder();
        int n = 60;
        for (int i = 0; i < n; i++) {
            String next = i + 1 < n ? "m" + (i + 1) : "m" + i;
            extra.append(lv("m" + i, "\"READ\", \"WRITE\"" + (i == 0 ? ", \"VISIBLE\"" : ""),
                    "type = \"mirror\"\nmirror_count = 2\n\nmirrors = [\n\"" + next + "\", 0,\n\"" + next + "\", 0\n]\n"));
        }
        // A mirror whose image sits on the missing PV (pv2 of vg08): partial through one reference.
        extra.append(lv("lost", "\"READ\", \"WRITE\", \"VISIBLE\"", "type = \"mirror\"\nmirror_count = 1\n\nmirrors = [\n\"onmissing\", 0\n]\n"));
        extra.append(lv("onmissing", "\"READ\", \"WRITE\"", "type = \"striped\"\nstripe_count = 1\n\nstripes = [\n\"pv2\", 0\n]\n"));
        String text = text(pv1).replace("logical_volumes {\n", "logical_volumes {\n" + extra);
        Assembly a = assemble(decode("pv1.img", withText(pv1, text)), decode("pv2.img", withText(pv2, text)));
        assertEquals(1, a.vgs().size(), a.warnings().toString());
        assertEquals(1, a.vgs().get(0).missingPvCount());
        Report r = withinBudget(() -> build(FIELDS, a, request(ReportType.LV, "lv_name,lv_attr", true)));
        List<String> rows = lines(r);
        assertEquals(n + 4, rows.size(), rows.toString());
        assertTrue(rows.contains("m0|mwi-XXm---"), rows.toString());
        assertTrue(rows.contains("[m59]|mwi-XXm---"), rows.toString());
        assertTrue(rows.contains("lost|mwi-XXm-p-"), rows.toString());
        // Without device-mapper lvm2 cannot tell an image is in sync, and says so with 'I'.
        assertTrue(rows.contains("[onmissing]|Iwi-XXm-p-"), rows.toString());
    }

    @Test
    void creationTimesPastJavaTimeAndPastGlibcPrintAsLvm2Would() {
        assertEquals("2026-11-21 05:19:09 +0000", Fields.lvTime(1795238349, ZoneId.of("UTC")));
        assertEquals("1969-12-31 23:59:59 +0000", Fields.lvTime(-1, ZoneId.of("UTC")));
        assertEquals("", Fields.lvTime(0, ZoneId.of("UTC")));
        // One second past java.time's Instant.MAX (+1000000000-12-31T23:59:59Z).
        assertEquals("1000000001-01-01 00:00:00 +0000", Fields.lvTime(31_556_889_864_403_200L, ZoneId.of("UTC")));
        // glibc's tm_year is an int: localtime() fails and lvm2 prints the field empty.
        assertEquals("", Fields.lvTime(Long.MAX_VALUE, ZoneId.of("UTC")));
        assertEquals("", Fields.lvTime(Long.MIN_VALUE, ZoneId.of("UTC")));
        assertEquals("2026-11-21 06:19:09 +0100", Fields.lvTime(1795238349, ZoneId.of("Europe/Berlin")));

        String text = text(S12_PV1);
        String crafted = text.replaceFirst("creation_time = 1795238349\n", "creation_time = 9223372036854775807\n")
                .replaceFirst("(mirrorless \\{[^}]*?)creation_time = 1795238349\n", "$1creation_time = 31556889864403200\n");
        Assembly a = s12Text(crafted);
        Report r = withinBudget(() -> build(FIELDS, a, request(ReportType.LV, "lv_name,lv_time", false)));
        List<String> rows = lines(r);
        assertTrue(rows.contains("origin|"), rows.toString());
        assertTrue(rows.contains("mirrorless|1000000001-01-01 00:00:00 +0000"), rows.toString());
        assertTrue(rows.contains("smallstripe|2026-11-21 05:19:09 +0000"), rows.toString());
    }

    /** s11's VGs next to a copy of s12's VG whose model says something impossible. */
    private static final Assembly S11 = assemble(List.of("a.img", "b.img", "c.img", "d.img", "e.img").stream()
            .map(img -> decode(img, image("s11-multi-vg", img))).toArray(DeviceScan[]::new));

    private static Assembly s11Plus(VgView poisoned) {
        Assembly s11 = S11;
        List<VgView> vgs = new ArrayList<>(s11.vgs());
        vgs.add(poisoned);
        return new Assembly(vgs, s11.loosePvs(), s11.duplicates(), s11.nonPvDevices(), s11.warnings());
    }

    private static VgView s12() {
        return s12Text(text(S12_PV1)).vgs().get(0);
    }

    private static VgView withPeCounts(VgView v, long pv0, long pv1) {
        List<PvMetadata> pvs = List.of(CraftedMetadata.pv(v.metadata().pvs().get(0), "pv0", v.metadata().pvs().get(0).id(), pv0),
                CraftedMetadata.pv(v.metadata().pvs().get(1), "pv1", v.metadata().pvs().get(1).id(), pv1));
        VgMetadata m = CraftedMetadata.withPvs(v.metadata(), pvs);
        List<VgPv> joined = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            joined.add(new VgPv(pvs.get(i), v.pvs().get(i).device()));
        }
        return new VgView(m, joined, List.of());
    }

    @Test
    void extentCountsSummingPast2To63FailThatVgAloneWithLvm2sWords() {
        VgView huge = withPeCounts(s12(), Long.MAX_VALUE / 2 + 1, Long.MAX_VALUE / 2 + 1);
        Assembly a = s11Plus(huge);
        Assembly clean = s11Plus(s12());
        for (ReportType type : ReportType.values()) {
            String fields = switch (type) {
                case PV -> "pv_name,vg_name,pv_size,pv_free,vg_size,vg_free";
                case VG -> "vg_name,vg_size,vg_free,vg_extent_count,vg_free_count,lv_count";
                case LV -> "lv_name,vg_name,lv_size,vg_free";
                case SEG -> "lv_name,vg_name,seg_size,devices";
                case PVSEG -> "pv_name,vg_name,pvseg_start,pvseg_size,vg_size";
            };
            Report bad = withinBudget(() -> build(FIELDS, a, request(type, fields, true)));
            Report good = build(FIELDS, clean, request(type, fields, true));
            assertEquals(List.of(new Report.VgFailure("vg12", "TEQCkf-gTcN-dMoN-ATl5-wDq8-jcED-wwW8VC",
                    bad.failures().get(0).reason())), bad.failures(), type.name());
            assertTrue(bad.failures().get(0).reason().contains("exceed"), bad.failures().get(0).reason());
            assertEquals(List.of("Volume group \"vg12\" not found", "Cannot process volume group vg12"), bad.warnings());
            // The other VGs' rows are exactly what they are without the bad VG.
            List<String> others = lines(good).stream().filter(l -> !l.contains("vg12")).toList();
            List<String> badOthers = lines(bad).stream().filter(l -> !l.contains("vg12") && !l.contains("[unknown]")).toList();
            assertEquals(others, badOthers, type.name());
            assertTrue(lines(bad).stream().noneMatch(l -> l.contains("vg12")), lines(bad).toString());
            if (type == ReportType.PV) {
                // pvs still lists the bad VG's devices, as PVs of a VG it cannot read.
                assertTrue(lines(bad).contains("pv1.img|[unknown]|67108864|0|0|0"), lines(bad).toString());
                assertTrue(lines(bad).contains("pv2.img|[unknown]|67108864|0|0|0"), lines(bad).toString());
            }
        }
    }

    @Test
    void moreExtentsAllocatedThanAPvHasIsImpossibleNotANegativeFreeSize() {
        VgView v = withPeCounts(s12(), 3, 63);
        Report r = build(FIELDS, s11Plus(v), request(ReportType.VG, "vg_name,vg_free", false));
        assertEquals(1, r.failures().size());
        assertTrue(r.failures().get(0).reason().contains("negative"), r.failures().get(0).reason());
        assertEquals(3, lines(r).size(), lines(r).toString());
        assertTrue(lines(r).stream().noneMatch(l -> l.contains("-")), lines(r).toString());
    }

    @Test
    void eightThousandPvsReportInLinearTime() {
        VgView v = s12();
        PvMetadata template = v.metadata().pvs().get(1);
        List<PvMetadata> pvs = new ArrayList<>(v.metadata().pvs());
        List<VgPv> joined = new ArrayList<>(v.pvs());
        for (int i = 2; i < 8000; i++) {
            PvMetadata p = CraftedMetadata.pv(template, "pv" + i, String.format("AAAAAA-AAAA-AAAA-AAAA-AAAA-AAAA-%06d", i), 63);
            pvs.add(p);
            joined.add(new VgPv(p, null));
        }
        VgView big = new VgView(CraftedMetadata.withPvs(v.metadata(), pvs), joined, List.of());
        Assembly a = new Assembly(List.of(big), List.of(), List.of(), List.of(), List.of());
        Report r = assertTimeoutPreemptively(HANG_GUARD, () -> {
            build(FIELDS, a, request(ReportType.PV, "pv_name,vg_name,vg_size,vg_free,vg_extent_count,vg_free_count,lv_count,pv_count,"
                    + "vg_missing_pv_count,vg_attr,pv_free", false));
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long before = mx.getCurrentThreadCpuTime();
            Report rep = build(FIELDS, a, request(ReportType.PV, "pv_name,vg_name,vg_size,vg_free,vg_extent_count,vg_free_count,lv_count,"
                    + "pv_count,vg_missing_pv_count,vg_attr,pv_free", false));
            long spent = mx.getCurrentThreadCpuTime() - before;
            // The per-row loops took 2.9 s here; linear, 8000 rows of 11 fields are a few tens of ms.
            assertTrue(spent < TimeUnit.MILLISECONDS.toNanos(500), "took " + TimeUnit.NANOSECONDS.toMillis(spent) + " ms of CPU");
            return rep;
        });
        assertEquals(8000, r.rows().size());
        long extents = 63L * 8000;
        long free = extents - 38;
        assertEquals("pv2.img|vg12|" + extents * 1048576 + "|" + free * 1048576 + "|" + extents + "|" + free + "|4|8000|7998|wz-pn-|"
                + 61 * 1048576, lines(r).get(lines(r).size() - 1));
        assertFalse(r.failed());
    }
}
