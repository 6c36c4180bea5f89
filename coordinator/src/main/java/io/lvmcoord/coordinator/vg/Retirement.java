package io.lvmcoord.coordinator.vg;

import com.typesafe.config.Config;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Retires aggregates that no node has reported a device of for the grace period (devices that
 * came and went, VGs removed), so that journals, caches and start-up loads stay proportional
 * to the devices that exist.
 *
 * <p>Each node looks through its own cache every sweep interval (the cache holds every
 * aggregate's latest state, passivated ones included) and tells those past their grace period
 * to retire. The entity decides again from its own state, so a stale cache or several nodes
 * sweeping at once cannot retire a live aggregate, and a retirement told twice is a no-op.
 */
public final class Retirement {

    /**
     * {@code lvmcoord.vg-entity.retirement} (see reference.conf).
     *
     * @param gracePeriod   null when retirement is off
     * @param sweepInterval how often a node looks for aggregates due
     * @param eraseTimeout  how long deleting a retired aggregate's events may take
     */
    public record Settings(Duration gracePeriod, Duration sweepInterval, Duration eraseTimeout) {
        public static Settings from(Config config) {
            Config c = config.getConfig("lvmcoord.vg-entity.retirement");
            String grace = c.getString("grace-period").strip().toLowerCase(Locale.ROOT);
            Duration g = grace.equals("off") ? null : c.getDuration("grace-period");
            if (g != null && g.isNegative()) {
                throw new IllegalArgumentException("lvmcoord.vg-entity.retirement.grace-period must be off or >= 0, got " + grace);
            }
            Duration sweep = c.getDuration("sweep-interval");
            if (sweep.isZero() || sweep.isNegative()) {
                throw new IllegalArgumentException("lvmcoord.vg-entity.retirement.sweep-interval must be > 0, got " + sweep);
            }
            return new Settings(g, sweep, c.getDuration("erase-timeout"));
        }

        public long graceMillis() {
            return gracePeriod == null ? -1 : gracePeriod.toMillis();
        }
    }

    private Retirement() {
    }

    /** The aggregates of {@code cached} whose grace period of {@code graceMillis} has passed at {@code nowMillis}. */
    public static List<ReportRouting.Target> due(Collection<NodeReadCache.Versioned> cached, long nowMillis, long graceMillis) {
        List<ReportRouting.Target> out = new ArrayList<>();
        if (graceMillis < 0) {
            return out;
        }
        for (NodeReadCache.Versioned v : cached) {
            if (v.state() == null) {
                continue;
            }
            long at = v.state().retirableAtMillis(graceMillis);
            if (at >= 0 && nowMillis >= at) {
                out.add(CacheUpdates.target(v.aggregateKey()));
            }
        }
        return out;
    }

    /** Starts this node's sweep over {@code cache}; nothing when retirement is off. Cancel it to stop. */
    public static Cancellable start(ActorSystem<?> system, NodeReadCache cache) {
        return start(system, cache, Settings.from(system.settings().config()), System::currentTimeMillis);
    }

    static Cancellable start(ActorSystem<?> system, NodeReadCache cache, Settings settings, LongSupplier clockMillis) {
        if (settings.gracePeriod() == null) {
            return org.apache.pekko.actor.Cancellable.alreadyCancelled();
        }
        return system.scheduler().scheduleWithFixedDelay(settings.sweepInterval(), settings.sweepInterval(), () -> {
            for (ReportRouting.Target t : due(cache.snapshot(), clockMillis.getAsLong(), settings.graceMillis())) {
                // Fire and forget: the outcome reaches every cache as the tombstone's version.
                VgSharding.entity(system, t).tell(new VolumeGroupEntity.Retire(system.ignoreRef()));
            }
        }, system.executionContext());
    }
}
