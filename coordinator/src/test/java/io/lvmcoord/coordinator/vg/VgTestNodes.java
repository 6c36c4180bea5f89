package io.lvmcoord.coordinator.vg;

import com.typesafe.config.Config;
import io.lvmcoord.persistence.JournalSchema;
import io.lvmcoord.persistence.JournalSettings;
import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.report.PvReports;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the aggregate tests share: reports of fixture images, and a one-node sharded system on a real journal. */
final class VgTestNodes {
    static final Duration T = Duration.ofSeconds(30);

    private VgTestNodes() {
    }

    /** A report of each image of {@code scenario} as {@code node} would send it, with its texts (no reply-to). */
    static List<VolumeGroupEntity.ReportDevice> reports(String node, String scenario, String... images) throws Exception {
        List<VolumeGroupEntity.ReportDevice> out = new ArrayList<>();
        PvDecoder decoder = new PvDecoder(DecodeLimits.DEFAULT);
        for (String img : images) {
            PvReports.Extracted e = PvReports.of(node, decoder.decode(new ByteArrayBlockSource(img, OrderIndependenceTest.load(scenario, img))));
            List<StoredText> texts = new ArrayList<>();
            e.texts().forEach((k, v) -> texts.add(new StoredText(k, v)));
            out.add(new VolumeGroupEntity.ReportDevice(e.report(), texts, null));
        }
        return out;
    }

    /** An actor system on {@code config}'s journal (schema made), joined to itself, with the aggregates' sharding. */
    static ActorSystem<Void> start(Config config, String name) throws Exception {
        ActorSystem<Void> sys = ActorSystem.create(Behaviors.empty(), name, config);
        JournalSchema.ensureNow(sys, JournalSettings.from(config), T);
        Cluster cluster = Cluster.get(sys);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        VgSharding.init(sys);
        return sys;
    }

    static void stop(ActorSystem<Void> sys) throws Exception {
        sys.terminate();
        sys.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The VG aggregate's state as of now. */
    static VgState state(ActorSystem<Void> sys, String vg) throws Exception {
        return VgSharding.entity(sys, vg).<VgState>ask(VolumeGroupEntity.GetState::new, T).toCompletableFuture()
                .get(T.toSeconds(), TimeUnit.SECONDS);
    }
}
