package io.lvmcoord.scan.lvmconf;

import java.util.Optional;

/** The IDTYPE values of lvm2's devices file, spelled as in the file. */
public enum DeviceIdType {
    SYS_WWID("sys_wwid"),
    SYS_SERIAL("sys_serial"),
    DEVNAME("devname"),
    MPATH_UUID("mpath_uuid"),
    CRYPT_UUID("crypt_uuid"),
    LVMLV_UUID("lvmlv_uuid"),
    MD_UUID("md_uuid"),
    LOOP_FILE("loop_file");

    private final String text;

    DeviceIdType(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** The type named {@code text} exactly, or empty for an unknown one (lvm2 then matches nothing with it). */
    public static Optional<DeviceIdType> parse(String text) {
        for (DeviceIdType t : values()) {
            if (t.text.equals(text)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
