package io.lvmcoord.scan.bench;

import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.ParsedTexts;
import io.lvmcoord.scan.codec.LvmCrc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Heap retained by N devices carrying one VG's text (the VG lists all N PVs): each device with a
 * parse of its own (as before issue 12) versus one shared parse. Not a test; run by hand:
 * {@code java -cp <test classpath> io.lvmcoord.scan.bench.SharedTextFootprint 500}.
 */
public final class SharedTextFootprint {
    private SharedTextFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        byte[] text = vgText(n);
        int crc = LvmCrc.of(text, 0, text.length);
        System.out.printf("one VG of %d PVs, text %d bytes, %d devices carrying it%n", n, text.length, n);
        for (String mode : List.of("per-device", "shared")) {
            long base = used();
            List<Object> held = new ArrayList<>();
            long t0 = System.nanoTime();
            ParsedTexts shared = new ParsedTexts(DecodeLimits.DEFAULT);
            for (int d = 0; d < n; d++) {
                // Each device reads its own bytes off the disk.
                byte[] read = Arrays.copyOf(text, text.length);
                ParsedTexts table = mode.equals("shared") ? shared : new ParsedTexts(DecodeLimits.DEFAULT);
                held.add(table.parse(crc, read.length, read));
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long retained = used() - base;
            System.out.printf("%-10s retained %,d bytes (%,d per device), parse time %d ms%n", mode, retained, retained / n, ms);
            held.clear();
        }
    }

    private static long used() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** A VG text in lvm2's layout listing {@code pvs} PVs, NUL-terminated. */
    static byte[] vgText(int pvs) {
        StringBuilder s = new StringBuilder("big {\nid = \"Zq0A4Z-2kX1a-aaaa-aaaa-aaaa-aaaa-aaaaaa\"\nseqno = 1\nformat = \"lvm2\"\n"
                + "status = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\nflags = []\nextent_size = 8192\nmax_lv = 0\nmax_pv = 0\n"
                + "metadata_copies = 0\n\nphysical_volumes {\n");
        for (int i = 0; i < pvs; i++) {
            s.append(String.format("\npv%d {\nid = \"Pv%04d-0000-0000-0000-0000-0000-%06d\"\ndevice = \"/dev/loop%d\"\n"
                    + "status = [\"ALLOCATABLE\"]\nflags = []\ndev_size = 65536\npe_start = 2048\npe_count = 7\n}\n", i, i % 10000, i, i));
        }
        s.append("}\n}\ncontents = \"Text Format Volume Group\"\nversion = 1\ndescription = \"\"\ncreation_host = \"h\"\ncreation_time = 1\n");
        byte[] body = s.toString().getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(body, body.length + 1);
    }
}
