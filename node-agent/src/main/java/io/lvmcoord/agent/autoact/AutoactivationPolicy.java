package io.lvmcoord.agent.autoact;

import io.lvmcoord.scan.lvmconf.LvmConfig;
import io.lvmcoord.scan.lvmconf.VgVisibility;
import io.lvmcoord.scan.metadata.ConfigValue;
import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.VgMetadata;

import java.util.List;
import java.util.Optional;

/**
 * Whether a complete VG is one lvm2 would autoactivate on this host, so the hook runs for it.
 * lvm2 2.03.16's event path decides in two places and we follow both, in its order:
 * <ul>
 * <li>pvscan ignores the PVs of a shared VG (lvmlockd lock type: lvmlockd's own start-up
 *     activates those, whether or not lvmlockd is in use), of a foreign VG (a system ID not this
 *     host's) and of an exported VG; its activation step skips clustered (clvmd) VGs. For the
 *     system ID we take the node's visibility rules (the same lvm2 applies to reports), which also
 *     hide a VG with a system ID when this host's is unknown.</li>
 * <li>{@code vgchange -aay} skips a VG whose metadata disables autoactivation
 *     ({@code vgchange --setautoactivation n}) and every LV that
 *     {@code activation/auto_activation_volume_list} does not select. A VG none of whose LVs the
 *     list can select would activate nothing, so the hook is not run for it. The list's
 *     {@code "@*"} (host tags) is taken as selecting: the host tags are not modelled here, and
 *     the command, when it is vgchange, applies the list itself.</li>
 * </ul>
 * {@code global/event_activation} is deliberately not a reason to skip: setting it to 0 turns
 * lvm2's own udev activation off, which is exactly when an operator runs this hook instead.
 */
public final class AutoactivationPolicy {

    /** The verdict on one complete VG. */
    public sealed interface Verdict permits Run, Skip {
    }

    /** lvm2 would autoactivate it: run the hook. */
    public enum Run implements Verdict {
        RUN
    }

    /** lvm2 would leave it alone, for {@code reason}. */
    public record Skip(String reason) implements Verdict {
    }

    static final String VOLUME_LIST = "activation/auto_activation_volume_list";

    private AutoactivationPolicy() {
    }

    /**
     * @param visibility lvm2's visibility of the VG on this host (its reports' rules, listing all VGs)
     * @param config     lvm2's configuration on this host, when it could be read
     */
    public static Verdict decide(VgMetadata vg, VgVisibility.Decision visibility, Optional<LvmConfig> config) {
        if (VgVisibility.isLockdType(vg.lockType())) {
            return new Skip("shared VG (lock type " + vg.lockType() + "): lvmlockd's start-up activates it, not event autoactivation");
        }
        boolean hasSystemId = vg.systemId() != null && !vg.systemId().isEmpty();
        if (!visibility.visible() && hasSystemId) {
            return new Skip("foreign VG (system ID " + vg.systemId() + ")");
        }
        if (vg.exported()) {
            return new Skip("exported VG");
        }
        if (vg.clustered()) {
            return new Skip("clustered (clvmd) VG");
        }
        if (!visibility.visible()) {
            return new Skip("not accessible on this host: " + String.join(" ", visibility.messages()));
        }
        if (vg.flags().contains("NOAUTOACTIVATE")) {
            return new Skip("autoactivation disabled in the VG's metadata (vgchange --setautoactivation n)");
        }
        Optional<List<ConfigValue>> list = config.flatMap(c -> c.array(VOLUME_LIST));
        if (list.isPresent() && !selectsAnyLv(list.get(), vg)) {
            return new Skip("no LV of it is selected by " + VOLUME_LIST);
        }
        return Run.RUN;
    }

    /**
     * Whether some entry of an {@code auto_activation_volume_list} may select an LV of {@code vg},
     * by lvm2's matching (lib/activate/activate.c): "vg", "vg/lv", "@tag" on the VG or an LV;
     * non-strings and empty strings are ignored; "@*" is taken as selecting (see the class).
     */
    static boolean selectsAnyLv(List<ConfigValue> entries, VgMetadata vg) {
        for (ConfigValue v : entries) {
            if (!(v instanceof ConfigValue.Str s) || s.value().isEmpty()) {
                continue;
            }
            String entry = s.value();
            if (entry.startsWith("@")) {
                String tag = entry.substring(1);
                if (tag.equals("*")) {
                    return true;
                }
                if (!tag.isEmpty() && (vg.tags().contains(tag) || vg.lvs().stream().anyMatch(lv -> lv.tags().contains(tag)))) {
                    return true;
                }
                continue;
            }
            if (entry.equals(vg.name())) {
                return true;
            }
            String prefix = vg.name() + "/";
            if (entry.startsWith(prefix)) {
                String lvName = entry.substring(prefix.length());
                if (vg.lvs().stream().map(LvMetadata::name).anyMatch(lvName::equals)) {
                    return true;
                }
            }
        }
        return false;
    }
}
