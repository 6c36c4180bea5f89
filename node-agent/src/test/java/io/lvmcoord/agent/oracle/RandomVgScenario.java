package io.lvmcoord.agent.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One random volume group, built with the real lvm2 from a seed.
 *
 * <p>The device layout (how many PVs, their sizes, metadata areas, the VG name and extent size)
 * is fixed by the seed alone, so the loop devices can be attached before lvm2 runs. The
 * operations that follow (linear and striped LV creates, removals, extensions, lvchange flags,
 * tags, vgextend/vgreduce, VG allocation policy, vgexport) are drawn
 * from the same random stream, but their sizes are chosen from the free space lvm2 reports at
 * that moment: lvm2's allocator decides where extents go, and asking it is the only way to never
 * request more than fits. Given the same seed and the same lvm2 version the command sequence is
 * therefore identical, and every command is logged, so a failure can be replayed.
 */
final class RandomVgScenario {

    enum Role { VG_MEMBER, ORPHAN_PV, BLANK }

    /**
     * One device of the scenario.
     *
     * @param metadataCopies 0, 1 or 2 ({@code pvcreate --pvmetadatacopies}); 0 for a blank device
     * @param metadataSize {@code pvcreate --metadatasize}, empty for lvm2's default
     */
    record DeviceSpec(String label, long sizeBytes, Role role, int metadataCopies, Optional<String> metadataSize) {}

    private static final int MIN_DEVICE_MIB = 16;
    private static final int MAX_DEVICE_MIB = 96;
    private static final int MAX_PVS = 4;
    private static final int MAX_LVS = 8;
    private static final List<Optional<String>> METADATA_SIZES =
            List.of(Optional.empty(), Optional.of("64k"), Optional.of("512k"), Optional.of("2m"));
    private static final int[] EXTENT_MIB = {1, 2, 4};
    private static final int[] STRIPE_KIB = {4, 8, 16, 32, 64};
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String TAG_CHARS = ALNUM + "_+.-";
    /** Legal in lvm2 tags but special elsewhere (path, key=value, metadata comment). */
    private static final String TAG_ODD_CHARS = "/:=#";
    private static final String[] LV_STEMS = {"lv", "data", "log", "db", "vol", "scratch", "x"};
    private static final String[] ALLOC_POLICIES = {"anywhere", "cling", "contiguous"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private enum Op { CREATE_LV, REMOVE_LV, EXTEND_LV, CHANGE_LV, TAG_LV, UNTAG_LV, TAG_VG, TAG_PV, EXTEND_VG }

    private final int index;
    private final long seed;
    private final SplittableRandom random;
    private final String vgName;
    private final int extentMiB;
    private final List<DeviceSpec> devices;

    private RandomVgScenario(int index, long seed) {
        this.index = index;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.vgName = "ovg" + index + (chance(0.4) ? oneOf("-", ".", "+", "_") + word(1 + random.nextInt(4)) : "");
        this.extentMiB = EXTENT_MIB[random.nextInt(EXTENT_MIB.length)];
        this.devices = layout();
    }

    static RandomVgScenario generate(int index, long seed) {
        return new RandomVgScenario(index, seed);
    }

    private List<DeviceSpec> layout() {
        List<DeviceSpec> result = new ArrayList<>();
        int pvCount = 1 + random.nextInt(MAX_PVS);
        for (int i = 0; i < pvCount; i++) {
            int copies = random.nextInt(3);
            result.add(new DeviceSpec("pv" + i, deviceSize(), Role.VG_MEMBER, copies, metadataSizeFor(copies)));
        }
        // lvm2 can only find a VG through a metadata area; a VG of mda-less PVs would be invisible.
        if (result.stream().noneMatch(d -> d.metadataCopies() > 0)) {
            DeviceSpec first = result.get(0);
            result.set(0, new DeviceSpec(first.label(), first.sizeBytes(), Role.VG_MEMBER, 1, metadataSizeFor(1)));
        }
        if (chance(0.35)) {
            int copies = random.nextInt(3);
            result.add(new DeviceSpec("orphan", deviceSize(), Role.ORPHAN_PV, copies, metadataSizeFor(copies)));
        }
        if (chance(0.3)) {
            result.add(new DeviceSpec("blank", deviceSize(), Role.BLANK, 0, Optional.empty()));
        }
        shuffle(result); // attach order decides loop numbers, and so the order lvm2 reports in
        return List.copyOf(result);
    }

    private long deviceSize() {
        long bytes = (long) (MIN_DEVICE_MIB + random.nextInt(MAX_DEVICE_MIB - MIN_DEVICE_MIB + 1)) << 20;
        // Sometimes not a whole MiB, so pv_size/dev_size rounding shows up in the reports.
        return chance(0.3) ? bytes + 4096L * random.nextInt(256) : bytes;
    }

    private Optional<String> metadataSizeFor(int copies) {
        return copies == 0 ? Optional.empty() : METADATA_SIZES.get(random.nextInt(METADATA_SIZES.size()));
    }

    List<DeviceSpec> devices() {
        return devices;
    }

    long seed() {
        return seed;
    }

    int index() {
        return index;
    }

    String vgName() {
        return vgName;
    }

    String describe() {
        StringBuilder sb = new StringBuilder("scenario " + index + " seed " + seed + ": vg " + vgName
                + ", extent " + extentMiB + "m, devices");
        for (DeviceSpec d : devices) {
            sb.append(' ').append(d.label()).append('[').append(d.role()).append(", ")
                    .append(d.sizeBytes() >> 20).append("MiB");
            if (d.sizeBytes() % (1 << 20) != 0) {
                sb.append('+').append((d.sizeBytes() % (1 << 20)) >> 10).append("KiB");
            }
            if (d.role() != Role.BLANK) {
                sb.append(", mdas ").append(d.metadataCopies()).append(", mdasize ")
                        .append(d.metadataSize().orElse("default"));
            }
            sb.append(']');
        }
        return sb.toString();
    }

    /** State of the LVs this scenario created and has not removed (name -> stripe count). */
    private final Map<String, Integer> lvs = new LinkedHashMap<>();
    private final Map<String, Set<String>> tagsByObject = new HashMap<>();
    /**
     * lvchange settings already applied per LV: lvm2 fails (exit 5) when asked to set what is
     * already set ("is already read only", "Allocation policy ... is already anywhere").
     */
    private final Map<String, Set<String>> lvSettings = new HashMap<>();
    private int lvSerial;

    /**
     * Runs the scenario's lvm2 commands.
     *
     * @param paths the loop device of each {@link #devices()} entry, same order
     * @param log receives decisions worth knowing when replaying (the commands themselves are logged by {@code lvm})
     */
    void build(Lvm2 lvm, List<String> paths, Consumer<String> log) {
        if (paths.size() != devices.size()) {
            throw new IllegalArgumentException("need one device per spec: " + paths + " vs " + devices);
        }
        log.accept("# " + describe());
        List<String> members = new ArrayList<>();
        String orphan = null;
        for (int i = 0; i < devices.size(); i++) {
            DeviceSpec d = devices.get(i);
            switch (d.role()) {
                case VG_MEMBER -> {
                    pvcreate(lvm, d, paths.get(i));
                    members.add(paths.get(i));
                }
                case ORPHAN_PV -> orphan = paths.get(i);
                case BLANK -> { } // attached and left untouched: pvs -a must list it as a non-PV device
            }
        }
        // Some PVs join at vgcreate, the rest later with vgextend. The first group must hold a
        // metadata area: lvm2 finds a VG only through one.
        int initial = 1 + random.nextInt(members.size());
        List<String> inVg = new ArrayList<>(members.subList(0, initial));
        List<String> pending = new ArrayList<>(members.subList(initial, members.size()));
        if (inVg.stream().noneMatch(p -> specOf(paths, p).metadataCopies() > 0)) {
            String withMda = pending.stream().filter(p -> specOf(paths, p).metadataCopies() > 0).findFirst().orElseThrow();
            int swap = random.nextInt(inVg.size());
            pending.set(pending.indexOf(withMda), inVg.get(swap));
            inVg.set(swap, withMda);
        }
        vgcreate(lvm, inVg);

        List<Op> ops = plan(pending.size(), inVg.size() + pending.size());
        for (Op op : ops) {
            switch (op) {
                case CREATE_LV -> createLv(lvm, inVg);
                case REMOVE_LV -> removeLv(lvm);
                case EXTEND_LV -> extendLv(lvm, inVg);
                case CHANGE_LV -> changeLv(lvm);
                case TAG_LV -> tagLv(lvm, "--addtag");
                case UNTAG_LV -> tagLv(lvm, "--deltag");
                case TAG_VG -> addTag(lvm, "vgchange", vgName);
                case TAG_PV -> addTag(lvm, "pvchange", inVg.get(random.nextInt(inVg.size())));
                case EXTEND_VG -> {
                    String pv = pending.remove(0);
                    lvm.change("vgextend", List.of(vgName, pv));
                    inVg.add(pv);
                }
            }
        }
        if (chance(0.2)) {
            vgreduce(lvm, inVg, paths);
        }
        if (orphan != null) {
            pvcreate(lvm, specOf(paths, orphan), orphan);
        }
        // Policy and resizeable flag last: "contiguous" could make the allocations above fail.
        if (chance(0.25)) {
            lvm.change("vgchange", List.of("--alloc", ALLOC_POLICIES[random.nextInt(ALLOC_POLICIES.length)], vgName));
        }
        if (chance(0.1)) {
            lvm.change("vgchange", List.of("--resizeable", "n", vgName));
        }
        // Exported last: lvm2 refuses most changes to an exported VG.
        if (chance(0.08)) {
            lvm.change("vgexport", List.of(vgName));
        }
    }

    private DeviceSpec specOf(List<String> paths, String path) {
        return devices.get(paths.indexOf(path));
    }

    private List<Op> plan(int pendingPvs, int totalPvs) {
        List<Op> ops = new ArrayList<>();
        int lvTarget = random.nextInt(MAX_LVS + 1);
        repeat(ops, Op.CREATE_LV, lvTarget);
        repeat(ops, Op.REMOVE_LV, lvTarget == 0 ? 0 : random.nextInt(Math.min(3, lvTarget) + 1));
        repeat(ops, Op.EXTEND_LV, random.nextInt(4));
        repeat(ops, Op.CHANGE_LV, random.nextInt(3));
        repeat(ops, Op.TAG_LV, random.nextInt(3));
        repeat(ops, Op.UNTAG_LV, random.nextInt(2));
        repeat(ops, Op.TAG_VG, random.nextInt(3));
        repeat(ops, Op.TAG_PV, random.nextInt(Math.min(3, totalPvs) + 1));
        repeat(ops, Op.EXTEND_VG, pendingPvs);
        shuffle(ops);
        return ops;
    }

    private static void repeat(List<Op> ops, Op op, int times) {
        for (int i = 0; i < times; i++) {
            ops.add(op);
        }
    }

    private void pvcreate(Lvm2 lvm, DeviceSpec d, String path) {
        List<String> args = new ArrayList<>();
        // copies == 1 is lvm2's default: leave it implicit half of the time to exercise the default path too
        if (d.metadataCopies() != 1 || chance(0.5)) {
            args.addAll(List.of("--pvmetadatacopies", Integer.toString(d.metadataCopies())));
        }
        d.metadataSize().ifPresent(size -> args.addAll(List.of("--metadatasize", size)));
        args.add(path);
        lvm.change("pvcreate", args);
    }

    private void vgcreate(Lvm2 lvm, List<String> pvs) {
        List<String> args = new ArrayList<>(List.of("-s", extentMiB + "m"));
        for (int i = random.nextInt(3); i > 0; i--) {
            args.addAll(List.of("--addtag", newTag(vgName)));
        }
        if (chance(0.15)) {
            args.addAll(List.of("--vgmetadatacopies", oneOf("1", "2", "all")));
        }
        if (chance(0.15)) {
            args.addAll(List.of("--maxlogicalvolumes", Integer.toString(16 + random.nextInt(240)),
                    "--maxphysicalvolumes", Integer.toString(MAX_PVS + random.nextInt(60))));
        }
        args.add(vgName);
        args.addAll(pvs);
        lvm.change("vgcreate", args);
    }

    private void createLv(Lvm2 lvm, List<String> inVg) {
        Map<String, Long> free = freeExtents(lvm);
        long total = free.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return; // VG full: a skipped create is still a valid scenario
        }
        String name = newLvName();
        List<String> args = new ArrayList<>(List.of("-an", "-Zn", "-y", "-n", name));
        for (int i = chance(0.4) ? 1 + random.nextInt(2) : 0; i > 0; i--) {
            args.addAll(List.of("--addtag", newTag(vgName + "/" + name)));
        }
        int stripes = inVg.size() >= 2 && chance(0.35) ? 2 + random.nextInt(Math.min(inVg.size(), 3) - 1) : 1;
        long perStripeRoom = stripes == 1 ? 0 : free.values().stream().sorted(Comparator.reverseOrder())
                .skip(stripes - 1).findFirst().orElse(0L);
        String onPv = null;
        if (stripes > 1 && perStripeRoom > 0) {
            // Each stripe needs its own PV: the stripes-th fullest-free PV bounds the stripe length.
            long perStripe = 1 + random.nextLong(Math.max(1, perStripeRoom / 2 + 1));
            args.addAll(List.of("-i", Integer.toString(stripes),
                    "-I", STRIPE_KIB[random.nextInt(STRIPE_KIB.length)] + "k",
                    "-l", Long.toString(perStripe * stripes)));
        } else {
            stripes = 1;
            long room = total;
            if (chance(0.25)) {
                List<String> withRoom = free.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toList();
                onPv = withRoom.get(random.nextInt(withRoom.size()));
                room = free.get(onPv);
            }
            long extents = chance(0.2) ? 1 + random.nextLong(room) : 1 + random.nextLong(Math.max(1, room / 3));
            args.addAll(sizeArgs(extents));
        }
        args.add(vgName);
        if (onPv != null) {
            args.add(onPv); // lvcreate takes the PVs to allocate from after the VG name
        }
        lvm.change("lvcreate", args);
        lvs.put(name, stripes);
    }

    /** -l in extents, or -L in m/k (k not extent-aligned, so lvm2 has to round up to the same extent count). */
    private List<String> sizeArgs(long extents) {
        double pick = random.nextDouble();
        if (pick < 0.3) {
            long kib = extents * extentMiB * 1024L - random.nextInt(extentMiB * 1024);
            return List.of("-L", kib + "k");
        }
        if (pick < 0.5) {
            return List.of("-L", extents * extentMiB + "m");
        }
        return List.of("-l", Long.toString(extents));
    }

    private void removeLv(Lvm2 lvm) {
        if (lvs.isEmpty()) {
            return;
        }
        String name = List.copyOf(lvs.keySet()).get(random.nextInt(lvs.size()));
        lvm.change("lvremove", List.of("-y", vgName + "/" + name));
        lvs.remove(name);
        tagsByObject.remove(vgName + "/" + name);
        lvSettings.remove(name);
    }

    /** Grows a linear LV; after removals this is what produces multi-segment LVs. */
    private void extendLv(Lvm2 lvm, List<String> inVg) {
        // cling LVs may only grow on PVs they already use, so free space elsewhere would not do.
        List<String> linear = lvs.entrySet().stream().filter(e -> e.getValue() == 1)
                .map(Map.Entry::getKey)
                .filter(lv -> !lvSettings.getOrDefault(lv, Set.of()).contains("--alloc cling"))
                .toList();
        if (linear.isEmpty()) {
            return;
        }
        Map<String, Long> free = freeExtents(lvm);
        long total = free.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return;
        }
        String name = linear.get(random.nextInt(linear.size()));
        List<String> args = new ArrayList<>();
        long room = total;
        String onPv = null;
        if (chance(0.3)) {
            List<String> withRoom = inVg.stream().filter(p -> free.getOrDefault(p, 0L) > 0).toList();
            onPv = withRoom.get(random.nextInt(withRoom.size()));
            room = free.get(onPv);
        }
        args.addAll(List.of("-l", "+" + (1 + random.nextLong(Math.max(1, room / 3))), vgName + "/" + name));
        if (onPv != null) {
            args.add(onPv);
        }
        lvm.change("lvextend", args);
    }

    /** Metadata-only LV flags that show up in lv_attr: permission, allocation policy, activation skip. */
    private void changeLv(Lvm2 lvm) {
        if (lvs.isEmpty()) {
            return;
        }
        String name = List.copyOf(lvs.keySet()).get(random.nextInt(lvs.size()));
        Set<String> applied = lvSettings.computeIfAbsent(name, n -> new LinkedHashSet<>());
        List<List<String>> candidates = new ArrayList<>();
        for (List<String> option : List.of(List.of("--permission", "r"), List.of("--setactivationskip", "y"),
                List.of("--alloc", "anywhere"), List.of("--alloc", "cling"), List.of("--alloc", "normal"))) {
            if (!applied.contains(String.join(" ", option))) {
                candidates.add(option);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        List<String> option = candidates.get(random.nextInt(candidates.size()));
        List<String> args = new ArrayList<>(option);
        args.add(vgName + "/" + name);
        lvm.change("lvchange", args);
        if (option.get(0).equals("--alloc")) {
            applied.removeIf(s -> s.startsWith("--alloc "));
        }
        applied.add(String.join(" ", option));
    }

    private void tagLv(Lvm2 lvm, String option) {
        if (lvs.isEmpty()) {
            return;
        }
        String lv = vgName + "/" + List.copyOf(lvs.keySet()).get(random.nextInt(lvs.size()));
        if (option.equals("--deltag")) {
            Set<String> tags = tagsByObject.getOrDefault(lv, Set.of());
            if (tags.isEmpty()) {
                return;
            }
            String tag = List.copyOf(tags).get(random.nextInt(tags.size()));
            lvm.change("lvchange", List.of("--deltag", tag, lv));
            tags.remove(tag);
        } else {
            lvm.change("lvchange", List.of("--addtag", newTag(lv), lv));
        }
    }

    private void addTag(Lvm2 lvm, String command, String object) {
        lvm.change(command, List.of("--addtag", newTag(object), object));
    }

    /** Takes out a PV that holds no extents, keeping at least one metadata area in the VG. */
    private void vgreduce(Lvm2 lvm, List<String> inVg, List<String> paths) {
        if (inVg.size() < 2) {
            return;
        }
        Map<String, long[]> pvs = pvState(lvm);
        for (String pv : inVg) {
            long[] state = pvs.get(pv);
            boolean empty = state != null && state[1] == 0;
            boolean othersHaveMda = inVg.stream().filter(p -> !p.equals(pv)).anyMatch(p -> specOf(paths, p).metadataCopies() > 0);
            if (empty && othersHaveMda) {
                lvm.change("vgreduce", List.of(vgName, pv));
                inVg.remove(pv);
                tagsByObject.remove(pv); // PV tags live in the VG metadata and go with it
                return;
            }
        }
    }

    /** Free extents of each PV in the VG, as lvm2 sees them now. */
    private Map<String, Long> freeExtents(Lvm2 lvm) {
        Map<String, Long> free = new LinkedHashMap<>();
        pvState(lvm).forEach((pv, s) -> free.put(pv, s[0] - s[1]));
        return free;
    }

    /** pv path -> {pe count, allocated pe count} for the PVs of this scenario's VG. */
    private Map<String, long[]> pvState(Lvm2 lvm) {
        Lvm2.Report report = lvm.report(List.of("pvs", "--devices", lvm.deviceList(), "--reportformat", "json",
                "--units", "b", "--nosuffix", "-o", "pv_name,vg_name,pv_pe_count,pv_pe_alloc_count"));
        report.raw().orThrow();
        Map<String, long[]> state = new LinkedHashMap<>();
        try {
            for (JsonNode row : JSON.readTree(report.json()).path("report").path(0).path("pv")) {
                if (row.path("vg_name").asText().equals(vgName)) {
                    state.put(row.path("pv_name").asText(), new long[] {
                            Long.parseLong(row.path("pv_pe_count").asText()),
                            Long.parseLong(row.path("pv_pe_alloc_count").asText())});
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("lvm2 pvs printed no JSON: " + report.json(), e);
        }
        return state;
    }

    private String newLvName() {
        String stem = LV_STEMS[random.nextInt(LV_STEMS.length)];
        // '-' must be doubled in dm names (lv_dm_path); '.' and '+' are legal and rarely seen.
        String suffix = chance(0.4) ? oneOf("-", ".", "+") + word(1 + random.nextInt(6)) : "";
        return stem + (lvSerial++) + suffix;
    }

    /** A fresh tag for {@code object}; never one it already has (lvm2 would refuse or no-op). */
    private String newTag(String object) {
        Set<String> tags = tagsByObject.computeIfAbsent(object, o -> new LinkedHashSet<>());
        String tag;
        do {
            StringBuilder sb = new StringBuilder();
            sb.append(ALNUM.charAt(random.nextInt(ALNUM.length()))); // no leading '-': it would read as an option
            for (int i = random.nextInt(12); i > 0; i--) {
                sb.append(TAG_CHARS.charAt(random.nextInt(TAG_CHARS.length())));
            }
            if (chance(0.3)) {
                sb.insert(1 + random.nextInt(sb.length()), TAG_ODD_CHARS.charAt(random.nextInt(TAG_ODD_CHARS.length())));
            }
            tag = sb.toString();
        } while (!tags.add(tag));
        return tag;
    }

    private String word(int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(ALNUM.charAt(random.nextInt(ALNUM.length())));
        }
        return sb.toString();
    }

    private String oneOf(String... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    private <T> void shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            list.set(i, list.set(j, list.get(i)));
        }
    }
}
