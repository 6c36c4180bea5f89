package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.dm.DmDevice;
import io.lvmcoord.scan.dm.DmState;
import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.VgMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The double-activation rule over the LV layouts lvm2 made in the recorded scenarios. */
class DoubleActivationTest {

    private static boolean shareable(VgMetadata vg, String lv) {
        return DoubleActivation.mayBeActiveOnSeveralHosts(vg, vg.lv(lv).orElseThrow());
    }

    /** {@code state}'s devices reported by each of {@code hosts}. */
    private static VgState activeOn(VgMetadata vg, DmState state, String... hosts) {
        VgState s = VgState.EMPTY;
        long incarnation = 1;
        for (String h : hosts) {
            s = s.apply(new VgEvent.ActivationReported(h, Activation.of(incarnation++, state, vg.id())));
        }
        return s;
    }

    @Test
    void inAVgWithoutLockTypeEveryLvActiveOnTwoHostsIsWarned() throws Exception {
        VgMetadata vg = DmFixtures.vg("dm-s01-linear");
        VgState s = activeOn(vg, DmFixtures.dm("dm-s01-linear"), "node-b", "node-a");
        List<DoubleActivation.Warning> w = DoubleActivation.of(vg, s);
        assertEquals(List.of(new DoubleActivation.Warning("vg1", "a", List.of("node-a", "node-b")),
                new DoubleActivation.Warning("vg1", "c", List.of("node-a", "node-b"))), w);
        assertEquals("LV vg1/a is active on 2 hosts at once (node-a, node-b) but may be active on one host only", w.get(0).text());
        assertFalse(shareable(vg, "a"));
    }

    @Test
    void oneHostIsNoWarning() throws Exception {
        VgMetadata vg = DmFixtures.vg("dm-s01-linear");
        VgState s = activeOn(vg, DmFixtures.dm("dm-s01-linear"), "node-a")
                .apply(new VgEvent.ActivationReported("node-b", new HostActivation(9, List.of())));
        assertEquals(List.of(), DoubleActivation.of(vg, s));
    }

    @Test
    void inASharedVgLinearLvsMayBeSharedButThinPoolsAndThinLvsMayNot() throws Exception {
        VgMetadata vg2 = DmFixtures.withLockType(DmFixtures.vg("dm-s02-thin"), "sanlock");
        for (String lv : List.of("pool1", "t1", "t2", "t3", "t1snap", "pool2", "u1", "pool1_tdata", "pool1_tmeta")) {
            assertFalse(shareable(vg2, lv), lv);
        }
        VgState s = activeOn(vg2, DmFixtures.dm("dm-s02-thin"), "h1", "h2");
        // Hidden layers (tdata, tmeta) follow their pool and are not named again.
        assertEquals(List.of("pool1", "t1", "t2"), DoubleActivation.of(vg2, s).stream().map(DoubleActivation.Warning::lv).toList());

        VgMetadata vg1 = DmFixtures.withLockType(DmFixtures.vg("dm-s01-linear"), "dlm");
        assertTrue(shareable(vg1, "a"));
        assertEquals(List.of(), DoubleActivation.of(vg1, activeOn(vg1, DmFixtures.dm("dm-s01-linear"), "h1", "h2")));
    }

    @Test
    void inASharedVgRaidMirrorSnapshotOriginAndCowAreHostLocal() throws Exception {
        VgMetadata vg3 = DmFixtures.withLockType(DmFixtures.vg("dm-s03-raid-snap"), "sanlock");
        for (String lv : List.of("r1", "r5", "mir", "origin", "snap", "r1_rimage_0", "r1_rmeta_1", "mir_mimage_1")) {
            assertFalse(shareable(vg3, lv), lv);
        }
        VgState s = activeOn(vg3, DmFixtures.dm("dm-s03-raid-snap"), "h2", "h1");
        assertEquals(List.of("h1", "h2"), DoubleActivation.of(vg3, s).get(0).hosts());
        assertEquals(Set.of("r1", "r5", "mir", "origin", "snap"),
                Set.copyOf(DoubleActivation.of(vg3, s).stream().map(DoubleActivation.Warning::lv).toList()));
    }

    @Test
    void inASharedVgCacheCachevolAndWritecacheAreHostLocalAndAPlainLvIsNot() throws Exception {
        VgMetadata vg4 = DmFixtures.withLockType(DmFixtures.vg("dm-s04-cache"), "sanlock");
        for (String lv : List.of("cached", "cvol_lv", "wc_lv")) {
            assertFalse(shareable(vg4, lv), lv);
        }
        assertTrue(shareable(vg4, "held"));
        VgState s = activeOn(vg4, DmFixtures.dm("dm-s04-cache"), "h1", "h2");
        assertEquals(Set.of("cached", "cvol_lv", "wc_lv"),
                Set.copyOf(DoubleActivation.of(vg4, s).stream().map(DoubleActivation.Warning::lv).toList()));
        LvMetadata held = vg4.lv("held").orElseThrow();
        assertEquals(List.of("h1", "h2"), Activation.activeHosts(s, held.id()));
    }

    @Test
    void aDeviceOfAnotherVgDoesNotCount() throws Exception {
        VgMetadata vg1 = DmFixtures.vg("dm-s01-linear");
        DmState thin = DmFixtures.dm("dm-s02-thin");
        assertEquals(List.<DmDevice>of(), Activation.of(1, thin, vg1.id()).devices());
    }
}
