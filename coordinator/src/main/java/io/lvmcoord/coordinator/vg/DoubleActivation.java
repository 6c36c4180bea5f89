package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.metadata.LvMetadata;
import io.lvmcoord.scan.metadata.Segment;
import io.lvmcoord.scan.metadata.SegmentArea;
import io.lvmcoord.scan.metadata.VgMetadata;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * LVs active on several hosts that must not be: the activation map's warning.
 *
 * <p>In a VG without a lock type (local VGs: lvm2 takes no cluster lock at all) nothing stops
 * two hosts sharing the disks from activating the same LV, and every LV active on two hosts at
 * once is a risk to its data. In a shared VG (lock_type sanlock or dlm) lvmlockd itself lets an
 * LV be active on several hosts only with a shared lock ({@code lvchange -asy}), and refuses the
 * shared mode for the LV types whose kernel state is host-local (lvm2 2.03.16 {@code lockd_lv}:
 * thin pools and thin LVs through their pool's lock, and LDLV_MODE_NO_SH for external origins,
 * mirror, raid, vdo and cache types; lvmlockd(8) adds snapshots). Writecache is added here: its
 * dm-writecache holds dirty blocks on one host, so two activations corrupt the LV just as a
 * cache does (2.03.16's lockd_lv does not name it because lvconvert keeps it out of shared VGs).
 * Such LVs active on two hosts in a shared VG mean a lock was bypassed (a host activated with
 * locking off, or lvmlockd was restarted without its lockspace).
 */
public final class DoubleActivation {

    /** An LV of {@code vg} active on {@code hosts} (2 or more, sorted) that may be active on one host at a time. */
    public record Warning(String vg, String lv, List<String> hosts) {
        public Warning {
            hosts = List.copyOf(hosts);
        }

        /** The words the log, status and watch use. */
        public String text() {
            return "LV " + vg + "/" + lv + " is active on " + hosts.size() + " hosts at once (" + String.join(", ", hosts)
                    + ") but may be active on one host only";
        }
    }

    private DoubleActivation() {
    }

    /** The VG as the newest metadata any host reported describes it (its LVs' names and types), if a text parses. */
    public static java.util.Optional<VgMetadata> newestMetadata(VgState state, io.lvmcoord.scan.report.PvReports.TextParser parser) {
        VgMetadata newest = null;
        for (var byDevice : state.reports().values()) {
            for (var r : byDevice.values()) {
                for (var m : r.mdas()) {
                    VgMetadata vg = m.text() == null ? null : parser.parse(m.text());
                    if (vg != null && (newest == null || vg.seqno() > newest.seqno())) {
                        newest = vg;
                    }
                }
            }
        }
        return java.util.Optional.ofNullable(newest);
    }

    /** Segment types whose kernel state lives on one host (raid types are matched by prefix). */
    private static final Set<String> HOST_LOCAL_TYPES = Set.of("thin", "thin-pool", "cache", "cache-pool", "writecache", "mirror",
            "snapshot", "vdo", "vdo-pool");
    /** Keys of such segments naming the sub-LVs (and origin, cow) that share the segment's restriction. */
    private static final List<String> LV_KEYS = List.of("pool", "thin_pool", "metadata", "data", "origin",
            "cow_store", "merging_store", "cache_pool", "writecache", "external_origin", "mirror_log", "merging_origin");

    /**
     * Whether {@code lv} may be active on several hosts at once: never in a VG without a lock
     * type; in a shared VG, unless lvmlockd refuses it the shared mode (see the class comment).
     */
    public static boolean mayBeActiveOnSeveralHosts(VgMetadata vg, LvMetadata lv) {
        return vg.shared() && !hostLocalLvs(vg).contains(lv.name());
    }

    /**
     * The names of the LVs of {@code vg} that lvmlockd would not activate shared: those with a
     * segment of a host-local type, and every LV such a segment uses (pool data and metadata,
     * images, logs, origins, cows, cache pools).
     */
    static Set<String> hostLocalLvs(VgMetadata vg) {
        Set<String> out = new HashSet<>();
        for (LvMetadata lv : vg.lvs()) {
            for (Segment s : lv.segments()) {
                if (!HOST_LOCAL_TYPES.contains(s.type()) && !s.type().startsWith("raid")) {
                    continue;
                }
                out.add(lv.name());
                for (SegmentArea a : s.areas()) {
                    if (a instanceof SegmentArea.OnLv on) {
                        out.add(on.lvName());
                    }
                }
                out.addAll(s.metaAreas());
                for (String key : LV_KEYS) {
                    s.string(key).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    /**
     * The LVs lvs shows by name: visible ones, except a snapshot's own segment LV
     * ({@code snapshot0}, which has no device), and with the snapshot's COW, which lvm2 shows
     * under its own name though its metadata does not mark it visible.
     */
    public static Set<String> namedLvs(VgMetadata vg) {
        Set<String> out = new HashSet<>();
        for (LvMetadata lv : vg.lvs()) {
            boolean snapshotSegment = false;
            for (Segment s : lv.segments()) {
                if (s.type().equals("snapshot")) {
                    snapshotSegment = true;
                    s.string("cow_store").ifPresent(out::add);
                    s.string("merging_store").ifPresent(out::add);
                }
            }
            if (lv.visible() && !snapshotSegment) {
                out.add(lv.name());
            }
        }
        return out;
    }

    /**
     * The warnings for one VG: each LV lvs names (see {@link #named}) active on two or more hosts
     * that may not be (hidden sub-LVs follow their LV and are not named again), in the VG's LV order.
     */
    public static List<Warning> of(VgMetadata vg, VgState state) {
        List<Warning> out = new ArrayList<>();
        if (state.activation().size() < 2) {
            return out;
        }
        Set<String> named = namedLvs(vg);
        for (LvMetadata lv : vg.lvs()) {
            if (!named.contains(lv.name()) || mayBeActiveOnSeveralHosts(vg, lv)) {
                continue;
            }
            List<String> hosts = Activation.activeHosts(state, lv.id());
            if (hosts.size() >= 2) {
                out.add(new Warning(vg.name(), lv.name(), hosts));
            }
        }
        return out;
    }
}
