package io.lvmcoord.scan.lvmconf;

import io.lvmcoord.scan.metadata.ConfigValue;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * This host's lvm2 system ID (lvmsystemid(7)), resolved as lvm2 2.03.16 does at command start
 * from {@code global/system_id_source}:
 * <ul>
 * <li>{@code none} (default): no system ID;</li>
 * <li>{@code lvmlocal}: {@code local/system_id};</li>
 * <li>{@code uname}: the kernel's nodename;</li>
 * <li>{@code machineid} / {@code machine-id}: the first line of {@code <global/etc>/machine-id};</li>
 * <li>{@code appmachineid}: systemd's application-specific ID of the machine ID for lvm2's
 *     application ID (HMAC-SHA256 keyed with the machine ID, made a v4 UUID);</li>
 * <li>{@code file}: the first non-comment line of {@code global/system_id_file}.</li>
 * </ul>
 * Source names compare without case. A value keeps only [A-Za-z0-9._+-] (leading
 * non-alphanumerics dropped), at most 128 characters, and may not start with "localhost". When
 * the source gives nothing, the ID is unknown: VGs without a system ID stay usable, those with
 * one become inaccessible.
 *
 * @param id       the system ID, empty when none or unknown
 * @param unknown  a source was configured but gave no ID
 * @param warnings lvm2's warnings, in order
 */
public record LocalSystemId(Optional<String> id, boolean unknown, List<String> warnings) {
    private static final int NAME_LEN = 128;
    /** lvm2's application ID for sd_id128_get_machine_app_specific (f64406832c2140e8ac5422d1089aae03). */
    private static final byte[] LVM_APPLICATION_ID = HexFormat.of().parseHex("f64406832c2140e8ac5422d1089aae03");

    public LocalSystemId {
        warnings = List.copyOf(warnings);
    }

    /** What resolving needs from the host. */
    public interface Host {
        /** uname(2)'s nodename. */
        String nodename();

        /** A file's content, or an error text as strerror gives it ("No such file or directory"). */
        FileContent read(String path);
    }

    public sealed interface FileContent permits Content, ReadError {
    }

    public record Content(String text) implements FileContent {
    }

    public record ReadError(String strerror) implements FileContent {
    }

    public static LocalSystemId resolve(LvmConfig config, Host host) {
        List<String> warnings = new ArrayList<>();
        String local = config.stringAllowEmpty("local/system_id", "");
        String source = config.string("global/system_id_source", LvmDefaults.SYSTEM_ID_SOURCE);
        if (!local.isEmpty() && !source.equals("lvmlocal")) {
            warnings.add("WARNING: local/system_id is set, so should global/system_id_source be \"lvmlocal\" not \"" + source + "\"?");
        }
        if (source.equals("none")) {
            return new LocalSystemId(Optional.empty(), false, warnings);
        }
        String found = fromSource(source.toLowerCase(Locale.ROOT), source, config, host, warnings);
        if (found != null && !found.isEmpty()) {
            return new LocalSystemId(Optional.of(found), false, warnings);
        }
        warnings.add("WARNING: No system ID found from system_id_source " + source + ".");
        return new LocalSystemId(Optional.empty(), true, warnings);
    }

    private static String fromSource(String lower, String source, LvmConfig config, Host host, List<String> warnings) {
        switch (lower) {
            case "uname":
                return fromString(host.nodename(), warnings);
            case "lvmlocal": {
                String s = config.string("local/system_id", null);
                return s == null ? null : fromString(s, warnings);
            }
            case "appmachineid": {
                String machine = machineIdFile(config, host, warnings);
                if (machine == null) {
                    return null;
                }
                return fromString(appSpecific(machine.trim()), warnings);
            }
            case "machineid":
            case "machine-id":
                return fromFile(config.string("global/etc", LvmDefaults.ETC) + "/machine-id", host, warnings);
            case "file":
                return fromFile(config.string("global/system_id_file", ""), host, warnings);
            default:
                warnings.add("WARNING: Unrecognised system_id_source \"" + source + "\".");
                return null;
        }
    }

    private static String machineIdFile(LvmConfig config, Host host, List<String> warnings) {
        // systemd reads its own /etc/machine-id, whatever global/etc says.
        FileContent c = host.read("/etc/machine-id");
        return c instanceof Content t ? t.text() : null;
    }

    /** systemd's sd_id128_get_machine_app_specific, formatted as 32 hex digits. */
    static String appSpecific(String machineIdHex) {
        try {
            byte[] key = HexFormat.of().parseHex(machineIdHex);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] h = mac.doFinal(LVM_APPLICATION_ID);
            byte[] id = Arrays.copyOf(h, 16);
            id[6] = (byte) ((id[6] & 0x0F) | 0x40);
            id[8] = (byte) ((id[8] & 0x3F) | 0x80);
            return HexFormat.of().formatHex(id);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return "";
        }
    }

    private static String fromFile(String path, Host host, List<String> warnings) {
        if (path.isEmpty()) {
            return null;
        }
        FileContent c = host.read(path);
        if (c instanceof ReadError e) {
            warnings.add("WARNING: " + path + ": fopen failed: " + e.strerror());
            return null;
        }
        String id = null;
        for (String line : ((Content) c).text().split("\n")) {
            String start = line.stripLeading();
            if (start.isEmpty() || start.charAt(0) == '#') {
                continue;
            }
            if (id != null && !id.isEmpty()) {
                warnings.add("WARNING: Ignoring extra line(s) in system ID file " + path + ".");
                break;
            }
            int hash = start.indexOf('#');
            id = fromString(hash < 0 ? start : start.substring(0, hash), warnings);
        }
        return id;
    }

    /** lvm2's system_id_from_string: "" for empty input, null when refused. */
    static String fromString(String s, List<String> warnings) {
        if (s == null || s.isEmpty()) {
            warnings.add("WARNING: Empty system ID supplied.");
            return "";
        }
        String id = validChars(s);
        if (id.isEmpty()) {
            warnings.add("WARNING: Invalid system ID format: " + s);
            return null;
        }
        if (id.startsWith("localhost")) {
            warnings.add("WARNING: system ID may not begin with the string \"localhost\".");
            return null;
        }
        return id;
    }

    private static String validChars(String s) {
        int i = 0;
        while (i < s.length() && !alnum(s.charAt(i))) {
            i++;
        }
        StringBuilder b = new StringBuilder();
        for (; i < s.length() && b.length() < NAME_LEN; i++) {
            char c = s.charAt(i);
            if (alnum(c) || c == '.' || c == '_' || c == '-' || c == '+') {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** The IDs that count as this host's: its own and {@code local/extra_system_ids}. */
    public boolean owns(String vgSystemId, LvmConfig config) {
        if (id.isEmpty()) {
            return false;
        }
        if (id.get().equals(vgSystemId)) {
            return true;
        }
        return config.array("local/extra_system_ids").orElse(List.of()).stream()
                .anyMatch(v -> v instanceof ConfigValue.Str s && !s.value().isEmpty() && s.value().equals(vgSystemId));
    }

    /** Convenience for hosts whose files are read through {@code reader} (tests pass a map's get). */
    public static Host host(String nodename, Function<String, FileContent> reader) {
        return new Host() {
            @Override
            public String nodename() {
                return nodename;
            }

            @Override
            public FileContent read(String path) {
                return reader.apply(path);
            }
        };
    }
}
