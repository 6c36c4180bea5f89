package io.lvmcoord.scan.lvmconf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * lvm2's devices file ({@code <LVM_SYSTEM_DIR>/devices/system.devices}, lvmdevices(8)) as lvm2
 * 2.03.16 reads it: lines starting with '#' are comments; {@code SYSTEMID=} and {@code VERSION=}
 * lines; every other line holding both {@code IDTYPE} and {@code IDNAME} is an entry, with
 * optional {@code DEVNAME}, {@code PVID} and {@code PART}. A field's value runs from after its
 * '=' (leading spaces skipped) to the next space; "." or an empty value means unset. Fields are
 * found by their first occurrence anywhere in the line, as lvm2's strstr does.
 *
 * @param systemId the SYSTEMID line's value, if any (lvm2 warns when it differs from the local one)
 * @param version  the VERSION line's value, if any
 */
public record DevicesFile(Optional<String> systemId, Optional<String> version, List<Entry> entries) {

    public DevicesFile {
        entries = List.copyOf(entries);
    }

    /**
     * One entry.
     *
     * @param idType  empty when the IDTYPE is unknown or unset (such an entry matches no device)
     * @param idName  empty when unset
     * @param part    the PART number, 0 for a whole device
     */
    public record Entry(Optional<DeviceIdType> idType, Optional<String> idName, Optional<String> devName,
                        Optional<String> pvid, int part) {
    }

    public static DevicesFile parse(String text) {
        Optional<String> systemId = Optional.empty();
        Optional<String> version = Optional.empty();
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("SYSTEMID")) {
                systemId = Optional.of(field(line, 0));
                continue;
            }
            if (line.startsWith("VERSION")) {
                version = Optional.of(field(line, 0));
                continue;
            }
            int idType = line.indexOf("IDTYPE");
            int idName = line.indexOf("IDNAME");
            if (idType < 0 || idName < 0) {
                continue;
            }
            int devName = line.indexOf("DEVNAME");
            int pvid = line.indexOf("PVID");
            int part = line.indexOf("PART");
            String typeText = field(line, idType);
            entries.add(new Entry(typeText.isEmpty() ? Optional.empty() : DeviceIdType.parse(typeText),
                    set(field(line, idName)), devName < 0 ? Optional.empty() : set(field(line, devName)),
                    pvid < 0 ? Optional.empty() : set(field(line, pvid)), part < 0 ? 0 : atoi(set(field(line, part)).orElse("0"))));
        }
        return new DevicesFile(systemId, version, entries);
    }

    /** The value after the first '=' at or after {@code from}: leading spaces skipped, up to a space. */
    private static String field(String line, int from) {
        int eq = line.indexOf('=', from);
        if (eq < 0) {
            return "";
        }
        int s = eq + 1;
        while (s < line.length() && line.charAt(s) == ' ') {
            s++;
        }
        int e = s;
        while (e < line.length() && line.charAt(e) != ' ' && line.charAt(e) != '\n') {
            e++;
        }
        return line.substring(s, e);
    }

    private static Optional<String> set(String value) {
        return value.isEmpty() || value.charAt(0) == '.' ? Optional.empty() : Optional.of(value);
    }

    /** C's atoi: optional sign and leading digits, 0 when none. */
    private static int atoi(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && v < Integer.MAX_VALUE) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return (int) (neg ? -v : v);
    }
}
