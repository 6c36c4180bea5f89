package io.lvmcoord.coordinator.assembly;

import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.PvDecoder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VgAssemblerTest {
    private final VgAssembler assembler = new VgAssembler();

    @Test
    void highestSeqnoWinsAndTheStaleCopyIsReported() {
        Assembly a = assembler.assemble(scan("s09-stale-seqno", "pv1.img", "pv2.img"));
        VgView vg = a.vgs().get(0);
        assertEquals(4, vg.metadata().seqno());
        assertEquals(List.of(new VgView.StaleCopy("pv2.img", 2)), vg.staleCopies());
        assertEquals("WARNING: ignoring metadata seqno 2 on pv2.img for seqno 4 on pv1.img for VG vg09.", a.warnings().get(0));
        assertEquals("WARNING: Inconsistent metadata found for VG vg09.", a.warnings().get(1));
    }

    @Test
    void metadataLessPvJoinsItsVgThroughThePvList() {
        Assembly a = assembler.assemble(scan("s04-no-mda-pv", "pv2.img", "pv1.img", "pv3.img"));
        assertEquals(1, a.vgs().size());
        assertEquals(3, a.vgs().get(0).pvs().size());
        assertTrue(a.vgs().get(0).pvs().stream().noneMatch(VgPv::missing));
        assertEquals(List.of(), a.loosePvs());
    }

    @Test
    void aMetadataLessPvAloneIsInUseWithAnUnknownVg() {
        Assembly a = assembler.assemble(scan("s04-no-mda-pv", "pv2.img"));
        assertEquals(List.of(), a.vgs());
        assertEquals(1, a.loosePvs().size());
        assertTrue(a.loosePvs().get(0).unknownVg(), "marked in use, so lvm2 shows [unknown], not an orphan");
    }

    @Test
    void missingPvIsListedWithoutADeviceAndWarnedAbout() {
        Assembly a = assembler.assemble(scan("s08-missing-pv", "pv1.img", "pv2.img"));
        VgView vg = a.vgs().get(0);
        assertEquals(1, vg.missingPvCount());
        VgPv missing = vg.pvs().stream().filter(VgPv::missing).findFirst().orElseThrow();
        assertNull(missing.device());
        assertEquals("WARNING: Couldn't find device with uuid y0Y7bK-6ram-lire-N2cR-P5pk-Yo8W-B2uXs9.", a.warnings().get(0));
        assertEquals("WARNING: VG vg08 is missing PV y0Y7bK-6ram-lire-N2cR-P5pk-Yo8W-B2uXs9 (last written to /dev/loop4).",
                a.warnings().get(1));
    }

    @Test
    void duplicatePvPrefersTheFirstSeenWhenSizesAndNamesTie() {
        Assembly a = assembler.assemble(scan("s10-duplicate-pv", "pv1.img", "pv2.img", "pv2clone.img"));
        assertEquals(1, a.duplicates().size());
        assertEquals("pv2clone.img", a.duplicates().get(0).scan().device());
        assertEquals("pv2.img", a.duplicates().get(0).preferredDevice());
        assertEquals(2, a.vgs().get(0).pvs().stream().filter(p -> !p.missing()).count());
        assertTrue(a.warnings().contains("WARNING: Not using device pv2clone.img for PV I3C8g3-aBpK-NfDA-7NQj-nL42-l6B1-KRA7Vr."));
    }

    @Test
    void orphansAndBlankDevicesStayOutsideAnyVg() {
        Assembly a = assembler.assemble(scan("s05-orphans", "pv1.img", "pv2.img", "blank.img"));
        assertEquals(List.of(), a.vgs());
        assertEquals(2, a.loosePvs().size());
        assertFalse(a.loosePvs().get(0).unknownVg());
        assertEquals(1, a.nonPvDevices().size());
    }

    @Test
    void devicesBelowTheMinimumPvSizeAreNotConsidered() {
        Assembly a = assembler.assemble(scan("s13-bad-inputs", "tiny.img", "good.img"));
        assertEquals(List.of(), a.nonPvDevices());
        assertEquals(1, a.vgs().size());
    }

    @Test
    void theAssembledVgsDoNotDependOnScanOrder() {
        List<DeviceScan> scans = scan("s11-multi-vg", "a.img", "b.img", "c.img", "d.img", "e.img");
        Assembly reference = assembler.assemble(scans);
        Random rnd = new Random(7);
        for (int i = 0; i < 20; i++) {
            List<DeviceScan> shuffled = new ArrayList<>(scans);
            Collections.shuffle(shuffled, rnd);
            Assembly a = assembler.assemble(shuffled);
            assertEquals(names(reference), names(a));
            assertEquals(reference.loosePvs().size(), a.loosePvs().size());
        }
    }

    private static List<String> names(Assembly a) {
        return a.vgs().stream().map(v -> v.name() + "#" + v.metadata().seqno() + "#" + v.pvs().size()).sorted().toList();
    }

    private static List<DeviceScan> scan(String scenario, String... images) {
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        List<DeviceScan> out = new ArrayList<>();
        for (String img : images) {
            out.add(decoder.decode(new ByteArrayBlockSource(img, load(scenario, img))));
        }
        return out;
    }

    private static byte[] load(String scenario, String image) {
        Path p = Path.of(System.getProperty("lvmcoord.repo.root", "..")).resolve("testdata/lvm2").resolve(scenario).resolve(image + ".gz");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
