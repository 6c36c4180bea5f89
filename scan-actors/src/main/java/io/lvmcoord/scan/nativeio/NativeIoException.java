package io.lvmcoord.scan.nativeio;

import jnr.constants.platform.Errno;

/** A failed system call: which call, on what, and the errno the kernel returned. */
public final class NativeIoException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final String target;
    private final int errno;

    public NativeIoException(String call, String target, int errno) {
        super(call + " " + target + ": " + describe(errno));
        this.call = call;
        this.target = target;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public String target() {
        return target;
    }

    public int errno() {
        return errno;
    }

    /** "EIO (Input/output error)", or "errno 1234" for values jnr-constants does not know. */
    public static String describe(int errno) {
        Errno e = Errno.valueOf(errno);
        return e == null || e == Errno.__UNKNOWN_CONSTANT__ ? "errno " + errno : e.name() + " (" + e.description() + ")";
    }
}
