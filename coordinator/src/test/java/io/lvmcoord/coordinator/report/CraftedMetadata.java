package io.lvmcoord.coordinator.report;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.LvmCrc;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.metadata.PvMetadata;
import io.lvmcoord.scan.metadata.VgMetadata;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static io.lvmcoord.scan.codec.LittleEndian.putU32;
import static io.lvmcoord.scan.codec.LittleEndian.u64;
import static io.lvmcoord.scan.codec.LittleEndian.putU64;

/**
 * Hostile inputs made from real lvm2 fixture images: the committed metadata text of a PV's first
 * metadata area replaced by crafted text (checksums recomputed with the project's own
 * {@link LvmCrc}, so the decoder accepts it as lvm2 would have written it), or a decoded VG's
 * model with some of its values replaced.
 */
public final class CraftedMetadata {
    /** Where lvm2 put the first metadata area's header in every fixture. */
    private static final int MDA = 4096;

    private CraftedMetadata() {
    }

    static byte[] image(String scenario, String image) {
        Path p = Path.of(System.getProperty("lvmcoord.repo.root", "..")).resolve("testdata/lvm2").resolve(scenario).resolve(image + ".gz");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return Arrays.copyOf(in.readAllBytes(), 32 << 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The committed metadata text of the image's first metadata area. */
    static String text(byte[] img) {
        long offset = u64(img, MDA + 40);
        long size = u64(img, MDA + 48);
        return new String(img, (int) (MDA + offset), (int) size - 1, StandardCharsets.UTF_8);
    }

    /** A copy of {@code img} whose committed text is {@code text}, at the same place, checksums fixed. */
    static byte[] withText(byte[] img, String text) {
        byte[] out = img.clone();
        byte[] t = (text + "\0").getBytes(StandardCharsets.UTF_8);
        long offset = u64(out, MDA + 40);
        long areaSize = u64(out, MDA + 32);
        if (offset + t.length > areaSize) {
            throw new IllegalArgumentException("crafted text of " + t.length + " bytes does not fit the area");
        }
        int start = (int) (MDA + offset);
        System.arraycopy(t, 0, out, start, t.length);
        putU64(out, MDA + 48, t.length);
        putU32(out, MDA + 56, LvmCrc.of(out, start, t.length));
        putU32(out, MDA, LvmCrc.of(out, MDA + 4, 508));
        return out;
    }

    static DeviceScan decode(String device, byte[] img) {
        return new PvDecoder(DecodeLimits.DEFAULT).decode(new ByteArrayBlockSource(device, img));
    }

    static Assembly assemble(DeviceScan... scans) {
        return new VgAssembler().assemble(List.of(scans));
    }

    /** {@code m} with other PVs. */
    public static VgMetadata withPvs(VgMetadata m, List<PvMetadata> pvs) {
        return new VgMetadata(m.name(), m.id(), m.seqno(), m.format(), m.status(), m.flags(), m.tags(), m.systemId(), m.lockType(),
                m.lockArgs(), m.extentSize(), m.maxLv(), m.maxPv(), m.allocationPolicy(), m.profile(), m.metadataCopies(), pvs,
                m.lvs(), m.creationHost(), m.creationTime(), m.raw());
    }

    /** {@code p} under another local name and UUID, with {@code peCount} extents. */
    public static PvMetadata pv(PvMetadata p, String key, String id, long peCount) {
        return new PvMetadata(key, id, p.deviceHint(), p.status(), p.flags(), p.tags(), p.devSize(), p.peStart(), peCount,
                p.baStart(), p.baSize(), p.deviceIdType(), p.deviceId());
    }

    static ReportRequest request(ReportType type, String fields, boolean all) {
        return new ReportRequest(type, List.of(fields), List.of(), all, new Units('b', false), false, "|", false, false,
                ReportRequest.Format.BASIC);
    }

    static Report build(Fields fields, Assembly a, ReportRequest req) {
        try {
            return new ReportBuilder(fields).build(a, req);
        } catch (ReportBuilder.BadRequest e) {
            throw new AssertionError("a request made of supported fields was refused", e);
        }
    }



}
