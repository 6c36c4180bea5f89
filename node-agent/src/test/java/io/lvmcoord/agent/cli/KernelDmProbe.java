package io.lvmcoord.agent.cli;

import io.lvmcoord.scan.dm.DmDevice;
import io.lvmcoord.scan.dm.DmState;
import io.lvmcoord.scan.dm.KernelDm;
import io.lvmcoord.scan.nativeio.DmIoctl;
import io.lvmcoord.scan.nativeio.LinuxDeviceMapper;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Run inside a vmlab guest by {@link KernelStateInVmTest}: prints what {@link KernelDm} reads from
 * the guest's kernel, one device per line, in {@link #describe}'s form, so that the host compares
 * it with the same form of {@code DmRecording.read} of the dmsetup output taken beside it.
 */
public final class KernelDmProbe {
    private KernelDmProbe() {
    }

    public static void main(String[] args) throws IOException {
        Path sysfs = Path.of(args.length > 0 ? args[0] : "/sys");
        KernelDm.Snapshot s = new KernelDm(sysfs).snapshot();
        if (s.notAvailable().isPresent()) {
            System.err.println(s.notAvailable().get());
            System.exit(1);
        }
        // Again with buffers of the bare header: every list and table answer comes back "buffer full"
        // first, so the doubling retry runs against the real kernel and must end at the same state.
        DmState retried = new KernelDm(sysfs, () -> LinuxDeviceMapper.open(LinuxDeviceMapper.CONTROL, DmIoctl.HEADER_SIZE)).read();
        if (!retried.equals(s.state())) {
            System.err.println("read with " + DmIoctl.HEADER_SIZE + "-byte first buffers differs:\n" + describe(retried));
            System.exit(2);
        }
        System.out.print(describe(s.state()));
    }

    /** The driver version, then each device's record (statuses, tables and all) on its own line. */
    static String describe(DmState state) {
        StringBuilder out = new StringBuilder("driver " + state.driverVersion() + "\n");
        for (DmDevice d : state.devices()) {
            out.append(d).append('\n');
        }
        return out.toString();
    }
}
