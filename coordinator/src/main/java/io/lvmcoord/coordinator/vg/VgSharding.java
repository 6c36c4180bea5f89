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
 * Cluster Sharding of the aggregates: {@link VolumeGroupEntity} per VG UUID; the PV directory,
 * the same behaviour under its own type key, per PV UUID (or node and device for devices that
 * are not PVs); and the {@link VgNameIndex} per VG name. A directory entry holds the reports of
 * devices whose own metadata does not name a VG; views join them with the VG entities' reports.
 */
public final class VgSharding {
    public static final EntityTypeKey<VolumeGroupEntity.Command> TYPE_KEY =
            EntityTypeKey.create(VolumeGroupEntity.Command.class, "VolumeGroup");
    public static final EntityTypeKey<VolumeGroupEntity.Command> DIRECTORY_KEY =
            EntityTypeKey.create(VolumeGroupEntity.Command.class, "PvDirectory");
    public static final EntityTypeKey<VgNameIndex.Command> NAME_INDEX_KEY =
            EntityTypeKey.create(VgNameIndex.Command.class, "VgNameIndex");
    /** Persistence ids of directory entries carry this prefix after the "VolumeGroup|" type. */
    public static final String DIRECTORY_PREFIX = "pvdir:";

    private VgSharding() {
    }

    /** Starts the shard regions on this node; call once per actor system. */
    public static ActorRef<ShardingEnvelope<VolumeGroupEntity.Command>> init(ActorSystem<?> system) {
        Config c = system.settings().config().getConfig("lvmcoord.vg-entity");
        int every = c.getInt("snapshot-every");
        int keep = c.getInt("keep-snapshots");
        java.time.Duration deliveryWait = c.getDuration("delivery-wait");
        java.time.Duration unreachableMargin = c.getDuration("unreachable-margin");
        Retirement.Settings retirement = Retirement.Settings.from(system.settings().config());
        // Every acknowledgement asks the node's journal guard first: a lost H2 file is no durability.
        io.lvmcoord.persistence.JournalGuard guard = io.lvmcoord.persistence.JournalGuard.get(system);
        VolumeGroupEntity.Lifecycle lifecycle = new VolumeGroupEntity.Lifecycle(retirement.graceMillis(), guard::fault,
                System::currentTimeMillis, retirement.eraseTimeout(), guard::writeFailed);
        ClusterSharding sharding = ClusterSharding.get(system);
        ActorRef<Topic.Command<CacheUpdates.Update>> topic = CacheUpdates.topic(system, "aggregate-updates-publisher");
        sharding.init(Entity.of(NAME_INDEX_KEY, ctx -> VgNameIndex.create(ctx.getEntityId())));
        VolumeGroupEntity.NameClaims names = new VolumeGroupEntity.NameClaims() {
            @Override
            public void claim(String name, String vgUuid) {
                sharding.entityRefFor(NAME_INDEX_KEY, VgNameIndex.bucketOf(name)).tell(new VgNameIndex.Claim(name, vgUuid));
            }

            @Override
            public void release(String name, String vgUuid) {
                sharding.entityRefFor(NAME_INDEX_KEY, VgNameIndex.bucketOf(name)).tell(new VgNameIndex.Release(name, vgUuid));
            }
        };
        sharding.init(Entity.of(DIRECTORY_KEY, ctx -> VolumeGroupEntity.create(DIRECTORY_PREFIX + ctx.getEntityId(), every, keep,
                new VolumeGroupEntity.Outlets(CacheUpdates.key(new ReportRouting.Target(ReportRouting.Target.Kind.PV_DIRECTORY,
                        ctx.getEntityId())), topic, null, deliveryWait, unreachableMargin), lifecycle)));
        return sharding.init(Entity.of(TYPE_KEY, ctx -> VolumeGroupEntity.create(ctx.getEntityId(), every, keep,
                new VolumeGroupEntity.Outlets(CacheUpdates.key(new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP,
                        ctx.getEntityId())), topic, names, deliveryWait, unreachableMargin), lifecycle)));
    }

    public static EntityRef<VolumeGroupEntity.Command> entity(ActorSystem<?> system, ReportRouting.Target target) {
        return ClusterSharding.get(system).entityRefFor(
                target.kind() == ReportRouting.Target.Kind.VOLUME_GROUP ? TYPE_KEY : DIRECTORY_KEY, target.id());
    }

    public static EntityRef<VolumeGroupEntity.Command> entity(ActorSystem<?> system, String vgUuid) {
        return ClusterSharding.get(system).entityRefFor(TYPE_KEY, vgUuid);
    }

    /** The UUIDs of the VGs named {@code vgName}, from the name index entry that holds the name. */
    public static java.util.concurrent.CompletionStage<VgNameIndex.Listing> vgsNamed(ActorSystem<?> system, String vgName,
                                                                                      java.time.Duration timeout) {
        return ClusterSharding.get(system).entityRefFor(NAME_INDEX_KEY, VgNameIndex.bucketOf(vgName))
                .ask(replyTo -> new VgNameIndex.Lookup(vgName, replyTo), timeout);
    }

    /**
     * The aggregate a journal persistence id belongs to ("VolumeGroup|uuid" or
     * "VolumeGroup|pvdir:key"), or null for other ids (the name index).
     */
    public static ReportRouting.Target targetOf(String persistenceId) {
        String prefix = "VolumeGroup|";
        if (!persistenceId.startsWith(prefix)) {
            return null;
        }
        String id = persistenceId.substring(prefix.length());
        return id.startsWith(DIRECTORY_PREFIX)
                ? new ReportRouting.Target(ReportRouting.Target.Kind.PV_DIRECTORY, id.substring(DIRECTORY_PREFIX.length()))
                : new ReportRouting.Target(ReportRouting.Target.Kind.VOLUME_GROUP, id);
    }
}
