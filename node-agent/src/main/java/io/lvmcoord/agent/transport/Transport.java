package io.lvmcoord.agent.transport;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The cluster transports Pekko Artery offers, by the names {@code pekko.remote.artery.transport} gives them. */
public enum Transport {
    /** Plain TCP: fine inside one trusted network segment. */
    TCP("tcp"),
    /** TCP with mutual TLS: only nodes holding a certificate the others trust can join. */
    TLS_TCP("tls-tcp"),
    /** UDP through an embedded Aeron media driver: lowest latency, costs /dev/shm and a JVM flag. */
    AERON_UDP("aeron-udp");

    private final String configName;

    Transport(String configName) {
        this.configName = configName;
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
