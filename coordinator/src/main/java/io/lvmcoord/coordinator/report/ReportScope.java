package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.DuplicatePv;
import io.lvmcoord.coordinator.assembly.LoosePv;
import io.lvmcoord.coordinator.assembly.VgPv;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.metadata.LvMetadata;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which objects a report covers when the command line names some, with lvm2 2.03.16's rules
 * (tools/toollib.c process_each_vg/lv/pv and process_each_label), and lvm2's errors for names
 * that match nothing.
 *
 * <p>How lvm2 reads the arguments depends on the report:
 * <ul>
 * <li><b>vgs</b>: VG names and {@code @tag}s. A VG is reported if it is named or carries one of
 *     the tags. Without tags, a name with no VG is an error ("Volume group "x" not found"); with
 *     tags lvm2 walks every VG and never looks the names up, so an unknown name is silent.</li>
 * <li><b>lvs</b>: {@code vg}, {@code vg/lv} (or {@code /dev/vg/lv}) and {@code @tag}. A bare VG
 *     name reports all its LVs (hidden ones only with {@code -a}); otherwise an LV is reported if
 *     it is named, carries a tag, or its VG carries a tag. A named LV is shown even when hidden
 *     (not in the segment report: there hidden LVs need {@code -a}).
 *     Names left unmatched in a VG are errors ("Failed to find logical volume "vg/lv"").</li>
 * <li><b>pvs</b>: device names and {@code @tag}s (PV tags). With only label fields
 *     ({@code pv_name}, {@code pv_uuid}, {@code dev_size}, ...) and no tag, lvm2 reports each named
 *     device once per mention ("Failed to find device", "No physical volume label read from");
 *     otherwise each named device once and each PV at most once, and a name that matches no PV is
 *     an error ("Cannot use X: device not found", "Failed to find physical volume").</li>
 * </ul>
 * Errors come in lvm2's order: the order in which it processes VGs (the order of the names, or
 * every VG when tags are given) and, within a VG, the order of the names.
 */
public final class ReportScope {

    /** Positional arguments lvm2 refuses before doing anything (exit 3); the lines are lvm2's. */
    public static final class BadArguments extends Exception {
        private static final long serialVersionUID = 1L;
        private final List<String> lines;

        public BadArguments(List<String> lines) {
            super(String.join("\n", lines));
            this.lines = List.copyOf(lines);
        }

        public List<String> lines() {
            return lines;
        }
    }

    /** lvm2's LABEL report fields: a pvs with only these (and no tag) reads labels, not VGs. */
    private static final Set<String> LABEL_FIELDS = labelFields();

    private final ReportType type;
    private final List<String> vgNames;
    private final List<String> tags;
    /** lvs: per VG name, the LV names given as vg/lv, in order. */
    private final Map<String, List<String>> lvNames;
    /** lvs: VG names given bare (all their LVs). */
    private final Set<String> wholeVgs;
    /** lvs: arguments that are no LV path, reported and failing the command with nothing processed. */
    private final List<String> invalidPaths;
    /** pvs: device names, in order, repeats kept. */
    private final List<String> pvNames;
    /** lvm2's messages while reading the arguments that do not stop it (a device-mapper name it cannot split). */
    private final List<String> notes;

    private ReportScope(ReportType type, List<String> vgNames, List<String> tags, Map<String, List<String>> lvNames,
                        Set<String> wholeVgs, List<String> invalidPaths, List<String> pvNames, List<String> notes) {
        this.type = type;
        this.vgNames = vgNames;
        this.tags = tags;
        this.lvNames = lvNames;
        this.wholeVgs = wholeVgs;
        this.invalidPaths = invalidPaths;
        this.pvNames = pvNames;
        this.notes = List.copyOf(notes);
    }

    /** The scope of a request with no positional arguments: everything. */
    public static ReportScope everything(ReportType type) {
        return new ReportScope(type, List.of(), List.of(), Map.of(), Set.of(), List.of(), List.of(), List.of());
    }

    /** Whether the command line named anything (without names lvm2 reports everything). */
    public boolean restricted() {
        return !vgNames.isEmpty() || !tags.isEmpty() || !lvNames.isEmpty() || !wholeVgs.isEmpty() || !invalidPaths.isEmpty()
                || !pvNames.isEmpty();
    }

    /**
     * Reads the positional arguments of a {@code type} report as lvm2 does.
     *
     * @throws BadArguments what lvm2 refuses outright (vgs: a name with '/', a bad tag; pvs: a bad tag)
     */
    public static ReportScope parse(ReportType type, List<String> args) throws BadArguments {
        List<String> errors = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        switch (type) {
            case VG -> {
                LinkedHashSet<String> names = new LinkedHashSet<>();
                for (String a : args) {
                    if (a.startsWith("@")) {
                        if (!validTag(a.substring(1))) {
                            errors.add("Skipping invalid tag: " + a);
                        } else {
                            addOnce(tags, a.substring(1));
                        }
                        continue;
                    }
                    String n = skipDevDir(a);
                    if (n.contains("/")) {
                        errors.add("Invalid volume group name " + n + ".");
                        continue;
                    }
                    names.add(n);
                }
                if (!errors.isEmpty()) {
                    throw new BadArguments(errors);
                }
                return new ReportScope(type, List.copyOf(names), tags, Map.of(), Set.of(), List.of(), List.of(), List.of());
            }
            case LV, SEG -> {
                List<String> notes = new ArrayList<>();
                LinkedHashSet<String> names = new LinkedHashSet<>();
                Map<String, List<String>> lvs = new LinkedHashMap<>();
                Set<String> whole = new HashSet<>();
                List<String> invalid = new ArrayList<>();
                for (String a : args) {
                    if (a.startsWith("@")) {
                        // lvm2 skips a malformed tag here with a message and goes on; we let it match nothing.
                        if (validTag(a.substring(1))) {
                            addOnce(tags, a.substring(1));
                        }
                        continue;
                    }
                    String n = skipDevDir(a, notes);
                    if (n.startsWith("/")) {
                        invalid.add(a);
                        continue;
                    }
                    int slash = n.indexOf('/');
                    if (slash < 0) {
                        names.add(n);
                        whole.add(n);
                        continue;
                    }
                    String vg = n.substring(0, slash);
                    String lv = n.substring(slash).replaceFirst("^/+", "");
                    if (lv.contains("/")) {
                        invalid.add(a);
                        continue;
                    }
                    names.add(vg);
                    List<String> inVg = lvs.computeIfAbsent(vg, k -> new ArrayList<>());
                    addOnce(inVg, lv);
                }
                return new ReportScope(type, List.copyOf(names), tags, lvs, whole, invalid, List.of(), notes);
            }
            default -> {
                List<String> pvs = new ArrayList<>();
                for (String a : args) {
                    if (a.startsWith("@")) {
                        if (!validTag(a.substring(1))) {
                            errors.add("Skipping invalid tag " + a.substring(1) + ".");
                        } else {
                            addOnce(tags, a.substring(1));
                        }
                        continue;
                    }
                    pvs.add(a);
                }
                if (!errors.isEmpty()) {
                    throw new BadArguments(errors);
                }
                return new ReportScope(type, List.of(), tags, Map.of(), Set.of(), List.of(), pvs, List.of());
            }
        }
    }

    private static void addOnce(List<String> list, String s) {
        if (!list.contains(s)) {
            list.add(s);
        }
    }

    /** lvm2's validate_tag: letters, digits and {@code ._-+/=!:&#}, at least one. */
    static boolean validTag(String t) {
        if (t.isEmpty()) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && "._-+/=!:&#".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * lvm2's skip_dev_dir: {@code /dev/vg/lv} is {@code vg/lv}, and a device-mapper name
     * {@code /dev/mapper/vg-lv} is split back ({@code --} stands for a {@code -} in a name).
     */
    static String skipDevDir(String name) {
        return skipDevDir(name, null);
    }

    private static String skipDevDir(String name, List<String> notes) {
        String n = name;
        if (n.startsWith("/")) {
            n = n.replaceFirst("^/+", "/");
        }
        if (!n.startsWith("/dev/")) {
            return n;
        }
        n = n.substring("/dev/".length()).replaceFirst("^/+", "");
        if (n.startsWith("mapper/")) {
            String dm = n.substring("mapper/".length()).replaceFirst("^/+", "");
            String[] vg = unquote(dm);
            String[] lv = unquote(vg[1]);
            String[] layer = unquote(lv[1]);
            if (!layer[0].isEmpty()) {
                // A layer of an LV (-real, -cow ...): lvm2 says so and goes on with the name as it is.
                if (notes != null) {
                    notes.add("skip_dev_dir: Couldn't split up device name " + dm + ".");
                }
                return dm;
            }
            return vg[0] + (lv[0].isEmpty() ? "" : "/" + lv[0]);
        }
        return n;
    }

    /** libdm's split of a device-mapper name at the first single '-' ("--" is an escaped '-'): {part, rest}. */
    private static String[] unquote(String s) {
        StringBuilder part = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '-' && i + 1 < s.length()) {
                if (s.charAt(i + 1) == '-') {
                    i++;
                } else {
                    return new String[]{part.toString(), s.substring(i + 1)};
                }
            }
            part.append(s.charAt(i));
            i++;
        }
        return new String[]{part.toString(), ""};
    }

    /**
     * The rows and errors of this scope over {@code assembly}.
     *
     * @param type    the report type after field resolution (LV may have become SEG)
     * @param columns the report's columns: a pvs with label fields only reads labels
     * @param all     {@code -a}
     */
    public Selection select(Assembly assembly, ReportType type, List<FieldDef> columns, boolean all) {
        if (!restricted()) {
            return new Selection(null, Map.of(), Set.of(), List.of(), false, false, all, List.of());
        }
        return switch (type) {
            case VG -> selectVgs(assembly, all);
            case LV, SEG -> selectLvs(assembly, type, all);
            case PV, PVSEG -> selectPvs(assembly, columns, all);
        };
    }

    private Selection selectVgs(Assembly a, boolean all) {
        List<String> errors = new ArrayList<>();
        Set<String> keep = new HashSet<>();
        for (VgView vg : a.vgs()) {
            if (vgNames.contains(vg.name()) || anyTag(vg.metadata().tags())) {
                keep.add(vg.metadata().id());
            }
        }
        if (tags.isEmpty()) {
            notFoundVgs(a, errors);
        }
        return new Selection(keep, Map.of(), Set.of(), List.of(), false, false, all, errors);
    }

    private void notFoundVgs(Assembly a, List<String> errors) {
        Set<String> present = new HashSet<>();
        a.vgs().forEach(v -> present.add(v.name()));
        for (String n : vgNames) {
            if (!present.contains(n)) {
                errors.add("Volume group \"" + n + "\" not found");
                errors.add("Cannot process volume group " + n);
            }
        }
    }

    private Selection selectLvs(Assembly a, ReportType type, boolean all) {
        List<String> errors = new ArrayList<>(notes);
        if (!invalidPaths.isEmpty()) {
            for (String p : invalidPaths) {
                errors.add("\"" + p + "\": Invalid path for Logical Volume.");
            }
            return new Selection(Set.of(), Map.of(), Set.of(), List.of(), false, false, all, errors);
        }
        Map<String, VgView> byName = new LinkedHashMap<>();
        for (VgView vg : a.vgs()) {
            byName.putIfAbsent(vg.name(), vg);
        }
        // lvm2 walks every VG when tags are given, else the named VGs in the order they were named.
        List<String> order = new ArrayList<>();
        if (!tags.isEmpty()) {
            a.vgs().forEach(v -> order.add(v.name()));
        } else {
            order.addAll(vgNames);
        }
        Set<String> keepVgs = new HashSet<>();
        Map<String, Set<String>> keepLvs = new HashMap<>();
        Set<String> lvArgsIn = new HashSet<>();
        for (String name : order) {
            VgView vg = byName.get(name);
            if (vg == null) {
                errors.add("Volume group \"" + name + "\" not found");
                errors.add("Cannot process volume group " + name);
                continue;
            }
            if (vg.metadata().exported()) {
                // lvs does not read an exported VG: an error where it was named, silence where a tag reached it.
                if (vgNames.contains(name)) {
                    errors.add("Volume group " + name + " is exported");
                }
                continue;
            }
            if (!tags.isEmpty() && !vgNames.contains(name) && !anyTag(vg.metadata().tags()) && !anyLvTagged(vg)) {
                continue;
            }
            keepVgs.add(vg.metadata().id());
            if (wholeVgs.contains(name)) {
                continue; // all its LVs, as without arguments
            }
            List<String> named = lvNames.getOrDefault(name, List.of());
            if (!named.isEmpty()) {
                lvArgsIn.add(vg.metadata().id());
            }
            boolean vgTagged = anyTag(vg.metadata().tags());
            Set<String> lvs = new HashSet<>();
            Set<String> found = new HashSet<>();
            for (LvMetadata lv : vg.metadata().lvs()) {
                boolean pick = vgTagged || anyTag(lv.tags());
                if (named.contains(lv.name())) {
                    pick = true;
                    found.add(lv.name());
                }
                if (pick) {
                    lvs.add(lv.name());
                }
            }
            keepLvs.put(vg.metadata().id(), lvs);
            for (String lv : named) {
                if (!found.contains(lv)) {
                    errors.add("Failed to find logical volume \"" + name + "/" + lv + "\"");
                }
            }
        }
        // Hidden LVs pass where LVs were named in their VG (the builder then keeps only the picked ones);
        // not in the segment report, which lvm2 limits to visible LVs unless -a.
        boolean hiddenWhenNamed = !lvNames.isEmpty() && type == ReportType.LV;
        return new Selection(keepVgs, keepLvs, lvArgsIn, List.of(), false, hiddenWhenNamed, all, errors);
    }

    private boolean anyLvTagged(VgView vg) {
        for (LvMetadata lv : vg.metadata().lvs()) {
            if (anyTag(lv.tags())) {
                return true;
            }
        }
        return false;
    }

    private boolean anyTag(List<String> objectTags) {
        if (tags.isEmpty() || objectTags == null) {
            return false;
        }
        for (String t : objectTags) {
            if (tags.contains(t)) {
                return true;
            }
        }
        return false;
    }

    private Selection selectPvs(Assembly a, List<FieldDef> columns, boolean all) {
        Set<String> devices = new HashSet<>();
        Set<String> pvDevices = new HashSet<>();
        for (VgView vg : a.vgs()) {
            for (VgPv pv : vg.pvs()) {
                if (!pv.missing()) {
                    devices.add(pv.device().device());
                    pvDevices.add(pv.device().device());
                }
            }
        }
        for (LoosePv l : a.loosePvs()) {
            devices.add(l.scan().device());
            pvDevices.add(l.scan().device());
        }
        for (DuplicatePv d : a.duplicates()) {
            devices.add(d.scan().device());
            pvDevices.add(d.scan().device());
        }
        for (DeviceScan.NotAPv n : a.nonPvDevices()) {
            devices.add(n.device());
        }
        boolean labels = tags.isEmpty() && columns.stream().allMatch(c -> LABEL_FIELDS.contains(c.id()));
        List<String> errors = new ArrayList<>();
        if (labels) {
            // process_each_label: one row per mention, in the order of the mentions.
            List<String> mentions = new ArrayList<>();
            for (String n : pvNames) {
                if (!devices.contains(n)) {
                    errors.add("Failed to find device \"" + n + "\".");
                } else if (!pvDevices.contains(n)) {
                    errors.add("No physical volume label read from " + n + ".");
                } else {
                    mentions.add(n);
                }
            }
            return new Selection(null, Map.of(), Set.of(), mentions, true, false, false, errors);
        }
        // process_each_pv: each name once (lvm2 keeps its arguments as a set there), each PV once.
        List<String> usable = new ArrayList<>();
        for (String n : new LinkedHashSet<>(pvNames)) {
            if (!devices.contains(n)) {
                errors.add("Cannot use " + n + ": device not found");
            } else {
                usable.add(n);
            }
        }
        List<String> picked = new ArrayList<>();
        List<String> left = new ArrayList<>(usable);
        for (String d : pvDeviceOrder(a)) {
            boolean named = left.remove(d);
            if (named || taggedPv(a, d)) {
                picked.add(d);
            }
        }
        for (String n : left) {
            errors.add("Failed to find physical volume \"" + n + "\".");
        }
        return new Selection(null, Map.of(), Set.of(), picked, true, false, false, errors);
    }

    /** Every PV device once, in a stable order (the order does not show: pvs sorts its rows). */
    private static List<String> pvDeviceOrder(Assembly a) {
        List<String> out = new ArrayList<>();
        for (VgView vg : a.vgs()) {
            for (VgPv pv : vg.pvs()) {
                if (!pv.missing()) {
                    out.add(pv.device().device());
                }
            }
        }
        a.loosePvs().forEach(l -> out.add(l.scan().device()));
        a.duplicates().forEach(d -> out.add(d.scan().device()));
        return out;
    }

    private boolean taggedPv(Assembly a, String device) {
        if (tags.isEmpty()) {
            return false;
        }
        for (VgView vg : a.vgs()) {
            for (VgPv pv : vg.pvs()) {
                if (!pv.missing() && pv.device().device().equals(device) && anyTag(pv.meta().tags())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * What a report keeps of each VG's rows, and lvm2's errors for what the names did not match.
     * The report builder asks {@link #vg}, {@link #all} and {@link #rows}; everything else is for
     * the errors.
     */
    public static final class Selection {
        /** VG UUIDs reported, or null for every VG. */
        private final Set<String> vgUuids;
        /** Per VG UUID, the LV names picked; a VG absent here keeps all its (reportable) LVs. */
        private final Map<String, Set<String>> lvs;
        /** lvs: the VGs (UUIDs) in which LVs were named: there hidden LVs pass like any other. */
        private final Set<String> lvArgsIn;
        /** pvs: the devices whose rows are kept, once per entry (when pvRestricted). */
        private final List<String> pvMentions;
        private final boolean pvRestricted;
        private final boolean hiddenWhenNamed;
        private final boolean all;
        private final List<String> errors;

        Selection(Set<String> vgUuids, Map<String, Set<String>> lvs, Set<String> lvArgsIn, List<String> pvMentions,
                  boolean pvRestricted, boolean hiddenWhenNamed, boolean all, List<String> errors) {
            this.vgUuids = vgUuids;
            this.lvs = lvs;
            this.lvArgsIn = lvArgsIn;
            this.pvMentions = List.copyOf(pvMentions);
            this.pvRestricted = pvRestricted;
            this.hiddenWhenNamed = hiddenWhenNamed;
            this.all = all;
            this.errors = List.copyOf(errors);
        }

        /** Whether the VG with this UUID is reported at all. */
        public boolean vg(String vgUuid) {
            return vgUuids == null || vgUuids.contains(vgUuid);
        }

        /** The {@code -a} the builder should list LVs with: hidden LVs too when LVs were named (they show if named). */
        public boolean all() {
            return all || hiddenWhenNamed;
        }

        /** {@code rows} of one VG (or the loose rows) as the scope keeps them: filtered, PV rows repeated per mention. */
        public List<Row> rows(List<Row> rows) {
            if (vgUuids == null && lvs.isEmpty() && !pvRestricted) {
                return rows;
            }
            List<Row> out = new ArrayList<>();
            if (pvRestricted) {
                Map<String, Integer> count = new HashMap<>();
                pvMentions.forEach(d -> count.merge(d, 1, Integer::sum));
                for (Row r : rows) {
                    if (r.pv() == null || r.pv().kind() == PvEntry.Kind.MISSING || r.pv().kind() == PvEntry.Kind.NOT_PV) {
                        continue;
                    }
                    int n = count.getOrDefault(r.pv().name(), 0);
                    if (r.pvseg() != null) {
                        // pvs --segments: every segment of a named PV, once.
                        if (n > 0) {
                            out.add(r);
                        }
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        out.add(r);
                    }
                    count.remove(r.pv().name());
                }
                return out;
            }
            for (Row r : rows) {
                if (r.vg() != null && !vg(r.vg().metadata().id())) {
                    continue;
                }
                if (r.lv() != null && r.vg() != null) {
                    String vgUuid = r.vg().metadata().id();
                    Set<String> picked = lvs.get(vgUuid);
                    if (picked != null && !picked.contains(r.lv().name())) {
                        continue;
                    }
                    // lvm2 lets a hidden LV through only with -a or where LVs of its VG were named.
                    if (hiddenWhenNamed && !all && !lvArgsIn.contains(vgUuid) && !r.relations().reportableLvs(false).contains(r.lv())) {
                        continue;
                    }
                }
                out.add(r);
            }
            return out;
        }

        /** lvm2's errors, in its order; any fails the command (exit 5). */
        public List<String> errors() {
            return errors;
        }
    }

    private static Set<String> labelFields() {
        Set<String> out = new HashSet<>();
        try (InputStream in = ReportScope.class.getResourceAsStream("lvm2-fields.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] p = line.split("\\|", -1);
                if (p[1].equals("LABEL")) {
                    out.add(p[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the lvm2 field table", e);
        }
        return Set.copyOf(out);
    }
}
