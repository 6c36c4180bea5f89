package io.lvmcoord.agent.daemon;

import io.lvmcoord.agent.client.JsonText;
import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.coordinator.vg.CacheUpdates;
import io.lvmcoord.coordinator.vg.ClusterView;
import io.lvmcoord.coordinator.vg.Completeness;
import io.lvmcoord.coordinator.vg.Convergence;
import io.lvmcoord.coordinator.vg.NodeReadCache;
import io.lvmcoord.coordinator.vg.NodeRereads;
import io.lvmcoord.coordinator.vg.ReportRouting;
import io.lvmcoord.coordinator.vg.VgSharding;
import io.lvmcoord.scan.report.PvReports;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The cluster part of {@code status}: members with their node names and reachability, where the
 * shards of each entity type live, and per VG where its entity lives and how far each host has
 * converged. Shard locations are asked of every region (bounded by {@code timeout}); a region
 * that does not answer in time is listed as failed rather than holding the status up.
 */
final class ClusterStatus {
    private final Cluster cluster;
    private final Map<EntityTypeKey<?>, ShardRegion.ClusterShardingStats> stats;
    private final int numberOfShards;

    private ClusterStatus(Cluster cluster, Map<EntityTypeKey<?>, ShardRegion.ClusterShardingStats> stats, int numberOfShards) {
        this.cluster = cluster;
        this.stats = stats;
        this.numberOfShards = numberOfShards;
    }

    static ClusterStatus of(ActorSystem<?> system, Duration timeout) {
        Map<EntityTypeKey<?>, ShardRegion.ClusterShardingStats> stats = new LinkedHashMap<>();
        for (EntityTypeKey<?> key : List.of(VgSharding.TYPE_KEY, VgSharding.DIRECTORY_KEY, VgSharding.NAME_INDEX_KEY)) {
            try {
                stats.put(key, AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
                                ClusterSharding.get(system).shardState(),
                                replyTo -> new GetClusterShardingStats(key, timeout, replyTo), timeout.plusMillis(500), system.scheduler())
                        .toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                // Listed as unknown; status must answer even while the cluster is in trouble.
            }
        }
        return new ClusterStatus(Cluster.get(system), stats, system.settings().config().getInt("pekko.cluster.sharding.number-of-shards"));
    }

    /** A member's node name, from its "node:NAME" role ("" for members that are not agents). */
    static String nodeOf(Member m) {
        for (String role : m.getRoles()) {
            if (role.startsWith(Agent.NODE_ROLE_PREFIX)) {
                return role.substring(Agent.NODE_ROLE_PREFIX.length());
            }
        }
        return "";
    }

    String membersJson() {
        List<Member> members = new ArrayList<>();
        cluster.state().getMembers().forEach(members::add);
        members.sort(Comparator.comparing(m -> m.address().toString()));
        StringBuilder out = new StringBuilder("[");
        for (Member m : members) {
            out.append(out.length() > 1 ? ", " : "").append("{\"address\": ").append(JsonText.quote(m.address().toString()))
                    .append(", \"node\": ").append(JsonText.quote(nodeOf(m)))
                    .append(", \"status\": ").append(JsonText.quote(m.status().toString()))
                    .append(", \"reachable\": ").append(!cluster.state().getUnreachable().contains(m))
                    .append(", \"leader\": ").append(m.address().equals(cluster.state().getLeader())).append('}');
        }
        return out.append(']').toString();
    }

    /** {type: {address: {"shards": n, "entities": m}}}, or {type: null} when the stats did not come. */
    String shardsJson() {
        StringBuilder out = new StringBuilder("{");
        for (EntityTypeKey<?> key : List.of(VgSharding.TYPE_KEY, VgSharding.DIRECTORY_KEY, VgSharding.NAME_INDEX_KEY)) {
            out.append(out.length() > 1 ? ", " : "").append(JsonText.quote(key.name())).append(": ");
            ShardRegion.ClusterShardingStats s = stats.get(key);
            if (s == null) {
                out.append("null");
                continue;
            }
            StringBuilder regions = new StringBuilder("{");
            new TreeMap<>(toStrings(s.getRegions())).forEach((addr, r) -> {
                int entities = r.getStats().values().stream().mapToInt(n -> ((Number) n).intValue()).sum();
                regions.append(regions.length() > 1 ? ", " : "").append(JsonText.quote(addr)).append(": {\"shards\": ")
                        .append(r.getStats().size()).append(", \"entities\": ").append(entities).append(", \"failed\": ")
                        .append(r.getFailed().size()).append('}');
            });
            out.append(regions).append('}');
        }
        return out.append('}').toString();
    }

    private static Map<String, ShardRegion.ShardRegionStats> toStrings(Map<Address, ShardRegion.ShardRegionStats> regions) {
        Map<String, ShardRegion.ShardRegionStats> out = new TreeMap<>();
        regions.forEach((a, r) -> out.put(a.toString(), r));
        return out;
    }

    private static Map<String, VgView> byUuid(Assembly view) {
        Map<String, VgView> out = new HashMap<>();
        for (VgView v : view.vgs()) {
            out.putIfAbsent(v.metadata().id(), v);
        }
        return out;
    }

    /** The shard an entity id falls in (the default extractor's rule). */
    String shardOf(String entityId) {
        return Integer.toString(Math.abs(entityId.hashCode() % numberOfShards));
    }

    /** Address of the region holding {@code shard} of {@code key}, or null when it is not allocated (or unknown). */
    String hostOf(EntityTypeKey<?> key, String shard) {
        ShardRegion.ClusterShardingStats s = stats.get(key);
        if (s == null) {
            return null;
        }
        for (Map.Entry<Address, ShardRegion.ShardRegionStats> e : s.getRegions().entrySet()) {
            if (e.getValue().getStats().containsKey(shard)) {
                return e.getKey().toString();
            }
        }
        return null;
    }

    /**
     * Per VG aggregate in the cache: names, version, newest seqno, whether every host converged,
     * and per host its seqno, devices and whether the VG is complete there; where its entity lives.
     */
    String vgsJson(List<NodeReadCache.Versioned> snapshot, NodeRereads rereads, ClusterView views) {
        List<NodeReadCache.Versioned> vgs = new ArrayList<>();
        for (NodeReadCache.Versioned v : snapshot) {
            if (v.state() != null && CacheUpdates.target(v.aggregateKey()).kind() == ReportRouting.Target.Kind.VOLUME_GROUP) {
                vgs.add(v);
            }
        }
        vgs.sort(Comparator.comparing(NodeReadCache.Versioned::aggregateKey));
        // Each host's view once, indexed by VG UUID: asked per VG and host, 1600 VGs cost 1600
        // views of 2600 aggregates each (3.5 s of status at 10,000 devices).
        Map<String, Map<String, VgView>> vgsByHost = new HashMap<>();
        StringBuilder out = new StringBuilder("[");
        for (NodeReadCache.Versioned v : vgs) {
            String uuid = CacheUpdates.target(v.aggregateKey()).id();
            Convergence c = rereads.convergence(v.aggregateKey(), v.state());
            List<String> names = new ArrayList<>(v.state().names(new PvReports.TextParser(v.state()::text, views.limits())));
            StringBuilder hosts = new StringBuilder("{");
            for (Map.Entry<String, Map<String, io.lvmcoord.scan.report.PvReport>> h : v.state().reports().entrySet()) {
                Map<String, VgView> seen = vgsByHost.computeIfAbsent(h.getKey(), host -> byUuid(views.forNode(host, snapshot).assembly()));
                Completeness complete = Completeness.of(seen.get(uuid), uuid);
                hosts.append(hosts.length() > 1 ? ", " : "").append(JsonText.quote(h.getKey())).append(": {\"seqno\": ")
                        .append(c.seqnoByHost().getOrDefault(h.getKey(), -1L)).append(", \"devices\": ").append(h.getValue().size())
                        .append(", \"complete\": ").append(complete.complete()).append(", \"converged\": ")
                        .append(!c.behind().containsKey(h.getKey())).append('}');
            }
            hosts.append('}');
            String shard = shardOf(uuid);
            String host = hostOf(VgSharding.TYPE_KEY, shard);
            out.append(out.length() > 1 ? ", " : "").append("{\"name\": ").append(JsonText.quote(names.isEmpty() ? "" : names.get(0)))
                    .append(", \"uuid\": ").append(JsonText.quote(uuid)).append(", \"version\": ").append(v.version())
                    .append(", \"may_be_stale\": ").append(v.mayBeStale())
                    .append(", \"seqno\": ").append(c.newest()).append(", \"converged\": ").append(c.converged())
                    .append(", \"hosts\": ").append(hosts).append(", \"shard\": ").append(JsonText.quote(shard))
                    .append(", \"shard_host\": ").append(host == null ? "null" : JsonText.quote(host)).append('}');
        }
        return out.append(']').toString();
    }
}
