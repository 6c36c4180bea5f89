package io.lvmcoord.scan.dm;

import io.lvmcoord.scan.nativeio.DeviceMapper;
import io.lvmcoord.scan.nativeio.LinuxDeviceMapper;
import io.lvmcoord.scan.nativeio.NativeIoException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The live kernel's device-mapper state: the devices {@code DM_LIST_DEVICES} names, each with
 * its state ({@code DM_DEV_STATUS}), its status and table lines ({@code DM_TABLE_STATUS}
 * without and with the table flag) and its read-ahead from sysfs. This is what
 * {@code dmsetup info}, {@code status} and {@code table} print and what lvm2 asks for its
 * kernel fields. A host without device-mapper reads as {@link DmState#NONE}; a device removed
 * between the list and its own ioctls is left out, as dmsetup leaves it out.
 *
 * <p>One read is one pass over the devices, not an atomic snapshot: the kernel offers none. A
 * change racing the read shows up as it would in {@code dmsetup}'s output.
 */
public final class KernelDm implements DmSource {

    private static final Comparator<String> KERNEL_NAME_ORDER = (a, b) ->
            Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final Path sysfsRoot;
    private final DeviceMapper.Opener opener;

    /** The host's device-mapper ({@code /dev/mapper/control}), read-ahead from {@code sysfsRoot} ({@code /sys}). */
    public KernelDm(Path sysfsRoot) {
        this(sysfsRoot, LinuxDeviceMapper::open);
    }

    public KernelDm() {
        this(Path.of("/sys"));
    }

    /** A device-mapper opened by {@code opener} (a fake in tests). */
    public KernelDm(Path sysfsRoot, DeviceMapper.Opener opener) {
        this.sysfsRoot = sysfsRoot;
        this.opener = opener;
    }

    /**
     * A read, and why it is empty when the host has no device-mapper.
     *
     * @param notAvailable "device-mapper not available: /dev/mapper/control: ENOENT (...)" when the
     *                     host has none (then {@code state} is {@link DmState#NONE})
     */
    public record Snapshot(DmState state, Optional<String> notAvailable) {
    }

    @Override
    public DmState read() throws IOException {
        return snapshot().state();
    }

    public Snapshot snapshot() throws IOException {
        try {
            DeviceMapper.Opening opening = opener.open();
            if (opening instanceof DeviceMapper.Opening.NotAvailable na) {
                return new Snapshot(DmState.NONE, Optional.of(na.describe()));
            }
            try (DeviceMapper dm = ((DeviceMapper.Opening.Opened) opening).deviceMapper()) {
                return new Snapshot(read(dm), Optional.empty());
            }
        } catch (NativeIoException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private DmState read(DeviceMapper dm) throws NativeIoException, IOException {
        String version = dm.driverVersion();
        // Kernels since 5.14 list by name already; older ones list in hash order, which dmsetup
        // then prints as it comes. Sorting gives every kernel dmsetup's order on current ones.
        List<String> names = dm.listDevices().stream().map(DeviceMapper.Listed::name).sorted(KERNEL_NAME_ORDER).toList();
        List<DmDevice> devices = new ArrayList<>();
        for (String name : names) {
            Optional<DeviceMapper.Info> info = dm.info(name);
            Optional<DeviceMapper.TableRead> status = info.isPresent() ? dm.tableStatus(name, false) : Optional.empty();
            Optional<DeviceMapper.TableRead> table = status.isPresent() ? dm.tableStatus(name, true) : Optional.empty();
            if (table.isEmpty()) {
                continue;
            }
            DeviceMapper.Info i = info.get();
            devices.add(new DmDevice(name, i.uuid(), i.major(), i.minor(), i.openCount(), i.suspended(), i.readOnly(), i.liveTable(),
                    i.inactiveTable(), lines(name, status.get().targets(), false), lines(name, table.get().targets(), true),
                    readAhead(i.minor()), i.eventNr()));
        }
        return new DmState(version, devices);
    }

    private static List<DmStatusLine> lines(String device, List<DeviceMapper.Target> targets, boolean table) {
        return targets.stream().map(t -> new DmStatusLine(device, t.start(), t.length(), t.type(),
                table ? hideKeys(t.type(), t.params()) : t.params())).toList();
    }

    /**
     * The read-ahead the block layer uses for the device, in sectors ({@code read_ahead_kb} x 2;
     * what {@code BLKRAGET} answers and lvm2 reports as {@code lv_kernel_read_ahead}). A dm
     * device's kernel name is always {@code dm-<minor>}.
     */
    private long readAhead(int minor) throws IOException {
        Path kb = sysfsRoot.resolve("block").resolve("dm-" + minor).resolve("bdi/read_ahead_kb");
        String v;
        try {
            v = Files.readString(kb).strip();
        } catch (NoSuchFileException gone) {
            return DmDevice.UNKNOWN_READ_AHEAD;
        }
        try {
            return Long.parseLong(v) * 2;
        } catch (NumberFormatException e) {
            throw new IOException(kb + ": expected a number of KiB, found \"" + v + "\"");
        }
    }

    /**
     * A table line with its secrets replaced by zeros, as {@code dmsetup table} shows it without
     * {@code --showkeys}: a {@code crypt} key (the second field; a kernel keyring reference,
     * ":...", is no secret) and the keys of {@code integrity}'s {@code internal_hash:},
     * {@code journal_crypt:} and {@code journal_mac:}. Keys are never needed here, and a
     * capture is a file others read.
     */
    static String hideKeys(String target, String params) {
        char[] p = params.toCharArray();
        if (target.equals("crypt")) {
            int c = params.indexOf(' ');
            if (c >= 0 && c + 1 < p.length && p[c + 1] != ':') {
                zeroWord(p, c + 1);
            }
        } else if (target.equals("integrity")) {
            for (String key : List.of("internal_hash:", "journal_crypt:", "journal_mac:")) {
                int at = params.indexOf(key);
                if (at < 0) {
                    continue;
                }
                // algorithm[:key]: only what follows a colon before the next blank is a key.
                int i = at + key.length();
                while (i < p.length && p[i] != ' ' && p[i] != ':') {
                    i++;
                }
                if (i < p.length && p[i] == ':') {
                    zeroWord(p, i + 1);
                }
            }
        }
        return new String(p);
    }

    private static void zeroWord(char[] p, int from) {
        for (int i = from; i < p.length && p[i] != ' '; i++) {
            p[i] = '0';
        }
    }
}
