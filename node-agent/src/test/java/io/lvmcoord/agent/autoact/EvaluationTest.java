package io.lvmcoord.agent.autoact;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.lvmconf.VgVisibility;
import io.lvmcoord.scan.metadata.VgMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hook's decisions over a sequence of views, with a real latch directory: exactly one run per
 * VG while its latch exists, whatever the views do.
 */
class EvaluationTest {
    @TempDir
    Path tmp;

    private static final Instant T1 = Instant.parse("2026-11-30T01:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-30T02:00:00Z");

    /** A view holding {@code vg}, its PVs present or all missing. */
    private static Assembly view(VgMetadata vg, boolean complete) {
        List<VgPv> pvs = vg.pvs().stream().map(p -> new VgPv(p, complete ? new DeviceScan.PvScan("/dev/" + p.key(), 0, null, List.of()) : null))
                .toList();
        return new Assembly(List.of(new VgView(vg, pvs, List.of())), List.of(), List.of(), List.of(), List.of());
    }

    /** The actor's memory: what the steps latched (as it keeps them between looks). */
    private static List<Evaluation.Step> look(Assembly view, VgLatches latches, Set<String> known, Instant now) {
        List<Evaluation.Step> steps = Evaluation.of(view, ReportBuilder.VgAccess.ALL, Optional.empty(), latches, known, now);
        steps.stream().filter(s -> s instanceof Evaluation.Run || s instanceof Evaluation.Latched).forEach(s -> known.add(s.vgUuid()));
        return steps;
    }

    @Test
    void aVgRunsOnceWhenCompleteAndNotAgainAcrossIncompleteAndRestarts() throws Exception {
        VgMetadata vg = AutoactivationPolicyTest.plain("vg0");
        String uuid = vg.id();
        VgLatches latches = new VgLatches(tmp.resolve("vgs-online"));
        Set<String> known = new HashSet<>();

        assertEquals(List.of(), look(view(vg, false), latches, known, T1), "an incomplete VG waits");
        assertEquals(List.of(new Evaluation.Run("vg0", uuid, T1)), look(view(vg, true), latches, known, T1));
        assertEquals(List.of(), look(view(vg, true), latches, known, T2), "the same view again (a rescan)");
        assertEquals(List.of(), look(view(vg, false), latches, known, T2), "a PV went away");
        assertEquals(List.of(), look(view(vg, true), latches, known, T2), "and came back: latched, not run");

        // An agent restarted with the latch in place knows nothing of it but the file.
        assertEquals(List.of(new Evaluation.Latched("vg0", uuid, T1)), look(view(vg, true), latches, new HashSet<>(), T2));

        // Without the latch (a reboot emptied /run, or an operator re-armed it) it runs again, once.
        Files.delete(latches.fileOf(uuid));
        assertEquals(List.of(new Evaluation.Run("vg0", uuid, T2)), look(view(vg, true), latches, known, T2));
        assertEquals(List.of(), look(view(vg, true), latches, known, T2));
    }

    @Test
    void aVgLvm2WouldNotActivateIsSkippedWithoutALatch() throws Exception {
        VgMetadata vg = AutoactivationPolicyTest.vg("vgf", "system_id = \"elsewhere\"", "", "");
        VgLatches latches = new VgLatches(tmp.resolve("vgs-online"));
        ReportBuilder.VgAccess hidden = (m, o) -> new VgVisibility.Decision(false, List.of(), false);
        List<Evaluation.Step> steps = Evaluation.of(view(vg, true), hidden, Optional.empty(), latches, Set.of(), T1);
        assertEquals(List.of(new Evaluation.Skipped("vgf", vg.id(), "foreign VG (system ID elsewhere)")), steps);
        assertEquals(false, latches.held(vg.id()));
    }

    @Test
    void aLatchThatCannotBeMadeIsReportedAndNotRun() throws Exception {
        VgMetadata vg = AutoactivationPolicyTest.plain("vg0");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        List<Evaluation.Step> steps = Evaluation.of(view(vg, true), ReportBuilder.VgAccess.ALL, Optional.empty(),
                new VgLatches(file.resolve("sub")), Set.of(), T1);
        assertEquals(1, steps.size());
        assertEquals(Evaluation.LatchFailed.class, steps.get(0).getClass());
    }
}
