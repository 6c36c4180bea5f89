package io.lvmcoord.agent.daemon;

import io.prometheus.metrics.core.metrics.Histogram;

/**
 * A latency histogram in seconds with fixed classic buckets (the Prometheus client's; lock-free,
 * so the scan loop and queries never wait on a scrape). Made unregistered: {@link AgentMetrics}
 * adds it to the agent's registry.
 */
public final class LatencyHistogram {
    /** Upper bounds in seconds: from a cached answer (~1 ms) to a full rescan of many devices. */
    static final double[] BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    private final Histogram histogram;

    /** @param name the Prometheus name, ending in {@code _seconds} */
    public LatencyHistogram(String name, String help) {
        if (!name.endsWith("_seconds")) {
            throw new IllegalArgumentException("a latency histogram's name ends in _seconds, got " + name);
        }
        this.histogram = Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(BOUNDS).build();
    }

    /** For tests that drive a scan loop without looking at its latency. */
    public LatencyHistogram() {
        this("lvmcoord_unnamed_seconds", "Unexposed latency.");
    }

    public void record(long nanos) {
        histogram.observe(nanos / 1e9);
    }

    Histogram collector() {
        return histogram;
    }
}
