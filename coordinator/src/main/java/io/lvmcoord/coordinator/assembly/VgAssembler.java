package io.lvmcoord.coordinator.assembly;

import io.lvmcoord.scan.codec.DecodeError;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.MdaScan;
import io.lvmcoord.scan.codec.Uuids;
import io.lvmcoord.scan.metadata.PvMetadata;
import io.lvmcoord.scan.metadata.VgMetadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Assembles VGs from per-device scans, with lvm2's multi-device rules.
 *
 * <p>Order of decisions, each feeding the next:
 * <ol>
 * <li>Devices below the PV minimum size are not considered (lvm2's pv_min_size filter).</li>
 * <li>Duplicate PV UUIDs: one device is preferred (a size matching the metadata's dev_size,
 *     then a name matching the metadata's device hint, then the first seen); the others are
 *     reported as unused duplicates and contribute nothing else.</li>
 * <li>Each VG UUID takes the metadata copy with the highest seqno; lower copies are reported
 *     stale (lvm2 warns and ignores them, it never merges).</li>
 * <li>The winning copy's PV list claims devices by PV UUID, which is how PVs without a
 *     metadata area join their VG; listed PVs with no device are missing.</li>
 * <li>Unclaimed PVs are orphans, or "[unknown]" when they are marked in use but their VG could
 *     not be read.</li>
 * </ol>
 * The result does not depend on the order devices are scanned in, except where lvm2's own rule
 * is "first seen" (duplicate tie-break, listing order).
 */
public final class VgAssembler {
    /** lvm2's devices/pv_min_size default: 2048 KiB. */
    public static final long DEFAULT_MIN_PV_BYTES = 2048L * 1024;

    private final long minPvBytes;

    public VgAssembler(long minPvBytes) {
        this.minPvBytes = minPvBytes;
    }

    public VgAssembler(AssemblySettings settings) {
        this(settings.minPvBytes());
    }

    public VgAssembler() {
        this(DEFAULT_MIN_PV_BYTES);
    }

    public Assembly assemble(List<DeviceScan> scans) {
        List<String> warnings = new ArrayList<>();
        List<DeviceScan.PvScan> pvScans = new ArrayList<>();
        List<DeviceScan.NotAPv> nonPvs = new ArrayList<>();
        for (DeviceScan s : scans) {
            if (s instanceof DeviceScan.DeviceFault f) {
                warnings.add("WARNING: Cannot use " + f.device() + ": " + f.error().reason() + " (at byte " + f.error().offset() + ").");
            } else if (s instanceof DeviceScan.NotAPv n) {
                if (n.deviceSize() >= minPvBytes) {
                    nonPvs.add(n);
                }
            } else if (s instanceof DeviceScan.PvScan p && p.deviceSize() >= minPvBytes) {
                pvScans.add(p);
                mdaWarnings(p, warnings);
            }
        }

        List<DuplicatePv> duplicates = new ArrayList<>();
        List<DeviceScan.PvScan> preferred = chooseAmongDuplicates(pvScans, duplicates, warnings);

        // VG UUID -> candidate copies, in device order.
        Map<String, List<Candidate>> byVg = new LinkedHashMap<>();
        for (DeviceScan.PvScan p : preferred) {
            for (MdaScan m : p.mdas()) {
                if (m.vg() != null) {
                    byVg.computeIfAbsent(m.vg().id(), k -> new ArrayList<>()).add(new Candidate(p, m.vg()));
                }
            }
        }

        Map<String, DeviceScan.PvScan> byPvUuid = new LinkedHashMap<>();
        for (DeviceScan.PvScan p : preferred) {
            byPvUuid.put(p.label().pvUuid(), p);
        }

        List<VgView> vgs = new ArrayList<>();
        Map<String, Boolean> claimed = new LinkedHashMap<>();
        for (List<Candidate> copies : byVg.values()) {
            Candidate best = copies.get(0);
            for (Candidate c : copies) {
                if (c.vg.seqno() > best.vg.seqno()) {
                    best = c;
                }
            }
            List<VgView.StaleCopy> stale = new ArrayList<>();
            for (Candidate c : copies) {
                if (c.vg.seqno() < best.vg.seqno() && stale.stream().noneMatch(s -> s.device().equals(c.pv.device()))) {
                    stale.add(new VgView.StaleCopy(c.pv.device(), c.vg.seqno()));
                    warnings.add("WARNING: ignoring metadata seqno " + c.vg.seqno() + " on " + c.pv.device() + " for seqno "
                            + best.vg.seqno() + " on " + best.pv.device() + " for VG " + best.vg.name() + ".");
                }
            }
            if (!stale.isEmpty()) {
                warnings.add("WARNING: Inconsistent metadata found for VG " + best.vg.name() + ".");
                warnings.add("See vgck --updatemetadata to correct inconsistency.");
            }
            VgMetadata vg = best.vg;
            List<VgPv> pvs = new ArrayList<>();
            for (PvMetadata pm : vg.pvs()) {
                DeviceScan.PvScan dev = byPvUuid.get(Uuids.undashed(pm.id()));
                if (dev != null) {
                    claimed.put(dev.label().pvUuid(), true);
                } else {
                    warnings.add("WARNING: Couldn't find device with uuid " + pm.id() + ".");
                    warnings.add(pm.deviceHint().isEmpty()
                            ? "WARNING: VG " + vg.name() + " is missing PV " + pm.id() + "."
                            : "WARNING: VG " + vg.name() + " is missing PV " + pm.id() + " (last written to " + pm.deviceHint() + ").");
                }
                pvs.add(new VgPv(pm, dev));
            }
            vgs.add(new VgView(vg, pvs, stale));
        }

        List<LoosePv> loose = new ArrayList<>();
        for (DeviceScan.PvScan p : preferred) {
            if (claimed.containsKey(p.label().pvUuid())) {
                continue;
            }
            boolean unknown = p.label().extUsed() && p.metadata().isEmpty();
            if (unknown) {
                warnings.add("WARNING: PV " + p.device() + " is marked in use but no VG was found using it.");
                warnings.add("WARNING: PV " + p.device() + " might need repairing.");
            }
            loose.add(new LoosePv(p, unknown));
        }
        return new Assembly(sameNamesLastSeenFirst(vgs, warnings), loose, duplicates, nonPvs, warnings);
    }

    /**
     * lvm2 allows two VGs with one name (each made where the other's disks were not visible) and
     * lists both. Its cache puts a VG whose name is already known ahead of the one found before
     * it, so equal-named VGs come out in reverse device order (checked against lvm2 2.03.16 with
     * four VGs of one name created in a shuffled order: listed by device, last first). Reports
     * sort by name with a stable sort, so this order is what ties show.
     */
    private static List<VgView> sameNamesLastSeenFirst(List<VgView> vgs, List<String> warnings) {
        Map<String, List<VgView>> byName = new LinkedHashMap<>();
        for (VgView v : vgs) {
            byName.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(0, v);
        }
        List<VgView> out = new ArrayList<>(vgs.size());
        for (List<VgView> same : byName.values()) {
            for (int i = 1; i < same.size(); i++) {
                warnings.add("WARNING: VG name " + same.get(0).name() + " is used by VGs " + same.get(0).metadata().id() + " and "
                        + same.get(i).metadata().id() + ".");
                warnings.add("Fix duplicate VG names with vgrename uuid, a device filter, or system IDs.");
            }
            out.addAll(same);
        }
        return out;
    }

    private record Candidate(DeviceScan.PvScan pv, VgMetadata vg) {
    }

    private static List<DeviceScan.PvScan> chooseAmongDuplicates(List<DeviceScan.PvScan> pvScans, List<DuplicatePv> duplicates,
                                                                 List<String> warnings) {
        Map<String, List<DeviceScan.PvScan>> byUuid = new LinkedHashMap<>();
        for (DeviceScan.PvScan p : pvScans) {
            byUuid.computeIfAbsent(p.label().pvUuid(), k -> new ArrayList<>()).add(p);
        }
        List<DeviceScan.PvScan> preferred = new ArrayList<>();
        for (DeviceScan.PvScan p : pvScans) {
            List<DeviceScan.PvScan> same = byUuid.get(p.label().pvUuid());
            if (same.size() == 1) {
                preferred.add(p);
                continue;
            }
            if (same.get(0) != p) {
                continue;
            }
            Optional<PvMetadata> listed = listedAs(p.label().pvUuid(), pvScans);
            DeviceScan.PvScan choice = same.get(0);
            String reason = "device was seen first";
            if (listed.isPresent()) {
                PvMetadata pm = listed.get();
                List<DeviceScan.PvScan> sizeOk = same.stream().filter(d -> pm.devSize() >= 0 && d.deviceSize() == pm.devSize() * 512).toList();
                List<DeviceScan.PvScan> nameOk = same.stream().filter(d -> d.device().equals(pm.deviceHint())).toList();
                if (!sizeOk.isEmpty() && sizeOk.size() < same.size()) {
                    choice = sizeOk.get(0);
                    reason = "device size is correct";
                } else if (!nameOk.isEmpty() && nameOk.size() < same.size()) {
                    choice = nameOk.get(0);
                    reason = "device name matches previous";
                }
            }
            String dashed = Uuids.dashed(p.label().pvUuid());
            for (DeviceScan.PvScan d : same) {
                if (d != choice) {
                    duplicates.add(new DuplicatePv(d, choice.device(), reason));
                    warnings.add("WARNING: Not using device " + d.device() + " for PV " + dashed + ".");
                }
            }
            warnings.add("WARNING: PV " + dashed + " prefers device " + choice.device() + " because " + reason + ".");
            preferred.add(choice);
        }
        return preferred;
    }

    /** The PV entry for a UUID in the newest metadata any scanned device offers. */
    private static Optional<PvMetadata> listedAs(String undashedUuid, List<DeviceScan.PvScan> scans) {
        VgMetadata newest = null;
        for (DeviceScan.PvScan s : scans) {
            for (MdaScan m : s.mdas()) {
                if (m.vg() != null && m.vg().pvs().stream().anyMatch(pv -> Uuids.undashed(pv.id()).equals(undashedUuid))
                        && (newest == null || m.vg().seqno() > newest.seqno())) {
                    newest = m.vg();
                }
            }
        }
        return newest == null ? Optional.empty()
                : newest.pvs().stream().filter(pv -> Uuids.undashed(pv.id()).equals(undashedUuid)).findFirst();
    }

    /** lvm2's wording for areas it could not use. */
    private static void mdaWarnings(DeviceScan.PvScan p, List<String> warnings) {
        for (MdaScan m : p.mdas()) {
            DecodeError e = m.error();
            if (e == null) {
                continue;
            }
            String dev = p.device();
            String mdaName = "mda" + (m.index() + 1);
            switch (e.kind()) {
                case MDA_HEADER_CHECKSUM -> {
                    warnings.add("WARNING: " + e.reason() + " on " + dev + " at " + m.area().offset());
                    warnings.add("WARNING: bad metadata header on " + dev + " at " + m.area().offset() + ".");
                }
                case BAD_MDA_HEADER -> warnings.add("WARNING: bad metadata header on " + dev + " at " + m.area().offset() + ": " + e.reason() + ".");
                case TEXT_CHECKSUM -> {
                    warnings.add("WARNING: Checksum error on " + dev + " at offset " + e.offset() + ".");
                    warnings.add("WARNING: invalid metadata text from " + dev + " at " + e.offset() + ".");
                    warnings.add("WARNING: bad metadata text on " + dev + " in " + mdaName);
                }
                case BAD_TEXT -> {
                    warnings.add("WARNING: invalid metadata text from " + dev + " at " + e.offset() + ": " + e.reason());
                    warnings.add("WARNING: bad metadata text on " + dev + " in " + mdaName);
                }
                default -> warnings.add("WARNING: " + e.reason() + " on " + dev + " in " + mdaName + ".");
            }
            warnings.add("WARNING: scanning " + dev + " " + mdaName + " failed to read metadata summary.");
            warnings.add("WARNING: repair VG metadata on " + dev + " with vgck --updatemetadata.");
        }
    }
}
