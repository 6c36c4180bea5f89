package io.lvmcoord.coordinator.vg;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.metadata.TextLimits;
import io.lvmcoord.scan.metadata.VgMetadata;
import io.lvmcoord.scan.report.PvReports;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The coordinator side of one parse per text: an aggregate holding many devices' reports of one
 * VG, the node's cache and the views built from it all hold the model the scanner parsed, not a
 * parse of their own, even when the aggregate's copy of the text came back from the journal.
 */
class SharedModelTest {
    private static final String SCENARIO = "s02-striped-two-pv";
    /** Hosts sharing the VG's two PVs (a SAN): 24 device reports of one text. */
    private static final int NODES = 12;

    @Test
    void reportsOfOneVgFromManyDevicesHoldTheScannersModelInTheStateTheCacheAndTheViews() throws Exception {
        // The scanner's decoder and the aggregates' parsers share the node's table for these limits.
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        byte[][] images = {OrderIndependenceTest.load(SCENARIO, "pv1.img"), OrderIndependenceTest.load(SCENARIO, "pv2.img")};
        VgState state = VgState.EMPTY;
        List<DeviceScan> scanned = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            for (int p = 0; p < 2; p++) {
                DeviceScan scan = decoder.decode(new ByteArrayBlockSource("/dev/sd" + (char) ('a' + p), images[p].clone()));
                scanned.add(scan);
                PvReports.Extracted e = PvReports.of("node" + n, scan);
                // As if sent over the wire and read back from the journal: equal bytes, new arrays.
                List<StoredText> texts = new ArrayList<>();
                e.texts().forEach((k, v) -> texts.add(new StoredText(k, v.clone())));
                VgState before = state;
                state = before.onReport(e.report(), texts).map(before::apply).orElse(before);
            }
        }
        VgMetadata model = ((DeviceScan.PvScan) scanned.get(0)).metadata().orElseThrow();
        for (DeviceScan s : scanned) {
            assertSame(model, ((DeviceScan.PvScan) s).metadata().orElseThrow(), "scanner: " + s.device());
        }
        assertEquals(1, state.texts().size(), "the aggregate stores the text once");
        assertEquals(NODES, state.reports().size());

        // The state's own rebuild, the cache and a view per node: the same model everywhere.
        for (DeviceScan s : state.scansOf("node3", new PvReports.TextParser(state::text))) {
            assertSame(model, assertInstanceOf(DeviceScan.PvScan.class, s).metadata().orElseThrow(), "state: " + s.device());
        }
        NodeReadCache cache = new NodeReadCache();
        cache.push("VOLUME_GROUP:" + model.id(), state);
        ClusterView views = new ClusterView(new VgAssembler());
        for (int n = 0; n < NODES; n++) {
            Assembly a = views.forNode("node" + n, cache.snapshot()).assembly();
            VgView vg = a.vgs().get(0);
            assertSame(model, vg.metadata(), "view of node" + n);
            for (VgPv pv : vg.pvs()) {
                assertNotNull(pv.device(), pv.meta().id());
                assertSame(model, pv.device().metadata().orElseThrow(), "view of node" + n + ", " + pv.device().device());
            }
        }
        // What the entity and the query paths parse through (names, convergence): the same model.
        assertSame(model, new PvReports.TextParser(state::text).parse(state.reports().get("node0").get("/dev/sda").mdas().get(0).text()));
        assertEquals(model.seqno(), Convergence.of(state).seqnoByHost().get("node0"));
    }

    @Test
    void viewsParseStoredTextsUnderTheNodesConfiguredCapsNotTheDefaults() throws Exception {
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        VgState state = VgState.EMPTY;
        for (String image : List.of("pv1.img", "pv2.img")) {
            DeviceScan scan = decoder.decode(new ByteArrayBlockSource("/dev/" + image, OrderIndependenceTest.load(SCENARIO, image)));
            PvReports.Extracted e = PvReports.of("node0", scan);
            List<StoredText> texts = new ArrayList<>();
            e.texts().forEach((k, v) -> texts.add(new StoredText(k, v)));
            VgState before = state;
            state = before.onReport(e.report(), texts).map(before::apply).orElse(before);
        }
        NodeReadCache cache = new NodeReadCache();
        cache.push("VOLUME_GROUP:x", state);
        assertEquals(1, new ClusterView(new VgAssembler()).forNode("node0", cache.snapshot()).assembly().vgs().size());

        // An operator's lvmcoord.codec.max-text-nodes of 20: the stored text is too big for it, as it would be for the scanner.
        TextLimits d = TextLimits.DEFAULT;
        DecodeLimits tight = new DecodeLimits(64 << 20, new TextLimits(d.maxParseDepth(), 20, d.maxPvs(), d.maxLvs(), d.maxSegments(),
                d.maxAreasPerSegment()));
        ClusterView capped = new ClusterView(new VgAssembler(), tight);
        assertSame(tight, capped.limits());
        assertEquals(List.of(), capped.forNode("node0", cache.snapshot()).assembly().vgs(), "no VG from a text over the caps");
        PvReports.TextParser parser = new PvReports.TextParser(state::text, tight);
        VgState held = state;
        assertEquals(null, parser.parse(held.reports().get("node0").get("/dev/pv1.img").mdas().get(0).text()));
    }
}
