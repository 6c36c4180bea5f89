package io.lvmcoord.scan.codec;

/** Either a decoded value or the {@link DecodeError} explaining why there is none. */
public sealed interface Decoded<T> permits Decoded.Ok, Decoded.Failed {

    record Ok<T>(T value) implements Decoded<T> {
    }

    record Failed<T>(DecodeError error) implements Decoded<T> {
    }

    static <T> Decoded<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Decoded<T> fail(String device, long offset, DecodeError.Kind kind, String reason) {
        return new Failed<>(new DecodeError(device, offset, kind, reason));
    }

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The value; only call after {@link #isOk()}. */
    default T value() {
        if (this instanceof Ok<T> ok) {
            return ok.value();
        }
        throw new IllegalStateException("no value: " + error());
    }

    /** The error, or null when decoding succeeded. */
    default DecodeError error() {
        return this instanceof Failed<T> f ? f.error() : null;
    }
}
