package io.lvmcoord.agent.daemon;

import com.typesafe.config.Config;
import io.lvmcoord.agent.transport.TransportSettings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code lvmcoord.agent} (see reference.conf). */
public record AgentSettings(String nodeName, String clusterHost, int clusterPort, List<String> seeds, TransportSettings transport,
                            List<Path> devicesDirs, List<String> devices, boolean watchDevices, Duration pendingWait,
                            Duration askTimeout, Duration coalesceWindow, int maxPendingDevices, Duration reconcileMin,
                            Duration reconcileMax, Duration startScanDelay, Duration maxRequestWait) {

    /**
     * What a node may be called: host-name-like, so that it is safe wherever it is written (HTTP
     * headers, log lines, role names, JSON) without escaping.
     */
    public static final java.util.regex.Pattern NODE_NAME = io.lvmcoord.agent.client.ReportQuery.NODE_NAME;

    public AgentSettings {
        seeds = List.copyOf(seeds);
        devicesDirs = List.copyOf(devicesDirs);
        devices = List.copyOf(devices);
        if (reconcileMin.compareTo(reconcileMax) > 0) {
            throw new IllegalArgumentException("lvmcoord.agent.reconcile-min-interval (" + reconcileMin
                    + ") is longer than reconcile-max-interval (" + reconcileMax + ")");
        }
        if (!NODE_NAME.matcher(nodeName).matches()) {
            throw new IllegalArgumentException("lvmcoord.agent.node-name \"" + nodeName.replaceAll("\\p{Cntrl}", "?")
                    + "\" is not a node name: 1-253 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (maxRequestWait.isNegative() || maxRequestWait.isZero()) {
            throw new IllegalArgumentException("lvmcoord.agent.max-request-wait must be positive, got " + maxRequestWait);
        }
        if (maxPendingDevices < 1) {
            throw new IllegalArgumentException("lvmcoord.agent.max-pending-devices must be at least 1, got " + maxPendingDevices);
        }
    }

    public static AgentSettings from(Config config) {
        Config c = config.getConfig("lvmcoord.agent");
        String node = c.getString("node-name");
        if (node.isBlank()) {
            node = hostName();
        }
        // One directory as a string (the common case) or several as a list.
        List<String> dirs = c.getValue("devices-dir").valueType() == com.typesafe.config.ConfigValueType.LIST
                ? c.getStringList("devices-dir") : List.of(c.getString("devices-dir"));
        int port = c.getInt("cluster-port");
        return new AgentSettings(node, c.getString("cluster-host"), port, c.getStringList("seeds"),
                TransportSettings.from(c, node, port), dirs.stream().filter(d -> !d.isBlank()).map(Path::of).toList(),
                c.getStringList("devices"), c.getBoolean("watch-devices"), c.getDuration("pending-wait"), c.getDuration("ask-timeout"),
                c.getDuration("coalesce-window"), c.getInt("max-pending-devices"),
                c.getDuration("reconcile-min-interval"), c.getDuration("reconcile-max-interval"), c.getDuration("start-scan-delay"),
                c.getDuration("max-request-wait"));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
