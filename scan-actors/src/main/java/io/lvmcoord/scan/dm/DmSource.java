package io.lvmcoord.scan.dm;

import java.io.IOException;

/**
 * Where a host's device-mapper state comes from: the live kernel (the DM ioctls on
 * {@code /dev/mapper/control} plus sysfs) or a recording ({@link DmRecording}). Callers read a whole
 * state at once so that the devices of one LV are seen at one moment.
 */
public interface DmSource {
    DmState read() throws IOException;
}
