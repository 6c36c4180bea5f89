package io.lvmcoord.coordinator.vg;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.persistence.CborSerializable;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.report.PvReport;
import io.lvmcoord.scan.report.PvReports;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The durable state of a VG aggregate, and its pure rules.
 *
 * <p>Reports are kept per node and device, each the latest that node sent; metadata texts are
 * kept once per key and dropped when no report refers to them any more. Every change bumps
 * {@code version}. A report identical to the one held changes nothing (no event, no version),
 * which keeps the journal small when nodes rescan unchanged disks. What the VG looks like from
 * a node is not stored: it is assembled on demand from that node's reports with the same
 * {@link VgAssembler} rules as direct mode, so the two can never disagree.
 *
 * <p>An aggregate whose last device was forgotten keeps when that happened ({@code emptySinceMillis});
 * after the grace period it may be retired ({@link #onRetire}): a tombstone that holds only its
 * version, so that a VG coming back continues above every version a cache has seen.
 *
 * <p>The activation map is kernel state, volatile by nature, yet it is journaled like the
 * reports: an entity passivates after two idle minutes and moves with its shard, and the
 * caches take only versions that grow, so state held beside the journal would vanish or go
 * back in time. What keeps it honest instead: each entry carries the incarnation of the agent
 * that reported it, an incarnation that leaves the cluster (left, downed, removed) is dropped
 * ({@link ActivationJanitor}), a restarted agent is a new incarnation that reports afresh, and
 * an agent re-reports whenever the cached entry differs from its kernel's (so a wrong drop
 * heals itself). Writes happen when activation changes, and for status-only changes once per
 * reconcile interval ({@link Activation#worthReporting}).
 *
 * @param reports          node -> device -> report (sorted maps: the state serializes deterministically)
 * @param emptySinceMillis when the last device was forgotten (epoch ms); meaningful only while
 *                         {@code reports} is empty (0 in states written before it existed: retirable at once)
 * @param retired          a tombstone: retired, no device reported since
 * @param activation       host -> the dm devices of this VG there (the activation map, see
 *                         {@link HostActivation}); empty in states written before it existed
 */
public record VgState(long version, Map<String, Map<String, PvReport>> reports, List<StoredText> texts, long emptySinceMillis,
                      boolean retired, Map<String, HostActivation> activation) implements CborSerializable {

    public static final VgState EMPTY = new VgState(0, Map.of(), List.of());

    public VgState(long version, Map<String, Map<String, PvReport>> reports, List<StoredText> texts) {
        this(version, reports, texts, 0, false);
    }

    public VgState(long version, Map<String, Map<String, PvReport>> reports, List<StoredText> texts, long emptySinceMillis,
                   boolean retired) {
        this(version, reports, texts, emptySinceMillis, retired, Map.of());
    }

    public VgState {
        Map<String, Map<String, PvReport>> copy = new TreeMap<>();
        reports.forEach((node, byDevice) -> copy.put(node, Map.copyOf(new TreeMap<>(byDevice))));
        reports = java.util.Collections.unmodifiableMap(copy);
        texts = List.copyOf(texts);
        // Null in snapshots written before the activation map existed.
        activation = java.util.Collections.unmodifiableMap(new TreeMap<>(activation == null ? Map.of() : activation));
    }

    /**
     * The event a host's activation report causes: none when it repeats the entry held (or there
     * is none and the host has no device of this VG). An empty report removes the host's entry.
     */
    public Optional<VgEvent> onActivation(String node, HostActivation reported) {
        HostActivation held = activation.get(node);
        if (reported.devices().isEmpty() ? held == null : reported.equals(held)) {
            return Optional.empty();
        }
        return Optional.of(new VgEvent.ActivationReported(node, reported));
    }

    /** The event dropping {@code node}'s entry when it was reported by {@code incarnation} (gone from the cluster), else none. */
    public Optional<VgEvent> onIncarnationGone(String node, long incarnation) {
        HostActivation held = activation.get(node);
        return held != null && held.incarnation() == incarnation ? Optional.of(new VgEvent.ActivationDropped(node, incarnation))
                : Optional.empty();
    }

    /** The event a report causes, or none when it repeats what is held. */
    public Optional<VgEvent> onReport(PvReport report, List<StoredText> offeredTexts) {
        return onReports(List.of(report), offeredTexts)
                .map(e -> new VgEvent.DeviceReported(report, ((VgEvent.DevicesReported) e).newTexts()));
    }

    /**
     * The one event a batch of reports causes (those that differ from what is held, the last per
     * device), or none when every report repeats what is held. Its new texts are the offered ones
     * the changed reports refer to and the aggregate does not hold, in the order offered, each once.
     *
     * @throws IllegalArgumentException when a report refers to a text neither held nor offered
     */
    public Optional<VgEvent> onReports(List<PvReport> batch, List<StoredText> offeredTexts) {
        Map<List<String>, PvReport> lastPerDevice = new java.util.LinkedHashMap<>();
        for (PvReport r : batch) {
            lastPerDevice.put(List.of(r.node(), r.device()), r);
        }
        Set<PvReport.TextKey> have = new HashSet<>();
        texts.forEach(t -> have.add(t.key()));
        Set<PvReport.TextKey> offered = new HashSet<>();
        offeredTexts.forEach(t -> offered.add(t.key()));
        List<PvReport> changed = new ArrayList<>();
        Set<PvReport.TextKey> missing = new HashSet<>();
        for (PvReport report : lastPerDevice.values()) {
            if (report.equals(reports.getOrDefault(report.node(), Map.of()).get(report.device()))) {
                continue;
            }
            for (var m : report.mdas()) {
                PvReport.TextKey k = m.text();
                if (k == null || have.contains(k)) {
                    continue;
                }
                if (!offered.contains(k)) {
                    throw new IllegalArgumentException("report of " + report.device() + " from " + report.node()
                            + " refers to metadata text " + k + " that was neither held nor sent");
                }
                missing.add(k);
            }
            changed.add(report);
        }
        if (changed.isEmpty()) {
            return Optional.empty();
        }
        List<StoredText> fresh = new ArrayList<>();
        for (StoredText t : offeredTexts) {
            if (missing.remove(t.key())) {
                fresh.add(t);
            }
        }
        return Optional.of(new VgEvent.DevicesReported(changed, fresh));
    }

    public Optional<VgEvent> onForget(String node, String device, long nowMillis) {
        return reports.getOrDefault(node, Map.of()).containsKey(device) ? Optional.of(new VgEvent.DeviceForgotten(node, device, nowMillis))
                : Optional.empty();
    }

    /**
     * When this aggregate may be retired with a grace period of {@code graceMillis} (epoch ms),
     * or -1 while it may not: some node still reports a device, it never held any, or it is
     * retired already.
     */
    public long retirableAtMillis(long graceMillis) {
        if (retired || version == 0 || !reports.isEmpty()) {
            return -1;
        }
        // Saturating: a huge grace means "never" rather than an overflowed time in the past.
        long at = emptySinceMillis + graceMillis;
        return at < emptySinceMillis ? Long.MAX_VALUE : at;
    }

    /** The retirement due at {@code nowMillis}, if it is (see {@link #retirableAtMillis}). */
    public Optional<VgEvent> onRetire(long nowMillis, long graceMillis) {
        long at = retirableAtMillis(graceMillis);
        return at >= 0 && nowMillis >= at ? Optional.of(new VgEvent.VgRetired(emptySinceMillis, nowMillis)) : Optional.empty();
    }

    public VgState apply(VgEvent event) {
        if (event instanceof VgEvent.ActivationReported a) {
            Map<String, HostActivation> next = new TreeMap<>(activation);
            if (a.activation().devices().isEmpty()) {
                next.remove(a.node());
            } else {
                next.put(a.node(), a.activation());
            }
            return new VgState(version + 1, reports, texts, emptySinceMillis, retired, next);
        }
        if (event instanceof VgEvent.ActivationDropped d) {
            Map<String, HostActivation> next = new TreeMap<>(activation);
            next.remove(d.node());
            return new VgState(version + 1, reports, texts, emptySinceMillis, retired, next);
        }
        Map<String, Map<String, PvReport>> next = new HashMap<>();
        reports.forEach((n, d) -> next.put(n, new HashMap<>(d)));
        List<StoredText> nextTexts = new ArrayList<>(texts);
        long emptySince = emptySinceMillis;
        boolean nextRetired = retired;
        if (event instanceof VgEvent.VgRetired) {
            return new VgState(version + 1, Map.of(), List.of(), emptySinceMillis, true);
        } else if (event instanceof VgEvent.DeviceReported r) {
            next.computeIfAbsent(r.report().node(), k -> new HashMap<>()).put(r.report().device(), r.report());
            nextTexts.addAll(r.newTexts());
            nextRetired = false;
        } else if (event instanceof VgEvent.DevicesReported r) {
            r.reports().forEach(report -> next.computeIfAbsent(report.node(), k -> new HashMap<>()).put(report.device(), report));
            nextTexts.addAll(r.newTexts());
            nextRetired = false;
        } else {
            VgEvent.DeviceForgotten f = (VgEvent.DeviceForgotten) event;
            Map<String, PvReport> byDevice = next.get(f.node());
            if (byDevice != null) {
                byDevice.remove(f.device());
                if (byDevice.isEmpty()) {
                    next.remove(f.node());
                }
            }
            emptySince = f.atMillis();
        }
        Set<PvReport.TextKey> referenced = new HashSet<>();
        next.values().forEach(d -> d.values().forEach(r -> r.mdas().forEach(m -> {
            if (m.text() != null) {
                referenced.add(m.text());
            }
        })));
        nextTexts.removeIf(t -> !referenced.contains(t.key()));
        return new VgState(version + 1, next, nextTexts, next.isEmpty() ? emptySince : 0, nextRetired, activation);
    }

    public byte[] text(PvReport.TextKey key) {
        for (StoredText t : texts) {
            if (t.key().equals(key)) {
                return t.text();
            }
        }
        return null;
    }

    /**
     * The names this VG carries: on each node, the name in the newest metadata (highest seqno)
     * that node reported; normally one name, two while a rename has reached only some nodes.
     */
    public java.util.SortedSet<String> names(PvReports.TextParser parser) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (Map<String, PvReport> byDevice : reports.values()) {
            io.lvmcoord.scan.metadata.VgMetadata newest = null;
            for (PvReport r : byDevice.values()) {
                for (PvReport.Mda m : r.mdas()) {
                    io.lvmcoord.scan.metadata.VgMetadata vg = m.text() == null ? null : parser.parse(m.text());
                    if (vg != null && (newest == null || vg.seqno() > newest.seqno())) {
                        newest = vg;
                    }
                }
            }
            if (newest != null) {
                out.add(newest.name());
            }
        }
        return out;
    }

    /** The devices one node reported, rebuilt as scans, in device-name order. */
    public List<DeviceScan> scansOf(String node, PvReports.TextParser parser) {
        List<DeviceScan> out = new ArrayList<>();
        for (PvReport r : new TreeMap<>(reports.getOrDefault(node, Map.of())).values()) {
            out.add(PvReports.toScan(r, parser));
        }
        return out;
    }

    /** How the VG looks from {@code node}: lvm2's rules over that node's devices. */
    public Assembly assemble(String node, VgAssembler assembler) {
        return assembler.assemble(scansOf(node, new PvReports.TextParser(this::text)));
    }
}
