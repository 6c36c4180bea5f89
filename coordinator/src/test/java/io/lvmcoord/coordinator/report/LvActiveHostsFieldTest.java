package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.metadata.VgMetadata;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lvmcoord's lv_active_hosts: selected by name, never part of lvm2's "all" lists or its help. */
class LvActiveHostsFieldTest {

    private static Assembly linearScenario() throws Exception {
        List<DeviceScan> scans = new ArrayList<>();
        for (String disk : List.of("vdb", "vdc")) {
            Path img = Path.of(System.getProperty("lvmcoord.repo.root", "..")).resolve("testdata/dm/dm-s01-linear/" + disk + ".img.gz");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(img))) {
                scans.add(new PvDecoder(DecodeLimits.DEFAULT).decode(new ByteArrayBlockSource("/dev/" + disk, in.readNBytes(4 << 20))));
            }
        }
        return new VgAssembler().assemble(scans);
    }

    private static ReportRequest lvs(String... specs) {
        return new ReportRequest(ReportType.LV, List.of(specs), List.of(), false, Units.DEFAULT, false, "|", false, false,
                ReportRequest.Format.BASIC);
    }

    @Test
    void theFieldListsTheHostsTheMapGivesForEachLv() throws Exception {
        Assembly a = linearScenario();
        VgMetadata vg = a.vgs().get(0).metadata();
        String lvA = vg.lv("a").orElseThrow().id();
        Fields fields = new Fields(ZoneOffset.UTC).withActiveHosts((vgUuid, lvUuid) ->
                vgUuid.equals(vg.id()) && lvUuid.equals(lvA) ? List.of("node-a", "node-b") : List.of());
        Report r = new ReportBuilder(fields).build(a, lvs("lv_name,lv_active_hosts"));
        assertEquals(List.of(List.of("a", "node-a,node-b"), List.of("b", ""), List.of("c", ""), List.of("d", "")), r.rows());
        assertEquals("ActHosts", r.columns().get(1).heading());
        // Prefix-less and with +, as lvm2 resolves its own names; kept across withDeviceNumbers (remote views).
        Report plus = new ReportBuilder(fields.withDeviceNumbers(Fields.DeviceNumbers.NONE)).build(a, lvs("lv_name", "+active_hosts"));
        assertEquals(List.of("a", "node-a,node-b"), plus.rows().get(0));
    }

    @Test
    void allLvAllAndHelpStayLvm2s() throws Exception {
        Assembly a = linearScenario();
        Fields fields = new Fields(ZoneOffset.UTC).withActiveHosts((vg, lv) -> List.of("node-a"));
        for (String spec : List.of("all", "lv_all")) {
            Report r = new ReportBuilder(fields).build(a, lvs(spec));
            assertFalse(r.columns().stream().anyMatch(c -> c.id().equals("lv_active_hosts")), spec);
            assertEquals(new ReportBuilder(new Fields(ZoneOffset.UTC)).build(a, lvs(spec)).rows(), r.rows(), spec);
        }
        assertEquals(new Fields(ZoneOffset.UTC).helpLines(), fields.helpLines());
        assertFalse(fields.helpLines().stream().anyMatch(l -> l.contains("active_hosts")));
        assertTrue(fields.find("lv_active_hosts").isPresent());
        assertFalse(fields.supportedIds().contains("lv_active_hosts"), "selection knows lvm2's fields only");
    }
}
