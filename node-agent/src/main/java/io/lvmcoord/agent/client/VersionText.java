package io.lvmcoord.agent.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;

/**
 * What {@code --version} prints, in lvm2's shape: tools read the "LVM version:" line to learn
 * which lvm2 behaviour to expect, and lvmcoord reproduces lvm2 2.03.16's reports, so that is the
 * version it names there, with lvmcoord's own version where lvm2 prints its release date. The
 * "Configuration:" line (lvm2's configure flags) says what lvmcoord is instead.
 */
public final class VersionText {
    /** The lvm2 release whose reports lvmcoord reproduces. */
    public static final String LVM2_VERSION = "2.03.16(2)";
    private static final String POM = "/META-INF/maven/io.lvmcoord/lvmcoord-node-agent/pom.properties";

    private VersionText() {
    }

    /** lvmcoord's version: from the jar's Maven descriptor, "development build" when run from classes. */
    public static String lvmcoordVersion() {
        try (InputStream in = VersionText.class.getResourceAsStream(POM)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) {
                    return v;
                }
            }
        } catch (IOException unreadable) {
            // A jar whose descriptor cannot be read still runs: say so rather than guess.
        }
        return "development build";
    }

    public static String text() {
        String v = lvmcoordVersion();
        return "  LVM version:     " + LVM2_VERSION + " (lvmcoord " + v + ")\n"
                + "  Configuration:   lvmcoord " + v + ": reads LVM2 metadata from the devices itself and reports as lvm2 "
                + LVM2_VERSION + " does; never writes, locks or activates\n";
    }

    /**
     * What {@code lvmcoord --version} prints: first line {@code lvmcoord VERSION} alone (packaging
     * and scripts read it), then the lvm2 release whose reports it reproduces.
     */
    public static String programText() {
        return "lvmcoord " + lvmcoordVersion() + "\n" + "reproduces the reports of lvm2 " + LVM2_VERSION + "\n";
    }

    public static void print(PrintStream out) {
        out.print(text());
        out.flush();
    }
}
