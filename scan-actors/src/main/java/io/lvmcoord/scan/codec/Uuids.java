package io.lvmcoord.scan.codec;

/** lvm's UUIDs: 32 characters from {@code 0-9a-zA-Z!#}, displayed in dash groups 6-4-4-4-4-4-6. */
public final class Uuids {
    private static final int[] GROUPS = {6, 4, 4, 4, 4, 4, 6};

    private Uuids() {
    }

    public static boolean isValidUndashed(String s) {
        if (s.length() != 32) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '!' || c == '#';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static String dashed(String undashed) {
        if (undashed.length() != 32) {
            return undashed;
        }
        StringBuilder sb = new StringBuilder(38);
        int p = 0;
        for (int g = 0; g < GROUPS.length; g++) {
            if (g > 0) {
                sb.append('-');
            }
            sb.append(undashed, p, p + GROUPS[g]);
            p += GROUPS[g];
        }
        return sb.toString();
    }

    public static String undashed(String dashed) {
        return dashed.replace("-", "");
    }
}
