package io.lvmcoord.coordinator.vg;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The VG-name index keeps every VG carrying a name, persists only changes, and survives a restart. */
class VgNameIndexTest {
    private static final ActorTestKit TESTKIT = ActorTestKit.create(EventSourcedBehaviorTestKit.config());

    @AfterAll
    static void stop() {
        TESTKIT.shutdownTestKit();
    }

    private static EventSourcedBehaviorTestKit<VgNameIndex.Command, VgNameIndex.Event, VgNameIndex.State> kit(String bucket) {
        return EventSourcedBehaviorTestKit.create(TESTKIT.system(), VgNameIndex.create(bucket));
    }

    private static List<String> lookup(EventSourcedBehaviorTestKit<VgNameIndex.Command, VgNameIndex.Event, VgNameIndex.State> kit, String name) {
        return kit.<VgNameIndex.Listing>runCommand(replyTo -> new VgNameIndex.Lookup(name, replyTo)).reply().vgUuids();
    }

    @Test
    void twoVgsClaimingOneNameAreBothListedAfterARestart() {
        var kit = kit(VgNameIndex.bucketOf("vgtwin"));
        assertEquals(List.of(new VgNameIndex.Claimed("vgtwin", "7qImwe")), kit.runCommand(new VgNameIndex.Claim("vgtwin", "7qImwe")).events());
        assertEquals(List.of(new VgNameIndex.Claimed("vgtwin", "5fxdoI")), kit.runCommand(new VgNameIndex.Claim("vgtwin", "5fxdoI")).events());
        kit.restart();
        VgNameIndex.Listing l = kit.<VgNameIndex.Listing>runCommand(replyTo -> new VgNameIndex.Lookup("vgtwin", replyTo)).reply();
        assertEquals(new VgNameIndex.Listing("vgtwin", List.of("5fxdoI", "7qImwe")), l);
    }

    @Test
    void aRepeatedClaimPersistsNothing() {
        var kit = kit(VgNameIndex.bucketOf("vg01"));
        kit.runCommand(new VgNameIndex.Claim("vg01", "abc"));
        assertTrue(kit.runCommand(new VgNameIndex.Claim("vg01", "abc")).events().isEmpty());
        assertTrue(kit.runCommand(new VgNameIndex.Release("vg01", "not-here")).events().isEmpty());
    }

    @Test
    void aReleasedVgIsNoLongerListed() {
        var kit = kit(VgNameIndex.bucketOf("vgold"));
        kit.runCommand(new VgNameIndex.Claim("vgold", "a"));
        kit.runCommand(new VgNameIndex.Claim("vgold", "b"));
        assertEquals(List.of(new VgNameIndex.Released("vgold", "a")), kit.runCommand(new VgNameIndex.Release("vgold", "a")).events());
        kit.restart();
        assertEquals(List.of("b"), lookup(kit, "vgold"));
    }

    @Test
    void namesSharingABucketAreKeptApartAndAnUnclaimedNameListsNothing() {
        // "Aa" and "BB" have the same String.hashCode, so they always share a bucket.
        assertEquals(VgNameIndex.bucketOf("Aa"), VgNameIndex.bucketOf("BB"));
        var kit = kit(VgNameIndex.bucketOf("Aa"));
        kit.runCommand(new VgNameIndex.Claim("Aa", "u1"));
        kit.runCommand(new VgNameIndex.Claim("BB", "u2"));
        kit.runCommand(new VgNameIndex.Release("BB", "u1"));
        kit.restart();
        assertEquals(List.of("u1"), lookup(kit, "Aa"));
        assertEquals(List.of("u2"), lookup(kit, "BB"));
        assertEquals(List.of(), lookup(kit, "Ab"));
    }

    @Test
    void bucketsSpreadNamesAndStayWithinTheirCount() {
        java.util.Set<String> used = new java.util.HashSet<>();
        for (int i = 0; i < 1600; i++) {
            String b = VgNameIndex.bucketOf("benchvg" + i);
            int n = Integer.parseInt(b);
            assertTrue(n >= 0 && n < VgNameIndex.BUCKETS, b);
            used.add(b);
        }
        assertEquals(VgNameIndex.BUCKETS, used.size(), "1600 names use every bucket");
        assertEquals(VgNameIndex.bucketOf("vg01"), VgNameIndex.bucketOf("vg01"));
    }
}
