package io.lvmcoord.scan.io;

import io.lvmcoord.scan.nativeio.NativeIoException;

/** Why an I/O did not deliver: the kernel said no (errno), or the device missed its deadline. */
public final class IoFailure extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind { ERRNO, TIMED_OUT }

    private final Kind kind;
    private final String operation;
    private final String target;
    private final int errno;

    public IoFailure(Kind kind, String operation, String target, int errno, String detail) {
        super(operation + " " + target + ": " + detail);
        this.kind = kind;
        this.operation = operation;
        this.target = target;
        this.errno = errno;
    }

    static IoFailure errno(String operation, String target, int errno) {
        return new IoFailure(Kind.ERRNO, operation, target, errno, NativeIoException.describe(errno));
    }

    static IoFailure timedOut(String operation, String target, long millis) {
        return new IoFailure(Kind.TIMED_OUT, operation, target, 0, "no answer within " + millis + " ms (abandoned)");
    }

    public Kind kind() {
        return kind;
    }

    public String operation() {
        return operation;
    }

    public String target() {
        return target;
    }

    public int errno() {
        return errno;
    }
}
