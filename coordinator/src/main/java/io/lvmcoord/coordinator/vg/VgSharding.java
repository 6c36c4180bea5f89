package io.lvmcoord.coordinator.vg;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/** Cluster Sharding of {@link VolumeGroupEntity}, one entity per VG UUID. */
public final class VgSharding {
    public static final EntityTypeKey<VolumeGroupEntity.Command> TYPE_KEY =
            EntityTypeKey.create(VolumeGroupEntity.Command.class, "VolumeGroup");

    private VgSharding() {
    }

    /** Starts the shard region on this node (idempotent). */
    public static ActorRef<ShardingEnvelope<VolumeGroupEntity.Command>> init(ActorSystem<?> system) {
        Config c = system.settings().config().getConfig("lvmcoord.vg-entity");
        int every = c.getInt("snapshot-every");
        int keep = c.getInt("keep-snapshots");
        return ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> VolumeGroupEntity.create(ctx.getEntityId(), every, keep)));
    }

    public static EntityRef<VolumeGroupEntity.Command> entity(ActorSystem<?> system, String vgUuid) {
        return ClusterSharding.get(system).entityRefFor(TYPE_KEY, vgUuid);
    }
}
