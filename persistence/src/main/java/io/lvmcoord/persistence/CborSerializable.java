package io.lvmcoord.persistence;

/**
 * Marker for every message, event and state that leaves a JVM or reaches the journal: bound to
 * Pekko's jackson-cbor serializer in this module's reference.conf. One marker, so a class never
 * ends up on Java serialization by accident.
 */
public interface CborSerializable {
}
