package io.lvmcoord.scan;

import io.lvmcoord.scan.nativeio.BlockDeviceInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides which block devices are scanned for PVs: the operator's accept and reject patterns on
 * the kernel name, then rules that hold whatever the patterns say. A device of size 0 has
 * nothing to read. LVM's own LVs hold PVs only when stacked (off unless scan-lvs). A component
 * of an md array or a multipath map carries the same PV label as the array or map built on it,
 * so scanning both would report duplicate PVs; only the holder is scanned. Those last rules need
 * the holders' own info, which is why the filter judges the whole device list at once.
 */
public final class DeviceFilter {
    private static final String LVM_UUID_PREFIX = "LVM-";
    private static final String MULTIPATH_UUID_PREFIX = "mpath-";
    private static final Pattern MD_NAME = Pattern.compile("^md[0-9_]");

    private final List<Pattern> accept;
    private final List<Pattern> reject;
    private final boolean scanLvs;

    /** A device and whether it is scanned. */
    public sealed interface Verdict permits Accepted, Rejected {
        BlockDeviceInfo device();
    }

    public record Accepted(BlockDeviceInfo device) implements Verdict {
    }

    /** @param reason starts with the device name, e.g. "sdb: multipath component of dm-3 (mpath-3600...)" */
    public record Rejected(BlockDeviceInfo device, String reason) implements Verdict {
    }

    private DeviceFilter(List<Pattern> accept, List<Pattern> reject, boolean scanLvs) {
        this.accept = accept;
        this.reject = reject;
        this.scanLvs = scanLvs;
    }

    public static DeviceFilter from(DiscoverySettings settings) {
        return new DeviceFilter(settings.acceptPatterns(), settings.rejectPatterns(), settings.scanLvs());
    }

    /** One verdict per device, in the order given. */
    public List<Verdict> judge(List<BlockDeviceInfo> devices) {
        Map<String, BlockDeviceInfo> byName = new HashMap<>();
        for (BlockDeviceInfo d : devices) {
            byName.put(d.name(), d);
        }
        List<Verdict> verdicts = new ArrayList<>(devices.size());
        for (BlockDeviceInfo d : devices) {
            verdicts.add(rejection(d, byName).<Verdict>map(reason -> new Rejected(d, reason)).orElse(new Accepted(d)));
        }
        return verdicts;
    }

    /** The devices to scan, in the order given. */
    public List<BlockDeviceInfo> accepted(List<BlockDeviceInfo> devices) {
        return judge(devices).stream().filter(v -> v instanceof Accepted).map(Verdict::device).toList();
    }

    /**
     * Why {@code device} is not scanned, or empty when it is. {@code byName} holds the other
     * devices (at least its holders) for the component rules.
     */
    public Optional<String> rejection(BlockDeviceInfo device, Map<String, BlockDeviceInfo> byName) {
        String name = device.name();
        if (!accept.isEmpty() && accept.stream().noneMatch(p -> p.matcher(name).find())) {
            return Optional.of(name + ": matches no lvmcoord.discovery.accept pattern " + accept);
        }
        for (Pattern p : reject) {
            if (p.matcher(name).find()) {
                return Optional.of(name + ": rejected by lvmcoord.discovery.reject pattern " + p);
            }
        }
        if (device.sizeBytes() == 0) {
            return Optional.of(name + ": size 0 (no medium, or a loop device with no backing file)");
        }
        if (!scanLvs && device.dmUuid() != null && device.dmUuid().startsWith(LVM_UUID_PREFIX)) {
            return Optional.of(name + ": LVM logical volume " + device.dmName() + " (" + device.dmUuid()
                    + "; scan-lvs is off)");
        }
        for (String holder : device.holders()) {
            if (MD_NAME.matcher(holder).find()) {
                return Optional.of(name + ": md component of " + holder);
            }
            BlockDeviceInfo h = byName.get(holder);
            if (h != null && h.dmUuid() != null && h.dmUuid().startsWith(MULTIPATH_UUID_PREFIX)) {
                return Optional.of(name + ": multipath component of " + holder + " (" + h.dmUuid() + ")");
            }
        }
        return Optional.empty();
    }
}
