package io.lvmcoord.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lvmcoord.coordinator.vg.ReportRouting;
import io.lvmcoord.coordinator.vg.StoredText;
import io.lvmcoord.coordinator.vg.VgSharding;
import io.lvmcoord.coordinator.vg.VolumeGroupEntity;
import io.lvmcoord.persistence.JournalSchema;
import io.lvmcoord.persistence.JournalSettings;
import io.lvmcoord.scan.codec.DiskArea;
import io.lvmcoord.scan.codec.Label;
import io.lvmcoord.scan.codec.LvmCrc;
import io.lvmcoord.scan.codec.MdaHeader;
import io.lvmcoord.scan.codec.MdaScan;
import io.lvmcoord.scan.codec.RawLocn;
import io.lvmcoord.scan.report.PvReport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.pattern.StatusReply;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Heap per VG aggregate: N VGs of 5 PVs each are reported into sharded, H2-journaled entities in
 * one JVM; heap is measured (after full GCs) before, while the entities are live, and after they
 * have passivated. usage: VgMemoryBench [VGS=2000] [PVS=5]
 */
public final class VgMemoryBench {
    private VgMemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        int vgs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int pvs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path state = Files.createTempDirectory("lvmcoord-membench");
        Config config = JournalSettings.apply(ConfigFactory.parseString("lvmcoord.persistence { profile = h2, state-dir = \"" + state + "\" }\n"
                + "pekko.actor.provider = cluster\npekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.remote.artery.canonical.port = 0\npekko.loglevel = WARNING\n"
                + "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout = 5s\n").withFallback(ConfigFactory.load()));
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "membench", config);
        Duration t = Duration.ofSeconds(60);
        try {
            JournalSchema.ensureNow(system, JournalSettings.from(config), t);
            Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
            VgSharding.init(system);
            long base = usedHeap();
            long t0 = System.nanoTime();
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int v = 0; v < vgs; v++) {
                String vgId = uuid("V", v, 0);
                byte[] text = metadata(v, pvs);
                PvReport.TextKey key = new PvReport.TextKey(LvmCrc.of(text, 0, text.length), text.length);
                for (int p = 0; p < pvs; p++) {
                    PvReport report = report(v, p, key);
                    List<StoredText> texts = List.of(new StoredText(key, text));
                    acks.add(VgSharding.entity(system, new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP, vgId))
                            .<StatusReply<VolumeGroupEntity.Ack>>ask(r -> new VolumeGroupEntity.ReportDevice(report, texts, r), t)
                            .toCompletableFuture());
                }
                if (acks.size() > 2000) {
                    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                    acks.clear();
                }
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            long loadMs = (System.nanoTime() - t0) / 1_000_000;
            long live = usedHeap();
            Thread.sleep(12_000);
            long passivated = usedHeap();
            System.out.printf("vg-memory vgs=%d pvs_per_vg=%d load_ms=%d heap_base_mb=%.1f live_bytes_per_vg=%d idle_bytes_per_vg=%d%n",
                    vgs, pvs, loadMs, base / 1048576.0, (live - base) / vgs, (passivated - base) / vgs);
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String uuid(String prefix, int a, int b) {
        String s = prefix + String.format("%015d%016d", a, b);
        return s.substring(0, 6) + "-" + s.substring(6, 10) + "-" + s.substring(10, 14) + "-" + s.substring(14, 18) + "-"
                + s.substring(18, 22) + "-" + s.substring(22, 26) + "-" + s.substring(26, 32);
    }

    /** VG metadata text as lvm2 writes it: 5 PVs, one linear LV, NUL-terminated. */
    private static byte[] metadata(int v, int pvs) {
        StringBuilder sb = new StringBuilder();
        sb.append("bench").append(v).append(" {\nid = \"").append(uuid("V", v, 0)).append("\"\nseqno = 3\nformat = \"lvm2\"\n")
                .append("status = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\nflags = []\nextent_size = 8192\nmax_lv = 0\nmax_pv = 0\nmetadata_copies = 0\n\n")
                .append("physical_volumes {\n");
        for (int p = 0; p < pvs; p++) {
            sb.append("pv").append(p).append(" {\nid = \"").append(uuid("P", v, p)).append("\"\ndevice = \"/dev/sd").append(p)
                    .append("\"\nstatus = [\"ALLOCATABLE\"]\nflags = []\ndev_size = 2097152\npe_start = 2048\npe_count = 255\n}\n");
        }
        sb.append("}\nlogical_volumes {\nlv0 {\nid = \"").append(uuid("L", v, 0)).append("\"\nstatus = [\"READ\", \"WRITE\", \"VISIBLE\"]\n")
                .append("flags = []\ncreation_time = 1700000000\ncreation_host = \"bench\"\nsegment_count = 1\nsegment1 {\nstart_extent = 0\n")
                .append("extent_count = 10\ntype = \"striped\"\nstripe_count = 1\nstripes = [\"pv0\", 0]\n}\n}\n}\n}\n")
                .append("# Generated by LVM2 version 2.03.16(2) (2022-05-18)\ncontents = \"Text Format Volume Group\"\nversion = 1\n")
                .append("description = \"\"\ncreation_host = \"bench\"\ncreation_time = 1700000000\n");
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[b.length + 1];
        System.arraycopy(b, 0, withNul, 0, b.length);
        return withNul;
    }

    private static PvReport report(int v, int p, PvReport.TextKey key) {
        String uuid = uuid("P", v, p).replace("-", "");
        DiskArea mda = new DiskArea(4096, 1044480);
        Label label = new Label(1, uuid, 1L << 30, List.of(new DiskArea(1 << 20, 0)), List.of(mda), 2, 1, List.of());
        MdaHeader header = new MdaHeader(4096, 1044480, new RawLocn(512, key.size(), key.checksum(), 0), RawLocn.EMPTY);
        return new PvReport("node-a", "/dev/bench" + v + "p" + p, 1L << 30, label,
                List.of(new PvReport.Mda(0, mda, header, MdaScan.Status.IN_USE, key, null)), null, null);
    }
}
