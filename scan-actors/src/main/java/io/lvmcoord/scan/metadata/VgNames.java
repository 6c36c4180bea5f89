package io.lvmcoord.scan.metadata;

/** lvm's rules for VG names: 1-127 characters of {@code a-zA-Z0-9+_.-}, not starting with '-', not "." or "..". */
public final class VgNames {
    private VgNames() {
    }

    public static boolean valid(String name) {
        if (name.isEmpty() || name.length() > 127 || name.charAt(0) == '-' || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '_'
                    || c == '.' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
