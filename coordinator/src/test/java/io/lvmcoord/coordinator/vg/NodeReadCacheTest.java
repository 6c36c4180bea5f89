package io.lvmcoord.coordinator.vg;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeReadCacheTest {
    private static VgState at(long version) {
        return new VgState(version, Map.of(), List.of());
    }

    @Test
    void pushesInAnyOrderEndAtTheNewestAndNeverGoBack() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 100; trial++) {
            List<Long> versions = new ArrayList<>();
            for (long v = 1; v <= 20; v++) {
                versions.add(v);
                if (rnd.nextBoolean()) {
                    versions.add(v);
                }
            }
            Collections.shuffle(versions, rnd);
            NodeReadCache cache = new NodeReadCache();
            long seen = 0;
            for (long v : versions) {
                cache.push("vg", at(v));
                long served = cache.get("vg").orElseThrow().version();
                assertTrue(served >= seen, "served " + served + " after " + seen);
                seen = served;
            }
            assertEquals(20, cache.get("vg").orElseThrow().version());
        }
    }

    @Test
    void aDuplicatePushChangesNothing() {
        NodeReadCache cache = new NodeReadCache();
        assertTrue(cache.push("vg", at(3)));
        assertFalse(cache.push("vg", at(3)));
        assertFalse(cache.push("vg", at(2)));
    }

    @Test
    void anAnnouncedNewerVersionMarksTheHeldStateMayBeStaleUntilItArrives() {
        NodeReadCache cache = new NodeReadCache();
        cache.push("vg", at(4));
        cache.announce("vg", 5);
        NodeReadCache.Versioned v = cache.get("vg").orElseThrow();
        assertEquals(4, v.version());
        assertTrue(v.mayBeStale());
        cache.push("vg", at(5));
        assertFalse(cache.get("vg").orElseThrow().mayBeStale());
    }

    @Test
    void anAnnouncementAloneServesNothing() {
        NodeReadCache cache = new NodeReadCache();
        cache.announce("vg", 2);
        assertTrue(cache.get("vg").isEmpty());
    }
}
