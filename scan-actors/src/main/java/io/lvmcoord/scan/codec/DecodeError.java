package io.lvmcoord.scan.codec;

/**
 * An expected decoding failure, as a value: which device, at which absolute byte offset, what
 * kind of failure and a sentence an operator can act on. Decoding never throws for bad input.
 */
public record DecodeError(String device, long offset, Kind kind, String reason) {

    /** Closed set of the ways on-disk data can be unusable. */
    public enum Kind {
        /** No sector 0-3 carries a valid LVM2 label. */
        NO_LABEL,
        /** A label was found but its checksum does not match. */
        LABEL_CHECKSUM,
        /** The pv_header is malformed (lists out of bounds, invalid UUID). */
        BAD_PV_HEADER,
        /** The mda_header's checksum does not match its contents. */
        MDA_HEADER_CHECKSUM,
        /** The mda_header failed one of: magic, version, start. */
        BAD_MDA_HEADER,
        /** The metadata text location is impossible for its area. */
        BAD_TEXT_LOCATION,
        /** The text checksum does not match the one in the mda_header. */
        TEXT_CHECKSUM,
        /** The text does not parse, or lacks required VG keys. */
        BAD_TEXT,
        /** A size claimed on disk exceeds a configured cap. */
        TOO_LARGE,
        /** The device is shorter than a structure it claims. */
        TRUNCATED,
        /** The device could not be read. */
        IO_ERROR,
        /** The device did not answer within the I/O deadline; the read was abandoned. */
        TIMED_OUT,
        /**
         * Decoding or handling the device failed unexpectedly (an exception, a stack overflow in
         * the scanner): a bug met on this device's data, reported for it instead of crashing.
         */
        SCANNER_FAILED
    }

    @Override
    public String toString() {
        return device + " at " + offset + ": " + reason;
    }
}
