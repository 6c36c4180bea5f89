package io.lvmcoord.scan.dm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A host's device-mapper state as recorded in a scenario's {@code dm/} folder
 * ({@code ../shared/tools/vmlab/capture-dm.sh}): {@code info.txt} is
 * {@code dmsetup info -c --noheadings --separator '|' -o name,uuid,major,minor,open,attr,...}
 * and {@code status.txt} is {@code dmsetup status}. What the live kernel answers through the DM
 * ioctls has the same shape, so reports can be computed from either.
 */
public final class DmRecording {

    /** A line of a recording that is not what the recorder writes; named so the recording can be fixed. */
    public static final class BadRecording extends IOException {
        public BadRecording(Path file, int line, String text, String expected) {
            super(file + ":" + line + ": expected " + expected + ", found \"" + text + "\"");
        }
    }

    private DmRecording() {
    }

    /** The devices of the recording in {@code dmDir}, in info.txt's order, each with its status lines. */
    public static List<DmDevice> read(Path dmDir) throws IOException {
        Map<String, List<DmStatusLine>> statuses = new LinkedHashMap<>();
        Path status = dmDir.resolve("status.txt");
        List<String> statusLines = Files.readAllLines(status);
        for (int i = 0; i < statusLines.size(); i++) {
            String l = statusLines.get(i);
            if (l.isBlank()) {
                continue;
            }
            java.util.Optional<DmStatusLine> s = DmStatusLine.parse(l);
            if (s.isEmpty()) {
                throw new BadRecording(status, i + 1, l, "name: start length target [params]");
            }
            statuses.computeIfAbsent(s.get().device(), k -> new ArrayList<>()).add(s.get());
        }
        List<DmDevice> out = new ArrayList<>();
        Path info = dmDir.resolve("info.txt");
        List<String> infoLines = Files.readAllLines(info);
        for (int i = 0; i < infoLines.size(); i++) {
            String l = infoLines.get(i);
            if (l.isBlank()) {
                continue;
            }
            String[] f = l.split("\\|", -1);
            if (f.length < 6 || f[5].length() < 4) {
                throw new BadRecording(info, i + 1, l, "name|uuid|major|minor|open|attr|...");
            }
            String attr = f[5];
            try {
                // dmsetup's attr: L live table / - none, I inactive table / -, s suspended / -, r read-only / w writable.
                out.add(new DmDevice(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                        attr.charAt(2) == 's', attr.charAt(3) == 'r', attr.charAt(0) == 'L', attr.charAt(1) == 'I',
                        statuses.getOrDefault(f[0], List.of())));
            } catch (NumberFormatException e) {
                throw new BadRecording(info, i + 1, l, "numbers for major, minor and open count");
            }
        }
        return out;
    }
}
