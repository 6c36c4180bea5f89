package io.lvmcoord.agent.transport;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The cluster transports Pekko Artery offers, by the names {@code pekko.remote.artery.transport} gives them. */
public enum Transport {
    /** Plain TCP, unauthenticated: whoever reaches the port is a member. */
    TCP("tcp", false),
    /** TCP with mutual TLS: only nodes holding a certificate the others trust can join. The default. */
    TLS_TCP("tls-tcp", true),
    /** UDP through an embedded Aeron media driver, unauthenticated: lowest latency, costs /dev/shm and a JVM flag. */
    AERON_UDP("aeron-udp", false);

    private final String configName;
    private final boolean authenticated;

    Transport(String configName, boolean authenticated) {
        this.configName = configName;
        this.authenticated = authenticated;
    }

    /** Whether a peer must prove who it is before its messages are taken. */
    public boolean authenticated() {
        return authenticated;
    }

    /** The name used by {@code lvmcoord.agent.transport}, {@code --transport} and Artery. */
    public String configName() {
        return configName;
    }

    public static Transport parse(String value) {
        for (Transport t : values()) {
            if (t.configName.equals(value.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("lvmcoord.agent.transport must be one of "
                + Arrays.stream(values()).map(Transport::configName).collect(Collectors.joining(", ")) + "; got \"" + value + "\"");
    }
}
