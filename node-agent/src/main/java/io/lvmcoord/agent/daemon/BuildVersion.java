package io.lvmcoord.agent.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version for {@code lvmcoord_build_info}: the jar's, or "unknown" when run from classes (tests, IDE). */
final class BuildVersion {
    /** Maven writes this into every jar it builds; absent when running from target/classes. */
    private static final String POM_PROPERTIES = "/META-INF/maven/io.lvmcoord/lvmcoord-node-agent/pom.properties";

    private BuildVersion() {
    }

    static String current() {
        String manifest = BuildVersion.class.getPackage().getImplementationVersion();
        if (manifest != null && !manifest.isBlank()) {
            return manifest;
        }
        try (InputStream in = BuildVersion.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // An unreadable resource in our own jar: the version is unknown, nothing else depends on it.
        }
        return "unknown";
    }
}
