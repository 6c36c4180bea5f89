package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.DeviceScan;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.dm.DmRecording;
import io.lvmcoord.scan.dm.DmState;
import io.lvmcoord.scan.metadata.VgMetadata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The device-mapper scenarios recorded with lvm2 (testdata/dm): their VG metadata and dm states. */
final class DmFixtures {
    /** The label and the first metadata area lie in the first MiB of every PV lvm2 2.03 makes. */
    private static final int HEAD = 1 << 20;

    private DmFixtures() {
    }

    static Path scenario(String name) {
        return Path.of(System.getProperty("lvmcoord.repo.root", "..")).resolve("testdata/dm").resolve(name);
    }

    static DmState dm(String scenario) throws IOException {
        return DmRecording.read(scenario(scenario).resolve("dm"));
    }

    /** The VG whose metadata is on the scenario's first disk (vdb), as lvm2 wrote it. */
    static VgMetadata vg(String scenario) throws IOException {
        byte[] head;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(scenario(scenario).resolve("vdb.img.gz")))) {
            head = in.readNBytes(HEAD);
        }
        DeviceScan scan = new PvDecoder(DecodeLimits.DEFAULT).decode(new ByteArrayBlockSource("vdb", head));
        return ((DeviceScan.PvScan) scan).metadata().orElseThrow(() -> new IOException(scenario + ": no metadata on vdb"));
    }

    /** {@code vg} as if created with {@code vgcreate --shared} (lock_type {@code lockType}). */
    static VgMetadata withLockType(VgMetadata vg, String lockType) {
        return new VgMetadata(vg.name(), vg.id(), vg.seqno(), vg.format(), vg.status(), vg.flags(), vg.tags(), vg.systemId(), lockType,
                vg.lockArgs(), vg.extentSize(), vg.maxLv(), vg.maxPv(), vg.allocationPolicy(), vg.profile(), vg.metadataCopies(),
                vg.pvs(), vg.lvs(), vg.creationHost(), vg.creationTime(), vg.raw());
    }
}
