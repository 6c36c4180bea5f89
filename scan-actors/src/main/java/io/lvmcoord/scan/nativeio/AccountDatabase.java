package io.lvmcoord.scan.nativeio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Users and groups from /etc/passwd and /etc/group. The JDK reports peer credentials by name
 * only, so numbers come from here; membership checks read the group file too. Accounts that
 * only exist in NSS sources (LDAP, sssd) are not seen: such peers resolve to -1 and are judged by
 * name alone.
 */
public final class AccountDatabase {
    private static final Path PASSWD = Path.of("/etc/passwd");
    private static final Path GROUP = Path.of("/etc/group");

    private final Map<String, Integer> uids;
    private final Map<String, GroupEntry> groups;

    private AccountDatabase(Map<String, Integer> uids, Map<String, GroupEntry> groups) {
        this.uids = Map.copyOf(uids);
        this.groups = Map.copyOf(groups);
    }

    /** Reads the system files now; a missing file counts as empty (minimal containers). */
    public static AccountDatabase load() {
        return parse(readOrEmpty(PASSWD), readOrEmpty(GROUP));
    }

    /** Parses passwd- and group-format text; malformed lines are skipped, as libc does. */
    public static AccountDatabase parse(String passwd, String group) {
        Map<String, Integer> uids = new HashMap<>();
        for (String line : passwd.split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && !f[0].isEmpty()) {
                parseId(f[2]).ifPresent(uid -> uids.putIfAbsent(f[0], uid));
            }
        }
        Map<String, GroupEntry> groups = new HashMap<>();
        for (String line : group.split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && !f[0].isEmpty()) {
                List<String> members = f[3].isBlank() ? List.of()
                        : Arrays.stream(f[3].trim().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
                parseId(f[2]).ifPresent(gid -> groups.putIfAbsent(f[0], new GroupEntry(f[0], gid, members)));
            }
        }
        return new AccountDatabase(uids, groups);
    }

    public OptionalInt uid(String user) {
        Integer uid = uids.get(user);
        return uid != null ? OptionalInt.of(uid) : numeric(user);
    }

    /** An account name of {@code uid} (the alphabetically first, when several share it), else the number itself. */
    public String userOf(int uid) {
        return uids.entrySet().stream().filter(e -> e.getValue() == uid).map(Map.Entry::getKey).sorted().findFirst()
                .orElse(Integer.toString(uid));
    }

    public OptionalInt gid(String group) {
        GroupEntry g = groups.get(group);
        return g != null ? OptionalInt.of(g.gid()) : numeric(group);
    }

    public Optional<GroupEntry> group(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    /** The JDK names an account it cannot resolve by its number, so a numeric name is the id. */
    private static OptionalInt numeric(String name) {
        return parseId(name).map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    private static Optional<Integer> parseId(String s) {
        try {
            return Optional.of(Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String readOrEmpty(Path p) {
        try {
            return Files.readString(p);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
