package io.lvmcoord.coordinator.vg;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Cluster Sharding of the aggregates: {@link VolumeGroupEntity} per VG UUID, and the PV
 * directory, the same behaviour under its own type key, per PV UUID (or node and device for
 * devices that are not PVs). A directory entry holds the reports of devices whose own metadata
 * does not name a VG; views join them with the VG entities' reports.
 */
public final class VgSharding {
    public static final EntityTypeKey<VolumeGroupEntity.Command> TYPE_KEY =
            EntityTypeKey.create(VolumeGroupEntity.Command.class, "VolumeGroup");
    public static final EntityTypeKey<VolumeGroupEntity.Command> DIRECTORY_KEY =
            EntityTypeKey.create(VolumeGroupEntity.Command.class, "PvDirectory");

    private VgSharding() {
    }

    /** Starts the shard regions on this node; call once per actor system. */
    public static ActorRef<ShardingEnvelope<VolumeGroupEntity.Command>> init(ActorSystem<?> system) {
        Config c = system.settings().config().getConfig("lvmcoord.vg-entity");
        int every = c.getInt("snapshot-every");
        int keep = c.getInt("keep-snapshots");
        ActorRef<Topic.Command<CacheUpdates.Update>> topic = CacheUpdates.topic(system, "aggregate-updates-publisher");
        ClusterSharding.get(system).init(Entity.of(DIRECTORY_KEY, ctx -> VolumeGroupEntity.create("pvdir:" + ctx.getEntityId(), every, keep,
                CacheUpdates.key(new ReportRouting.Target(ReportRouting.Target.Kind.PV_DIRECTORY, ctx.getEntityId())), topic)));
        return ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> VolumeGroupEntity.create(ctx.getEntityId(), every, keep,
                CacheUpdates.key(new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP, ctx.getEntityId())), topic)));
    }

    public static EntityRef<VolumeGroupEntity.Command> entity(ActorSystem<?> system, ReportRouting.Target target) {
        return ClusterSharding.get(system).entityRefFor(
                target.kind() == ReportRouting.Target.Kind.VOLUME_GROUP ? TYPE_KEY : DIRECTORY_KEY, target.id());
    }

    public static EntityRef<VolumeGroupEntity.Command> entity(ActorSystem<?> system, String vgUuid) {
        return ClusterSharding.get(system).entityRefFor(TYPE_KEY, vgUuid);
    }
}
