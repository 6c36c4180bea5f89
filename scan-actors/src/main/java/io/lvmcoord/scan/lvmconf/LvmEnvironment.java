package io.lvmcoord.scan.lvmconf;

import io.lvmcoord.scan.codec.Decoded;
import io.lvmcoord.scan.codec.Label;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.metadata.ConfigValue;
import io.lvmcoord.scan.metadata.VgMetadata;
import io.lvmcoord.scan.nativeio.BlockDeviceInfo;
import io.lvmcoord.scan.nativeio.DeviceHead;
import io.lvmcoord.scan.nativeio.DeviceNodes;
import io.lvmcoord.scan.nativeio.SysfsBlockDevices;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Everything of lvm2's host configuration that decides what lvm2 shows, read once: the config
 * cascade, how devices are chosen (--devices, the devices file or the filters), the devices
 * file's content, the local system ID, and the dirs whose nodes name devices. Immutable: a
 * reader swaps in a new one when a file changes ({@link #sameSourcesAs} tells whether it did).
 *
 * <p>lvm2 reads these at each command's start; so does direct mode, and the agent at start and
 * after every change in the config dir or its devices/ subdir.
 *
 * @param sources the text of every file read (path to content, absent files omitted), to tell
 *                a real change from a rewrite with the same content
 */
public record LvmEnvironment(Path systemDir, LvmConfig config, DeviceSelection.Mode mode, DeviceSelection.Filters filters,
                             Optional<DevicesFile> devicesFile, LocalSystemId systemId, List<Path> scanDirs,
                             List<String> warnings, Map<String, String> sources) {

    public LvmEnvironment {
        scanDirs = List.copyOf(scanDirs);
        warnings = List.copyOf(warnings);
        sources = Map.copyOf(sources);
    }

    /** Loading gives an environment or the reason lvm2 would refuse to run. */
    public sealed interface Result permits Ready, Failed {
    }

    public record Ready(LvmEnvironment environment) implements Result {
    }

    public record Failed(String reason) implements Result {
    }

    /**
     * Reads the configuration as an lvm2 command with these options would.
     *
     * @param systemDir     LVM_SYSTEM_DIR (see {@link LvmDefaults#systemDir})
     * @param configOverlay {@code --config}, or null
     * @param overrides     {@code --devicesfile} / {@code --devices}
     * @param host          nodename and file reads for the system ID
     */
    public static Result load(Path systemDir, String configOverlay, DeviceSelection.Overrides overrides, LocalSystemId.Host host) {
        Map<String, String> sources = new HashMap<>();
        if (!systemDir.toString().isEmpty()) {
            for (String f : List.of(LvmConfigLoader.LVM_CONF, LvmConfigLoader.LVMLOCAL_CONF)) {
                readText(systemDir.resolve(f)).ifPresent(t -> sources.put(systemDir.resolve(f).toString(), t));
            }
        }
        LvmConfigLoader.Result loaded = LvmConfigLoader.load(systemDir, configOverlay);
        if (loaded instanceof LvmConfigLoader.Failed f) {
            return new Failed(f.reason());
        }
        LvmConfig config = ((LvmConfigLoader.Loaded) loaded).config();
        DeviceSelection.ModeResult modeResult = DeviceSelection.mode(config, systemDir, overrides);
        if (modeResult instanceof DeviceSelection.ModeError e) {
            return new Failed(e.error());
        }
        DeviceSelection.Mode mode = ((DeviceSelection.ModeChosen) modeResult).mode();
        DeviceSelection.FiltersResult filtersResult = DeviceSelection.filters(config);
        if (filtersResult instanceof DeviceSelection.FiltersInvalid i) {
            return new Failed(i.error());
        }
        DeviceSelection.Filters filters = ((DeviceSelection.FiltersCompiled) filtersResult).filters();
        Optional<DevicesFile> devicesFile = Optional.empty();
        if (mode instanceof DeviceSelection.ByDevicesFile byFile) {
            Optional<String> text = readText(byFile.path());
            text.ifPresent(t -> sources.put(byFile.path().toString(), t));
            devicesFile = text.map(DevicesFile::parse);
        }
        LocalSystemId.Host recording = LocalSystemId.host(host.nodename(), path -> {
            LocalSystemId.FileContent c = host.read(path);
            if (c instanceof LocalSystemId.Content t) {
                sources.put(path, t.text());
            }
            return c;
        });
        LocalSystemId systemId = LocalSystemId.resolve(config, recording);
        List<Path> scanDirs = new ArrayList<>();
        for (ConfigValue v : config.array("devices/scan").orElse(List.of())) {
            if (v instanceof ConfigValue.Str s && !s.value().isEmpty()) {
                scanDirs.add(Path.of(s.value()));
            }
        }
        if (config.array("devices/scan").isEmpty()) {
            LvmDefaults.SCAN.forEach(s -> scanDirs.add(Path.of(s)));
        }
        List<String> warnings = new ArrayList<>(config.warnings());
        warnings.addAll(systemId.warnings());
        return new Ready(new LvmEnvironment(systemDir, config, mode, filters, devicesFile, systemId, scanDirs, warnings, sources));
    }

    /** The host's own reads: uname's nodename and plain file reads. */
    public static LocalSystemId.Host osHost() {
        return LocalSystemId.host(nodename(), path -> {
            try {
                return new LocalSystemId.Content(Files.readString(Path.of(path), StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                return new LocalSystemId.ReadError("No such file or directory");
            } catch (IOException e) {
                return new LocalSystemId.ReadError(String.valueOf(e.getMessage()));
            }
        });
    }

    /** uname(2)'s nodename, which the kernel also shows in /proc/sys/kernel/hostname. */
    private static String nodename() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<String> readText(Path p) {
        try {
            return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code other} was read from the same file contents (then nothing changed). */
    public boolean sameSourcesAs(LvmEnvironment other) {
        return sources.equals(other.sources);
    }

    /** The dirs whose changes may change this environment: the config dir and its devices/ subdir. */
    public List<Path> watchedDirs() {
        return systemDir.toString().isEmpty() ? List.of() : List.of(systemDir, systemDir.resolve("devices"));
    }

    /** Judges devices before they are read ({@link DeviceSelection#select}). */
    public DeviceSelection.Selection select(List<DeviceIdentity> devices) {
        return DeviceSelection.select(mode, filters, devicesFile, systemId.id(), devices);
    }

    /** Corrects a devices-file selection with the PVIDs on disk ({@link DeviceSelection#validate}). */
    public DeviceSelection.Selection validate(DeviceSelection.Selection selection, List<DeviceIdentity> devices,
                                              Function<DeviceIdentity, Optional<String>> pvidOf) {
        return DeviceSelection.validate(mode, selection, devicesFile, config, devices, pvidOf);
    }

    /** Whether PVIDs must be read to settle the selection (devname entries in a devices file). */
    public boolean needsPvids() {
        return mode instanceof DeviceSelection.ByDevicesFile && devicesFile.isPresent()
                && devicesFile.get().entries().stream().anyMatch(e -> e.idType().orElse(null) == DeviceIdType.DEVNAME);
    }

    /** lvm2's visibility of a VG on this host ({@link VgVisibility}). */
    public VgVisibility.Decision visibility(VgMetadata vg, VgVisibility.Options options) {
        return VgVisibility.decide(vg, systemId, config,
                new VgVisibility.Options(options.foreign(), options.shared(),
                        config.bool("global/use_lvmlockd", LvmDefaults.USE_LVMLOCKD), options.named()));
    }

    /**
     * lvm2's view of a sysfs device: its names (from the scan of {@link #scanDirs}, preferred
     * first; the kernel node alone when no scanned name leads to it) and its ID attributes.
     */
    public DeviceIdentity identityOf(BlockDeviceInfo d, List<String> scannedNames, Set<String> symlinks) {
        return identity(d, scannedNames, symlinks, preferredNames());
    }

    /** {@code devices/preferred_names} compiled; patterns lvm2 could not parse are left out. */
    public List<Pattern> preferredNames() {
        List<Pattern> out = new ArrayList<>();
        for (ConfigValue v : config.array("devices/preferred_names").orElse(List.of())) {
            if (v instanceof ConfigValue.Str s) {
                RegexFilter.toJava(s.value()).ifPresent(re -> out.add(Pattern.compile(re)));
            }
        }
        return out;
    }

    /** As {@link #identityOf} without devices/preferred_names. */
    public static DeviceIdentity identity(BlockDeviceInfo d, List<String> scannedNames, Set<String> symlinks) {
        return identity(d, scannedNames, symlinks, List.of());
    }

    private static DeviceIdentity identity(BlockDeviceInfo d, List<String> scannedNames, Set<String> symlinks,
                                           List<Pattern> preferred) {
        List<String> names = scannedNames.isEmpty() ? List.of(d.devNode()) : DeviceNames.order(scannedNames, symlinks, preferred);
        DeviceIdentity.Kind kind = d.major() == LOOP_MAJOR ? DeviceIdentity.Kind.LOOP
                : d.major() == MD_MAJOR ? DeviceIdentity.Kind.MD
                : d.deviceMapper() ? DeviceIdentity.Kind.DEVICE_MAPPER : DeviceIdentity.Kind.OTHER;
        BlockDeviceInfo.IdAttributes a = d.ids();
        String dmUuid = a.dmUuid() != null ? a.dmUuid() : d.dmUuid();
        return new DeviceIdentity(names, kind, a.partitionNumber(), Optional.ofNullable(a.wwid()), Optional.ofNullable(a.serial()),
                Optional.ofNullable(dmUuid), Optional.ofNullable(a.mdUuid()), Optional.ofNullable(a.loopBackingFile()));
    }

    /**
     * This host's block devices as lvm2 sees them before reading any: sysfs's devices that have a
     * node under {@link #scanDirs} (lvm2 knows no other), in device-number order, with their names.
     *
     * @param devices  in device-number order (the order lvm2 pairs devices-file entries in)
     * @param sysfs    each device's sysfs record
     * @param warnings lvm2's warnings about scan dirs it cannot use
     */
    public record HostDevices(List<DeviceIdentity> devices, Map<DeviceIdentity, BlockDeviceInfo> sysfs, List<String> warnings) {
        public HostDevices {
            devices = List.copyOf(devices);
            IdentityHashMap<DeviceIdentity, BlockDeviceInfo> copy = new IdentityHashMap<>(sysfs);
            sysfs = Collections.unmodifiableMap(copy);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Lists the host's devices ({@link HostDevices}).
     *
     * @param sysClassBlock usually {@link SysfsBlockDevices#SYS_CLASS_BLOCK}
     * @param keepUnnamed   keep sysfs devices with no node under the scan dirs, named by their kernel
     *                      node (lvm2 would not see them; for fake sysfs trees in tests)
     */
    public HostDevices hostDevices(Path sysClassBlock, boolean keepUnnamed) throws IOException {
        List<BlockDeviceInfo> all = new ArrayList<>(SysfsBlockDevices.list(sysClassBlock));
        all.sort(Comparator.comparingInt(BlockDeviceInfo::major).thenComparingInt(BlockDeviceInfo::minor));
        DeviceNodes nodes = DeviceNodes.scan(scanDirs);
        List<DeviceIdentity> devices = new ArrayList<>();
        Map<DeviceIdentity, BlockDeviceInfo> sysfs = new IdentityHashMap<>();
        for (BlockDeviceInfo d : all) {
            List<String> names = nodes.names(d.major(), d.minor());
            if (names.isEmpty() && !keepUnnamed) {
                continue;
            }
            DeviceIdentity id = identityOf(d, names, nodes.symlinks());
            devices.add(id);
            sysfs.put(id, d);
        }
        return new HostDevices(devices, sysfs, nodes.warnings());
    }

    /** The PVID in a device's label (its first four sectors), empty when none or unreadable: the pvidOf of {@link #validate}. */
    public static Optional<String> pvidOnDevice(DeviceIdentity d) {
        return DeviceHead.read(d.name(), PvDecoder.LABEL_BYTES).flatMap(head -> {
            Decoded<Label> label = Label.find(d.name(), head);
            return label instanceof Decoded.Ok<Label> ok ? Optional.of(ok.value().pvUuid()) : Optional.empty();
        });
    }

    /**
     * The devices lvm2 would use, in device-number order: {@link #select}, then {@link #validate}
     * reading PVIDs when devname entries need them. The selection's warnings are lvm2's.
     */
    public DeviceSelection.Selection chooseDevices(HostDevices host) {
        DeviceSelection.Selection s = select(host.devices());
        return needsPvids() ? validate(s, host.devices(), LvmEnvironment::pvidOnDevice) : s;
    }

    /** Linux's fixed major numbers of loop and md devices. */
    private static final int LOOP_MAJOR = 7;
    private static final int MD_MAJOR = 9;
}
