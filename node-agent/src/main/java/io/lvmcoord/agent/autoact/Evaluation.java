package io.lvmcoord.agent.autoact;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.coordinator.report.ReportBuilder;
import io.lvmcoord.coordinator.vg.Completeness;
import io.lvmcoord.scan.lvmconf.LvmConfig;
import io.lvmcoord.scan.lvmconf.VgVisibility;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One look at this node's view: for every VG complete here, what the hook does about it. The
 * latch directory is the memory ({@link VgLatches}): a complete VG that lvm2 would autoactivate
 * and that has no latch is claimed, and only the claim's winner runs the command. So the same
 * view seen twice, a rescan, a VG that went incomplete and came back, or an agent restarted
 * with the latch in place all end in "already latched"; a restart without it (a reboot emptied
 * /run) runs it, as lvm2 does at boot. Incomplete VGs are not mentioned: they wait.
 */
final class Evaluation {

    /** What to do about one complete VG. */
    sealed interface Step permits Run, Latched, Skipped, LatchFailed {
        String vgName();

        String vgUuid();
    }

    /** Claimed now: run the command. */
    record Run(String vgName, String vgUuid, Instant latchedAt) implements Step {
    }

    /** Latched before (by this agent or an earlier one): nothing to run. */
    record Latched(String vgName, String vgUuid, Instant latchedAt) implements Step {
    }

    /** lvm2 would not autoactivate it ({@link AutoactivationPolicy}). */
    record Skipped(String vgName, String vgUuid, String reason) implements Step {
    }

    /** No latch could be made: not run, as once could not be kept. */
    record LatchFailed(String vgName, String vgUuid, String reason) implements Step {
    }

    private Evaluation() {
    }

    /**
     * @param known VGs (by UUID) already known latched: for these only the latch's existence is
     *              checked, and nothing is said while it exists (a removed latch re-arms the VG)
     */
    static List<Step> of(Assembly view, ReportBuilder.VgAccess access, Optional<LvmConfig> config, VgLatches latches,
                         Set<String> known, Instant now) {
        List<Step> steps = new ArrayList<>();
        for (VgView vg : view.vgs()) {
            String uuid = vg.metadata().id();
            if (!Completeness.of(vg, uuid).complete()) {
                continue;
            }
            VgVisibility.Decision visible = access.decide(vg.metadata(), VgVisibility.Options.LISTING);
            if (AutoactivationPolicy.decide(vg.metadata(), visible, config) instanceof AutoactivationPolicy.Skip skip) {
                steps.add(new Skipped(vg.name(), uuid, skip.reason()));
                continue;
            }
            if (known.contains(uuid) && latches.held(uuid)) {
                continue;
            }
            VgLatches.Claim claim = latches.claim(uuid, vg.name(), now);
            if (claim instanceof VgLatches.Claimed c) {
                steps.add(new Run(vg.name(), uuid, c.at()));
            } else if (claim instanceof VgLatches.Held h) {
                steps.add(new Latched(vg.name(), uuid, h.at()));
            } else {
                steps.add(new LatchFailed(vg.name(), uuid, ((VgLatches.Failed) claim).reason()));
            }
        }
        return steps;
    }
}
