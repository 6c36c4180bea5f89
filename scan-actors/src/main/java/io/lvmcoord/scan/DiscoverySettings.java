package io.lvmcoord.scan;

import com.typesafe.config.Config;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code lvmcoord.discovery} (see reference.conf): which block devices are scanned and where
 * they are found.
 *
 * @param accept              patterns a name must match (any one); empty means every name
 * @param reject              patterns no name may match
 * @param scanLvs             scan LVM's own LVs for stacked PVs
 * @param ueventReceiveBuffer bytes of receive buffer for the kernel uevent socket
 */
public record DiscoverySettings(List<String> accept, List<String> reject, boolean scanLvs, Path sysClassBlock,
                                int ueventReceiveBuffer) {

    public DiscoverySettings {
        accept = List.copyOf(accept);
        reject = List.copyOf(reject);
        compile("lvmcoord.discovery.accept", accept);
        compile("lvmcoord.discovery.reject", reject);
        if (ueventReceiveBuffer <= 0) {
            throw new IllegalArgumentException(
                    "lvmcoord.discovery.uevent-receive-buffer must be positive, got " + ueventReceiveBuffer);
        }
    }

    public static DiscoverySettings from(Config config) {
        Config c = config.getConfig("lvmcoord.discovery");
        long buffer = c.getBytes("uevent-receive-buffer");
        if (buffer > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "lvmcoord.discovery.uevent-receive-buffer must fit an int (2GiB), got " + buffer);
        }
        return new DiscoverySettings(c.getStringList("accept"), c.getStringList("reject"), c.getBoolean("scan-lvs"),
                Path.of(c.getString("sys-class-block")), (int) buffer);
    }

    List<Pattern> acceptPatterns() {
        return compile("lvmcoord.discovery.accept", accept);
    }

    List<Pattern> rejectPatterns() {
        return compile("lvmcoord.discovery.reject", reject);
    }

    private static List<Pattern> compile(String key, List<String> regexes) {
        return regexes.stream().map(r -> {
            try {
                return Pattern.compile(r);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(key + " has an invalid regular expression " + r + ": "
                        + e.getDescription(), e);
            }
        }).toList();
    }
}
