package io.lvmcoord.scan.lvmconf;

import io.lvmcoord.scan.metadata.ConfigValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which devices lvm2 would use on this host, from its configuration and command-line options:
 * the {@code --devices} list, else the devices file, else the regex filters.
 *
 * <p>lvm2 2.03.16's order of precedence:
 * <ol>
 * <li>{@code --devices D1,D2}: exactly those devices (by any of their names); the devices file and
 *     both regex filters are not used ("Device not found for X." for a name no device has).</li>
 * <li>The devices file, when {@code --devicesfile NAME} names one, or else when
 *     {@code devices/use_devicesfile} is set ({@code devices/devicesfile}, default system.devices),
 *     under {@code <system dir>/devices/}. {@code --devicesfile ""} turns it off. A devices file
 *     that does not exist is as if none were configured. With a devices file, only devices paired
 *     with an entry are used, and {@code filter}/{@code global_filter} are ignored with lvm2's
 *     "Please remove the lvm.conf ..." warnings when they are set.</li>
 * <li>Otherwise {@code devices/global_filter}, then {@code devices/filter} ({@link RegexFilter}).</li>
 * </ol>
 * lvm2's other filters (type, usable, multipath/md components, partition tables, signatures)
 * stay with {@code DeviceFilter}, which applies after these.
 */
public final class DeviceSelection {

    /**
     * Command-line options that change the device set.
     *
     * @param devicesFile {@code --devicesfile NAME}; "" is lvm2's way to turn the file off
     * @param devicesList {@code --devices}, split at commas; empty when not given
     */
    public record Overrides(Optional<String> devicesFile, List<String> devicesList) {
        public static final Overrides NONE = new Overrides(Optional.empty(), List.of());

        public Overrides {
            devicesList = List.copyOf(devicesList);
        }
    }

    /** How the device set is chosen. */
    public sealed interface Mode permits ByList, ByDevicesFile, ByFilters {
    }

    public record ByList(List<String> names) implements Mode {
    }

    /** @param path the devices file lvm2 reads (it may not exist: then {@link ByFilters} applies) */
    public record ByDevicesFile(Path path) implements Mode {
    }

    public record ByFilters() implements Mode {
    }

    /** The outcome for one device. */
    public sealed interface Verdict permits Used, Unused {
        DeviceIdentity device();
    }

    public record Used(DeviceIdentity device) implements Verdict {
    }

    /** @param reason e.g. "/dev/sdb: rejected by devices/global_filter pattern r|sdb|" */
    public record Unused(DeviceIdentity device, String reason) implements Verdict {
    }

    /** The verdicts, in device order, and lvm2's warnings in the order it prints them. */
    public record Selection(List<Verdict> verdicts, List<String> warnings) {
        public Selection {
            verdicts = List.copyOf(verdicts);
            warnings = List.copyOf(warnings);
        }

        public List<DeviceIdentity> used() {
            return verdicts.stream().filter(v -> v instanceof Used).map(Verdict::device).toList();
        }
    }

    /** Choosing the mode gives it, or lvm2's command-line error. */
    public sealed interface ModeResult permits ModeChosen, ModeError {
    }

    public record ModeChosen(Mode mode) implements ModeResult {
    }

    public record ModeError(String error) implements ModeResult {
    }

    private DeviceSelection() {
    }

    /** Where the devices come from, before looking at any file (lvm2's setup_devices_file). */
    public static ModeResult mode(LvmConfig config, Path systemDir, Overrides overrides) {
        Optional<String> named = overrides.devicesFile();
        if (named.isPresent() && !named.get().isEmpty() && !validName(named.get())) {
            return new ModeError("Invalid devices file name.");
        }
        if (!overrides.devicesList().isEmpty()) {
            if (named.isPresent() && !named.get().isEmpty()) {
                return new ModeError("A --devices list cannot be used with --devicesfile.");
            }
            return new ModeChosen(new ByList(overrides.devicesList()));
        }
        String file;
        if (named.isPresent()) {
            if (named.get().isEmpty()) {
                return new ModeChosen(new ByFilters());
            }
            file = named.get();
        } else {
            if (!config.bool("devices/use_devicesfile", LvmDefaults.USE_DEVICESFILE)) {
                return new ModeChosen(new ByFilters());
            }
            file = config.string("devices/devicesfile", LvmDefaults.DEVICESFILE);
            if (!validName(file)) {
                return new ModeError("Invalid devices file name from config setting \"" + file + "\".");
            }
        }
        if (systemDir.toString().isEmpty()) {
            return new ModeChosen(new ByFilters());
        }
        return new ModeChosen(new ByDevicesFile(systemDir.resolve("devices").resolve(file)));
    }

    /** lvm2's validate_name: a name of [A-Za-z0-9._+-], not starting with '-', not "." or "..", at most 127 bytes. */
    static boolean validName(String n) {
        if (n.isEmpty() || n.length() > 127 || n.charAt(0) == '-' || n.equals(".") || n.equals("..")) {
            return false;
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '.' && c != '_' && c != '-' && c != '+') {
                return false;
            }
        }
        return true;
    }

    /** The compiled global_filter and filter (absent when not set), or lvm2's error. */
    public record Filters(Optional<RegexFilter> global, Optional<RegexFilter> local) {
    }

    public sealed interface FiltersResult permits FiltersCompiled, FiltersInvalid {
    }

    public record FiltersCompiled(Filters filters) implements FiltersResult {
    }

    public record FiltersInvalid(String error) implements FiltersResult {
    }

    public static FiltersResult filters(LvmConfig config) {
        Optional<RegexFilter> global = Optional.empty();
        Optional<RegexFilter> local = Optional.empty();
        Optional<List<ConfigValue>> g = config.array("devices/global_filter");
        if (g.isPresent()) {
            RegexFilter.Result r = RegexFilter.compile(g.get());
            if (r instanceof RegexFilter.Invalid i) {
                return new FiltersInvalid(i.error() + " Failed to create global regex device filter");
            }
            global = Optional.of(((RegexFilter.Compiled) r).filter());
        }
        Optional<List<ConfigValue>> f = config.array("devices/filter");
        if (f.isPresent()) {
            RegexFilter.Result r = RegexFilter.compile(f.get());
            if (r instanceof RegexFilter.Invalid i) {
                return new FiltersInvalid(i.error() + " Failed to create regex device filter");
            }
            local = Optional.of(((RegexFilter.Compiled) r).filter());
        }
        return new FiltersCompiled(new Filters(global, local));
    }

    /**
     * Judges {@code devices} (device-number order) before any is read.
     *
     * @param devicesFile the devices file's content when {@code mode} is {@link ByDevicesFile} and it
     *                    exists; empty otherwise (then the filters apply, as in lvm2)
     * @param localSystemId the local system ID, for the devices file's SYSTEMID check
     */
    public static Selection select(Mode mode, Filters filters, Optional<DevicesFile> devicesFile, Optional<String> localSystemId,
                                   List<DeviceIdentity> devices) {
        List<String> warnings = new ArrayList<>();
        List<Verdict> verdicts = new ArrayList<>();
        if (mode instanceof ByList list) {
            Map<String, DeviceIdentity> byName = new HashMap<>();
            for (DeviceIdentity d : devices) {
                d.names().forEach(n -> byName.putIfAbsent(n, d));
            }
            List<DeviceIdentity> listed = new ArrayList<>();
            for (String n : list.names()) {
                DeviceIdentity d = byName.get(n);
                if (d == null) {
                    warnings.add("Device not found for " + n + ".");
                } else {
                    listed.add(d);
                }
            }
            for (DeviceIdentity d : devices) {
                verdicts.add(listed.contains(d) ? new Used(d) : new Unused(d, d.name() + ": not in the --devices list"));
            }
            return new Selection(verdicts, warnings);
        }
        if (mode instanceof ByDevicesFile byFile && devicesFile.isPresent()) {
            DevicesFile file = devicesFile.get();
            file.systemId().ifPresent(sid -> {
                if (!sid.equals(localSystemId.orElse(""))) {
                    warnings.add("WARNING: devices file has unmatching system id " + (sid.isEmpty() ? "none" : sid)
                            + " vs local " + localSystemId.orElse("none") + ".");
                }
            });
            if (!devices.isEmpty()) {
                if (filters.global().isPresent()) {
                    warnings.add("Please remove the lvm.conf global_filter, it is ignored with the devices file.");
                }
                if (filters.local().isPresent()) {
                    warnings.add("Please remove the lvm.conf filter, it is ignored with the devices file.");
                }
            }
            DevicesFileMatch match = DevicesFileMatch.match(file, devices);
            for (DeviceIdentity d : devices) {
                verdicts.add(match.uses(d) ? new Used(d) : new Unused(d, d.name() + ": not in devices file " + byFile.path()));
            }
            return new Selection(verdicts, warnings);
        }
        for (DeviceIdentity d : devices) {
            verdicts.add(byFilters(d, filters));
        }
        return new Selection(verdicts, warnings);
    }

    /**
     * The name lvm2 reports for a used device: its preferred name, except that a regex filter
     * accepting the device by another of its names moves that name to the front (global_filter
     * first, then filter), as lvm2 does when devices/preferred_names is not set.
     */
    public static String reportedName(Mode mode, Filters filters, DeviceIdentity d, LvmConfig config) {
        String name = d.name();
        if (!(mode instanceof ByFilters) || config.isSet("devices/preferred_names")) {
            return name;
        }
        List<String> names = new ArrayList<>(d.names());
        for (Optional<RegexFilter> f : List.of(filters.global(), filters.local())) {
            if (f.isEmpty()) {
                continue;
            }
            Optional<String> by = f.get().acceptingName(names);
            if (by.isPresent() && !by.get().equals(names.get(0))) {
                names.remove(by.get());
                names.add(0, by.get());
            }
        }
        return names.get(0);
    }

    private static Verdict byFilters(DeviceIdentity d, Filters filters) {
        if (filters.global().isPresent() && filters.global().get().judge(d.names()) instanceof RegexFilter.Rejected r) {
            return new Unused(d, d.name() + ": rejected by devices/global_filter pattern " + r.rule() + " (name " + r.name() + ")");
        }
        if (filters.local().isPresent() && filters.local().get().judge(d.names()) instanceof RegexFilter.Rejected r) {
            return new Unused(d, d.name() + ": rejected by devices/filter pattern " + r.rule() + " (name " + r.name() + ")");
        }
        return new Used(d);
    }

    /**
     * The devices-file selection corrected with the PVIDs on disk ({@link DevicesFileMatch#validate});
     * for other modes, {@code selection} unchanged.
     */
    public static Selection validate(Mode mode, Selection selection, Optional<DevicesFile> devicesFile, LvmConfig config,
                                     List<DeviceIdentity> devices, Function<DeviceIdentity, Optional<String>> pvidOf) {
        if (!(mode instanceof ByDevicesFile byFile) || devicesFile.isEmpty()) {
            return selection;
        }
        String search = config.string("devices/search_for_devnames", LvmDefaults.SEARCH_FOR_DEVNAMES);
        if (!search.equals("none") && !search.equals("auto") && !search.equals("all")) {
            search = LvmDefaults.SEARCH_FOR_DEVNAMES;
        }
        DevicesFileMatch checked = DevicesFileMatch.match(devicesFile.get(), devices).validate(devices, pvidOf, search);
        List<Verdict> verdicts = new ArrayList<>();
        for (DeviceIdentity d : devices) {
            verdicts.add(checked.uses(d) ? new Used(d) : new Unused(d, d.name() + ": not in devices file " + byFile.path()));
        }
        List<String> warnings = new ArrayList<>(selection.warnings());
        warnings.addAll(checked.warnings());
        return new Selection(verdicts, warnings);
    }
}
