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

    private static EventSourcedBehaviorTestKit<VgNameIndex.Command, VgNameIndex.Event, VgNameIndex.State> kit(String name) {
        return EventSourcedBehaviorTestKit.create(TESTKIT.system(), VgNameIndex.create(name));
    }

    @Test
    void twoVgsClaimingOneNameAreBothListedAfterARestart() {
        var kit = kit("vgtwin");
        assertEquals(List.of(new VgNameIndex.Claimed("7qImwe")), kit.runCommand(new VgNameIndex.Claim("7qImwe")).events());
        assertEquals(List.of(new VgNameIndex.Claimed("5fxdoI")), kit.runCommand(new VgNameIndex.Claim("5fxdoI")).events());
        kit.restart();
        VgNameIndex.Listing l = kit.<VgNameIndex.Listing>runCommand(VgNameIndex.Lookup::new).reply();
        assertEquals(new VgNameIndex.Listing("vgtwin", List.of("5fxdoI", "7qImwe")), l);
    }

    @Test
    void aRepeatedClaimPersistsNothing() {
        var kit = kit("vg01");
        kit.runCommand(new VgNameIndex.Claim("abc"));
        assertTrue(kit.runCommand(new VgNameIndex.Claim("abc")).events().isEmpty());
        assertTrue(kit.runCommand(new VgNameIndex.Release("not-here")).events().isEmpty());
    }

    @Test
    void aReleasedVgIsNoLongerListed() {
        var kit = kit("vgold");
        kit.runCommand(new VgNameIndex.Claim("a"));
        kit.runCommand(new VgNameIndex.Claim("b"));
        assertEquals(List.of(new VgNameIndex.Released("a")), kit.runCommand(new VgNameIndex.Release("a")).events());
        kit.restart();
        assertEquals(List.of("b"), kit.<VgNameIndex.Listing>runCommand(VgNameIndex.Lookup::new).reply().vgUuids());
    }
}
