package io.lvmcoord.scan.lvmconf;

import java.nio.file.Path;
import java.util.List;

/**
 * The built-in values of the settings lvmcoord reads, as Debian's lvm2 2.03.16 reports them
 * ({@code lvmconfig --type default}), and the environment variable that moves the config dir.
 */
public final class LvmDefaults {
    /** Where lvm.conf, lvmlocal.conf and devices/ live unless LVM_SYSTEM_DIR says otherwise. */
    public static final Path SYSTEM_DIR = Path.of("/etc/lvm");
    public static final String SYSTEM_DIR_ENV = "LVM_SYSTEM_DIR";
    public static final boolean USE_DEVICESFILE = false;
    public static final String DEVICESFILE = "system.devices";
    public static final List<String> SCAN = List.of("/dev");
    public static final String DEV_DIR = "/dev";
    public static final String SEARCH_FOR_DEVNAMES = "auto";
    public static final String SYSTEM_ID_SOURCE = "none";
    public static final String ETC = "/etc";
    public static final boolean USE_LVMLOCKD = false;

    private LvmDefaults() {
    }

    /** The config dir lvm2 uses: LVM_SYSTEM_DIR when set (empty means no config files at all), else /etc/lvm. */
    public static Path systemDir(String lvmSystemDirEnv) {
        return lvmSystemDirEnv == null ? SYSTEM_DIR : Path.of(lvmSystemDirEnv);
    }
}
