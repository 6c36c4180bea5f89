package io.lvmcoord.scan.lvmconf;

import io.lvmcoord.scan.metadata.VgMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether lvm2's reporting commands (pvs, vgs, lvs) show a VG on this host, and what they print
 * about it, following lvm2 2.03.16's vg_read checks in their order: lock type, then system ID,
 * then the old clustered flag.
 *
 * <ul>
 * <li><b>Shared VG</b> (lock_type sanlock, dlm or idm) without lvmlockd: hidden unless
 *     {@code --shared}; silently when all VGs are listed, with "Cannot access VG X with lock
 *     type T that requires lvmlockd." when the VG was named.</li>
 * <li><b>Foreign VG</b> (a system ID that is neither ours nor in local/extra_system_ids):
 *     hidden unless {@code --foreign}. With an unknown (or no) local system ID lvm2 always
 *     says "Cannot access VG X with system ID Y with unknown local system ID." (twice when the VG
 *     was named: once reading it, once refusing it); with a local ID it is silent when listing
 *     all and says "... with local system ID Z." when named.</li>
 * <li><b>Clustered VG</b> (clvmd's CLUSTERED flag): hidden, "Skipping clustered VG X." and,
 *     "See lvmlockd(8) for changing a clvm/clustered VG to a shared VG." (lvm2 prints that line once per
 *     command: callers drop repeats); when
 *     named, "Cannot access clustered VG X." instead of the first line.</li>
 * </ul>
 * A named VG that is hidden makes the command fail (exit 5); one hidden while listing all does not.
 * The exception for a foreign VG with LVs active on this host (shown with a warning) needs the
 * kernel's device-mapper state and is the caller's to add.
 */
public final class VgVisibility {

    /**
     * @param visible  whether the VG's rows appear (its PVs in pvs too)
     * @param messages lvm2's stderr lines for it, in order
     * @param failed   whether the command fails because of it (a hidden VG that was named)
     */
    public record Decision(boolean visible, List<String> messages, boolean failed) {
        public Decision {
            messages = List.copyOf(messages);
        }
    }

    /**
     * The options of the command that change visibility.
     *
     * @param foreign    {@code --foreign}
     * @param shared     {@code --shared}
     * @param lvmlockd   {@code global/use_lvmlockd} (lvmcoord never runs with lvmlockd: false)
     * @param named      the VG was named on the command line (vgs VG, lvs VG/LV)
     */
    public record Options(boolean foreign, boolean shared, boolean lvmlockd, boolean named) {
        public static final Options LISTING = new Options(false, false, false, false);
    }

    private VgVisibility() {
    }

    /** Decides one VG; {@code local} and {@code config} give the host's system ID and extra IDs. */
    public static Decision decide(VgMetadata vg, LocalSystemId local, LvmConfig config, Options options) {
        return decide(vg.name(), vg.systemId(), vg.lockType(), vg.status().contains("CLUSTERED"), local, config, options);
    }

    /** As {@link #decide(VgMetadata, LocalSystemId, LvmConfig, Options)} from the VG's fields. */
    public static Decision decide(String vgName, String systemId, String lockType, boolean clustered, LocalSystemId local,
                                  LvmConfig config, Options options) {
        List<String> messages = new ArrayList<>();
        if (isLockdType(lockType) && !options.lvmlockd() && !options.shared()) {
            if (options.named()) {
                messages.add("Cannot access VG " + vgName + " with lock type " + lockType + " that requires lvmlockd.");
            }
            return new Decision(false, messages, options.named());
        }
        boolean hasId = systemId != null && !systemId.isEmpty();
        if (!options.foreign() && hasId && !local.owns(systemId, config)) {
            boolean unknown = local.id().isEmpty() || local.unknown();
            if (unknown) {
                String line = "Cannot access VG " + vgName + " with system ID " + systemId + " with unknown local system ID.";
                messages.add(line);
                if (options.named()) {
                    messages.add(line);
                }
            } else if (options.named()) {
                messages.add("Cannot access VG " + vgName + " with system ID " + systemId + " with local system ID "
                        + local.id().get() + ".");
            }
            return new Decision(false, messages, options.named());
        }
        if (clustered) {
            messages.add(options.named() ? "Cannot access clustered VG " + vgName + "." : "Skipping clustered VG " + vgName + ".");
            messages.add("See lvmlockd(8) for changing a clvm/clustered VG to a shared VG.");
            return new Decision(false, messages, options.named());
        }
        return new Decision(true, messages, false);
    }

    /** lvm2's is_lockd_type. */
    public static boolean isLockdType(String lockType) {
        return "dlm".equals(lockType) || "sanlock".equals(lockType) || "idm".equals(lockType);
    }
}
