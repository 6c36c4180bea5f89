package io.lvmcoord.scan.io;

import io.lvmcoord.scan.nativeio.NativeIo;
import io.lvmcoord.scan.nativeio.NativeIoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the engine: io_uring when asked for or when {@code auto} finds it working, else pread. */
public final class IoEngines {
    private static final Logger LOG = LoggerFactory.getLogger(IoEngines.class);

    private IoEngines() {
    }

    public static IoEngine create(String choice, NativeIo io, int ringEntries, int preadThreads) throws NativeIoException {
        IoEngine engine = choose(choice, io, ringEntries, preadThreads);
        LOG.info("scan I/O engine: {} (configured: {})", engine.name(), choice);
        return engine;
    }

    private static IoEngine choose(String choice, NativeIo io, int ringEntries, int preadThreads) throws NativeIoException {
        switch (choice) {
            case "io_uring":
                return IoUringEngine.create(ringEntries);
            case "pread":
                return new PreadEngine(io, preadThreads);
            default:
                try {
                    return IoUringEngine.create(ringEntries);
                } catch (NativeIoException | LinkageError e) {
                    LOG.info("io_uring unavailable ({}); using the pread engine", e.getMessage());
                    return new PreadEngine(io, preadThreads);
                }
        }
    }
}
