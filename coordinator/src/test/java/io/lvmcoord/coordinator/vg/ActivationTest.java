package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.dm.DmDevice;
import io.lvmcoord.scan.dm.DmState;
import io.lvmcoord.scan.dm.DmStatusLine;
import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.VgMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationTest {
    private static final String VG = "x6SPXay1QNjv16endEO2PG8UBF51FJzo";
    private static final String LV_A = "RxRpqM600b3ummLRyKwFbfuFqclczwQQ";

    private static DmDevice dev(String name, String uuid, int open, boolean suspended, String status) {
        return new DmDevice(name, uuid, 253, name.hashCode() & 0xff, open, suspended, false, true, false,
                status == null ? List.of() : List.of(new DmStatusLine(name, 0, 8, "thin-pool", status)), List.of(),
                DmDevice.UNKNOWN_READ_AHEAD);
    }

    private static LvMetadata lv(VgMetadata vg, String name) {
        return vg.lv(name).orElseThrow();
    }

    @Test
    void theRecordedLinearHostHasLvsAAndCActiveAndBAndDNot() throws Exception {
        VgMetadata vg = DmFixtures.vg("dm-s01-linear");
        HostActivation host = Activation.of(7, DmFixtures.dm("dm-s01-linear"), vg.id());
        assertEquals(List.of("vg1-a", "vg1-c"), host.devices().stream().map(DmDevice::name).toList());
        assertTrue(Activation.activeOn(host, lv(vg, "a").id()));
        assertTrue(Activation.activeOn(host, lv(vg, "c").id()));
        assertFalse(Activation.activeOn(host, lv(vg, "b").id()));
        assertFalse(Activation.activeOn(host, lv(vg, "d").id()));
        assertEquals("x6SPXa-y1QN-jv16-endE-O2PG-8UBF-51FJzo", vg.id());
        assertEquals(List.of(vg.id()), List.copyOf(Activation.byVg(DmFixtures.dm("dm-s01-linear")).keySet()));
    }

    @Test
    void anLvIsActiveWhereOnlyALayerOfItIs() throws Exception {
        // vg3's origin has its -real layer; a host holding only that layer holds the origin's data.
        DmState recorded = DmFixtures.dm("dm-s03-raid-snap");
        VgMetadata vg = DmFixtures.vg("dm-s03-raid-snap");
        DmDevice real = recorded.named("vg3-origin-real").orElseThrow();
        HostActivation onlyReal = new HostActivation(1, List.of(real));
        assertTrue(Activation.activeOn(onlyReal, lv(vg, "origin").id()));
        assertFalse(Activation.activeOn(onlyReal, lv(vg, "snap").id()));
    }

    @Test
    void activeHostsAreSortedAndCarryOpenSuspendedAndReadOnlyOfTheLvsOwnDevice() {
        String uuid = "LVM-" + VG + LV_A;
        VgState s = VgState.EMPTY
                .apply(new VgEvent.ActivationReported("node-c", new HostActivation(3, List.of(dev("vg1-a", uuid, 1, false, null)))))
                .apply(new VgEvent.ActivationReported("node-a", new HostActivation(1, List.of(dev("vg1-a", uuid, 0, true, null)))))
                .apply(new VgEvent.ActivationReported("node-b", new HostActivation(2,
                        List.of(dev("vg1-other", "LVM-" + VG + "nJmAZ2J5uTD3PO5n8H2TuyCGOvMTGmd3", 0, false, null)))));
        assertEquals(List.of("node-a", "node-c"), Activation.activeHosts(s, "RxRpqM-600b-3umm-LRyK-wFbf-uFqc-lczwQQ"));
        assertEquals(Map.of("node-a", new Activation.LvOnHost(false, true, false), "node-c", new Activation.LvOnHost(true, false, false)),
                Activation.onHosts(s, LV_A));
        assertEquals(List.of("vg1-other"), Activation.stateOf("node-b", List.of(s)).devices().stream().map(DmDevice::name).toList());
        assertEquals(List.of(), Activation.stateOf("node-z", List.of(s)).devices());
    }

    @Test
    void structuralChangesAreReportedAtOnceAndStatusOnlyChangesAtTheReconcile() {
        String uuid = "LVM-" + VG + LV_A + "-tpool";
        HostActivation held = new HostActivation(1, List.of(dev("pool-tpool", uuid, 1, false, "1 10/100 5/200 - rw")));
        HostActivation filled = new HostActivation(1, List.of(dev("pool-tpool", uuid, 1, false, "1 10/100 90/200 - rw")));
        HostActivation closed = new HostActivation(1, List.of(dev("pool-tpool", uuid, 0, false, "1 10/100 5/200 - rw")));
        HostActivation restarted = new HostActivation(2, held.devices());
        HostActivation none = new HostActivation(1, List.of());
        assertFalse(Activation.worthReporting(held, filled, false));
        assertTrue(Activation.worthReporting(held, filled, true));
        assertFalse(Activation.worthReporting(held, held, true));
        assertTrue(Activation.worthReporting(held, closed, false));
        assertTrue(Activation.worthReporting(held, restarted, false));
        assertTrue(Activation.worthReporting(held, none, false));
        assertFalse(Activation.worthReporting(null, none, true));
        assertTrue(Activation.worthReporting(null, held, false));
    }

    @Test
    void anEntryIsKeptUntilItsIncarnationGoesAndAnEmptyReportRemovesIt() {
        String uuid = "LVM-" + VG + LV_A;
        HostActivation a1 = new HostActivation(11, List.of(dev("vg1-a", uuid, 0, false, null)));
        VgState s = VgState.EMPTY.apply(VgState.EMPTY.onActivation("node-a", a1).orElseThrow());
        assertEquals(1, s.version());
        assertTrue(s.onActivation("node-a", a1).isEmpty(), "a repeated report writes nothing");
        assertTrue(s.onActivation("node-b", new HostActivation(5, List.of())).isEmpty(), "nothing to remove");
        // A restarted agent (incarnation 12) replaced the entry: the old incarnation's removal leaves it.
        VgState restarted = s.apply(s.onActivation("node-a", new HostActivation(12, a1.devices())).orElseThrow());
        assertTrue(restarted.onIncarnationGone("node-a", 11).isEmpty());
        VgState dropped = restarted.apply(restarted.onIncarnationGone("node-a", 12).orElseThrow());
        assertEquals(Map.of(), dropped.activation());
        assertEquals(3, dropped.version());
        VgState deactivated = s.apply(s.onActivation("node-a", new HostActivation(11, List.of())).orElseThrow());
        assertEquals(Map.of(), deactivated.activation());
    }

    @Test
    void theJanitorDropsEntriesOfIncarnationsThatLeft() {
        String uuid = "LVM-" + VG + LV_A;
        VgState s = VgState.EMPTY
                .apply(new VgEvent.ActivationReported("node-a", new HostActivation(1, List.of(dev("vg1-a", uuid, 0, false, null)))))
                .apply(new VgEvent.ActivationReported("node-b", new HostActivation(2, List.of(dev("vg1-a", uuid, 0, false, null)))));
        List<NodeReadCache.Versioned> cached = List.of(new NodeReadCache.Versioned("VOLUME_GROUP:vg-1", s, 2, 2),
                new NodeReadCache.Versioned("PV_DIRECTORY:pv:x", s, 2, 2));
        assertEquals(List.of(new ActivationJanitor.Drop("vg-1", "node-b", 2)), ActivationJanitor.due(cached, i -> i == 2));
        assertEquals(List.of(), ActivationJanitor.due(cached, i -> false));
    }
}
