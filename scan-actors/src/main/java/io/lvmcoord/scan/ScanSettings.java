package io.lvmcoord.scan;

import com.typesafe.config.Config;
import io.lvmcoord.scan.io.IoScheduler;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code lvmcoord.scan} (see reference.conf).
 *
 * @param engine           auto, io_uring or pread
 * @param decodeDispatcher config path of the dispatcher decode steps run on
 * @param decodeDeadline   decoding time one device's scan may take before it is abandoned as TIMED_OUT
 */
public record ScanSettings(String engine, IoScheduler.Limits limits, int headRead, int minRead, boolean directIo,
                           int preadThreads, int ringEntries, String decodeDispatcher, Duration decodeDeadline) {

    /** Where the decode dispatcher is configured. */
    public static final String DECODE_DISPATCHER = "lvmcoord.scan.decode-dispatcher";

    public ScanSettings {
        engine = engine.toLowerCase(Locale.ROOT);
        if (!engine.equals("auto") && !engine.equals("io_uring") && !engine.equals("pread")) {
            throw new IllegalArgumentException("lvmcoord.scan.engine must be auto, io_uring or pread, got " + engine);
        }
        if (headRead < 4096 || minRead < 4096) {
            throw new IllegalArgumentException("lvmcoord.scan.head-read and min-read must be at least 4KiB");
        }
        if (decodeDeadline.isNegative() || decodeDeadline.isZero()) {
            throw new IllegalArgumentException("lvmcoord.scan.decode-deadline must be positive, got " + decodeDeadline);
        }
    }

    public static ScanSettings from(Config config) {
        Config c = config.getConfig("lvmcoord.scan");
        Duration deadline = c.getDuration("io-deadline");
        return new ScanSettings(c.getString("engine"),
                new IoScheduler.Limits(c.getInt("max-ios-in-flight"), c.getBytes("max-bytes-in-flight"), deadline,
                        c.getBytes("buffer-pool-bytes")),
                (int) (long) c.getBytes("head-read"), (int) (long) c.getBytes("min-read"), c.getBoolean("direct-io"),
                c.getInt("pread-threads"), c.getInt("ring-entries"), DECODE_DISPATCHER, c.getDuration("decode-deadline"));
    }

    public ScanSettings withEngine(String e) {
        return new ScanSettings(e, limits, headRead, minRead, directIo, preadThreads, ringEntries, decodeDispatcher, decodeDeadline);
    }

    public ScanSettings withDecodeDeadline(Duration d) {
        return new ScanSettings(engine, limits, headRead, minRead, directIo, preadThreads, ringEntries, decodeDispatcher, d);
    }
}
