package io.lvmcoord.scan.lvmconf;

import io.lvmcoord.scan.metadata.ConfigParser;
import io.lvmcoord.scan.metadata.ConfigSection;
import io.lvmcoord.scan.metadata.TextLimits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads lvm.conf and lvmlocal.conf from a config dir and applies a {@code --config} string, as
 * lvm2 does at command start. A file that does not exist is no error (its settings take their
 * defaults); one that cannot be read or parsed fails the load, as it fails every lvm2 command.
 * An empty dir path means "no config files" (lvm2's {@code LVM_SYSTEM_DIR=""}).
 */
public final class LvmConfigLoader {
    public static final String LVM_CONF = "lvm.conf";
    public static final String LVMLOCAL_CONF = "lvmlocal.conf";

    /** What loading gave. */
    public sealed interface Result permits Loaded, Failed {
    }

    public record Loaded(LvmConfig config) implements Result {
    }

    /** @param reason names the file (or "--config") and what was wrong */
    public record Failed(String reason) implements Result {
    }

    private LvmConfigLoader() {
    }

    /**
     * @param systemDir     the config dir; empty path ("") for none
     * @param configOverlay the {@code --config} string, or null
     */
    public static Result load(Path systemDir, String configOverlay) {
        Optional<ConfigSection> overlay = Optional.empty();
        if (configOverlay != null) {
            try {
                overlay = Optional.of(ConfigParser.parse(configOverlay));
            } catch (ConfigParser.SyntaxError e) {
                return new Failed("--config '" + configOverlay + "': " + e.getMessage());
            }
        }
        if (systemDir.toString().isEmpty()) {
            return new Loaded(LvmConfig.of(overlay, Optional.empty(), Optional.empty()));
        }
        Optional<ConfigSection> conf;
        Optional<ConfigSection> local;
        try {
            conf = read(systemDir.resolve(LVM_CONF));
            local = read(systemDir.resolve(LVMLOCAL_CONF));
        } catch (LoadError e) {
            return new Failed(e.getMessage());
        }
        return new Loaded(LvmConfig.of(overlay, conf, local));
    }

    private static Optional<ConfigSection> read(Path file) throws LoadError {
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LoadError(file + ": cannot read: " + e.getMessage());
        }
        try {
            return Optional.of(ConfigParser.parse(text, text.length, TextLimits.DEFAULT));
        } catch (ConfigParser.SyntaxError e) {
            throw new LoadError(file + ": " + e.getMessage());
        }
    }

    private static final class LoadError extends Exception {
        private static final long serialVersionUID = 1L;

        LoadError(String message) {
            super(message);
        }
    }
}
