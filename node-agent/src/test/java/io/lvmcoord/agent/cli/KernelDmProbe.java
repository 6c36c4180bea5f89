package io.lvmcoord.agent.cli;

import io.lvmcoord.scan.dm.DmDevice;
import io.lvmcoord.scan.dm.DmState;
import io.lvmcoord.scan.dm.KernelDm;

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
        KernelDm.Snapshot s = new KernelDm(Path.of(args.length > 0 ? args[0] : "/sys")).snapshot();
        if (s.notAvailable().isPresent()) {
            System.err.println(s.notAvailable().get());
            System.exit(1);
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
