package io.lvmcoord.scan.nativeio;

import java.util.List;

/** One line of /etc/group: name, gid and the users listed as supplementary members. */
public record GroupEntry(String name, int gid, List<String> members) {
    public GroupEntry {
        members = List.copyOf(members);
    }
}
