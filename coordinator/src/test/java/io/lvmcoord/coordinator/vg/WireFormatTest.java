package io.lvmcoord.coordinator.vg;

import io.lvmcoord.scan.codec.ByteArrayBlockSource;
import io.lvmcoord.scan.codec.DecodeLimits;
import io.lvmcoord.scan.codec.PvDecoder;
import io.lvmcoord.scan.report.PvReports;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What crosses the wire between nodes besides entity commands (those the entity tests check):
 * cache pushes and announcements on the topic, acks, and the name index's messages survive a
 * round trip through the configured serializer (jackson-cbor) unchanged.
 */
class WireFormatTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final SerializationTestKit SER = new SerializationTestKit(KIT.system());

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private static <T> void roundTrip(T message) {
        assertEquals(message, SER.verifySerialization(message, true));
    }

    @Test
    void cachePushesAnnouncementsAcksAndNameIndexMessagesRoundTrip() throws Exception {
        var scan = new PvDecoder(DecodeLimits.DEFAULT).decode(new ByteArrayBlockSource("pv1.img",
                OrderIndependenceTest.load("s01-single-linear", "pv1.img")));
        PvReports.Extracted e = PvReports.of("node-a", scan);
        List<StoredText> texts = new ArrayList<>();
        e.texts().forEach((k, v) -> texts.add(new StoredText(k, v)));
        VgState state = VgState.EMPTY.apply(new VgEvent.DeviceReported(e.report(), texts));

        roundTrip(CacheUpdates.Update.published("VOLUME_GROUP:abc", state));
        roundTrip(CacheUpdates.Update.announced("VOLUME_GROUP:abc", 7));
        roundTrip(CacheUpdates.Update.published("VOLUME_GROUP:abc", state,
                new CacheUpdates.Reread(4, java.util.Map.of("B", List.of("/san/pv1.img", "/san/pv2.img")))));
        org.apache.pekko.actor.typed.ActorRef<CacheUpdates.Update> cacheRef = KIT.<CacheUpdates.Update>createTestProbe().getRef();
        org.apache.pekko.actor.typed.ActorRef<org.apache.pekko.pattern.StatusReply<VolumeGroupEntity.Ack>> ackRef =
                KIT.<org.apache.pekko.pattern.StatusReply<VolumeGroupEntity.Ack>>createTestProbe().getRef();
        roundTrip(new VolumeGroupEntity.ReportDevice(e.report(), texts, ackRef, cacheRef));
        // Read after acknowledge: a published version asking for its delivery, and the cache's confirmation.
        org.apache.pekko.actor.typed.ActorRef<CacheUpdates.Delivered> deliveryRef = KIT.<CacheUpdates.Delivered>createTestProbe().getRef();
        roundTrip(CacheUpdates.Update.published("VOLUME_GROUP:abc", state).confirmedTo(deliveryRef));
        roundTrip(new CacheUpdates.Delivered("VOLUME_GROUP:abc", 7, cacheRef));
        roundTrip(new VolumeGroupEntity.ReportDevice(e.report(), texts, ackRef));
        roundTrip(new VolumeGroupEntity.ReportDevices(List.of(e.report()), texts, ackRef, cacheRef));
        roundTrip(new VgEvent.DevicesReported(List.of(e.report()), texts));
        roundTrip(new VolumeGroupEntity.Ack(3, true));
        roundTrip(new VgNameIndex.Claim("vgtwin", "uuid-1"));
        roundTrip(new VgNameIndex.Release("vgtwin", "uuid-1"));
        roundTrip(new VgNameIndex.Listing("vgtwin", List.of("a", "b")));
        roundTrip(new VgNameIndex.State(Map.of("vgtwin", List.of("a", "b"), "vg01", List.of("c"))));
        roundTrip(new VgNameIndex.Claimed("vgtwin", "a"));
        roundTrip(new VgNameIndex.Released("vgtwin", "a"));
        roundTrip(new VolumeGroupEntity.Retire(ackRef));
        roundTrip(new VgEvent.DeviceForgotten("node-a", "pv1.img", 1_700_000_000_000L));
        roundTrip(new VgEvent.VgRetired(1_700_000_000_000L, 1_700_086_400_000L));
        VgState emptied = state.apply(new VgEvent.DeviceForgotten("node-a", "pv1.img", 1_700_000_000_000L));
        roundTrip(emptied);
        roundTrip(emptied.apply(new VgEvent.VgRetired(1_700_000_000_000L, 1_700_086_400_000L)));
    }

    /** The shape {@code DeviceForgotten} had before it carried its time. */
    record OldDeviceForgotten(String node, String device) implements io.lvmcoord.persistence.CborSerializable {
    }

    /** The shape {@code VgState} had before it knew about retirement. */
    record OldVgState(long version, java.util.Map<String, java.util.Map<String, io.lvmcoord.scan.report.PvReport>> reports,
                      List<StoredText> texts) implements io.lvmcoord.persistence.CborSerializable {
    }

    @Test
    void eventsAndSnapshotsWrittenBeforeRetirementExistedStillRead() throws Exception {
        var ser = (org.apache.pekko.serialization.SerializerWithStringManifest) org.apache.pekko.serialization.SerializationExtension
                .get(KIT.system().classicSystem()).serializerFor(OldDeviceForgotten.class);
        byte[] oldEvent = ser.toBinary(new OldDeviceForgotten("node-a", "pv1.img"));
        assertEquals(new VgEvent.DeviceForgotten("node-a", "pv1.img", 0),
                ser.fromBinary(oldEvent, VgEvent.DeviceForgotten.class.getName()));
        byte[] oldState = ser.toBinary(new OldVgState(9, java.util.Map.of(), List.of()));
        VgState read = (VgState) ser.fromBinary(oldState, VgState.class.getName());
        assertEquals(new VgState(9, java.util.Map.of(), List.of(), 0, false), read);
        // Emptied before the upgrade, time unknown: due as soon as the grace period counts from the epoch.
        assertEquals(86_400_000L, read.retirableAtMillis(86_400_000L));
    }

    @Test
    void activationReportsEventsAndStatesRoundTripWithTheirDmDevices() throws Exception {
        io.lvmcoord.scan.dm.DmState dm = DmFixtures.dm("dm-s02-thin");
        io.lvmcoord.scan.metadata.VgMetadata vg = DmFixtures.vg("dm-s02-thin");
        HostActivation a = Activation.of(-4_242_424_242L, dm, vg.id());
        assertEquals(6, a.devices().size());
        org.apache.pekko.actor.typed.ActorRef<org.apache.pekko.pattern.StatusReply<VolumeGroupEntity.Ack>> ackRef =
                KIT.<org.apache.pekko.pattern.StatusReply<VolumeGroupEntity.Ack>>createTestProbe().getRef();
        org.apache.pekko.actor.typed.ActorRef<CacheUpdates.Update> cacheRef = KIT.<CacheUpdates.Update>createTestProbe().getRef();
        roundTrip(new VolumeGroupEntity.ReportActivation("node-a", a, ackRef, cacheRef));
        roundTrip(new VolumeGroupEntity.DropActivation("node-a", 17, ackRef));
        roundTrip(new VgEvent.ActivationReported("node-a", a));
        roundTrip(new VgEvent.ActivationDropped("node-a", 17));
        VgState state = VgState.EMPTY.apply(new VgEvent.ActivationReported("node-a", a));
        roundTrip(state);
        roundTrip(CacheUpdates.Update.published("VOLUME_GROUP:" + vg.id(), state));
    }

    @Test
    void snapshotsWrittenBeforeTheActivationMapExistedReadWithAnEmptyMap() throws Exception {
        var ser = (org.apache.pekko.serialization.SerializerWithStringManifest) org.apache.pekko.serialization.SerializationExtension
                .get(KIT.system().classicSystem()).serializerFor(RetirementEraVgState.class);
        byte[] old = ser.toBinary(new RetirementEraVgState(5, Map.of(), List.of(), 1234, false));
        VgState read = (VgState) ser.fromBinary(old, VgState.class.getName());
        assertEquals(new VgState(5, Map.of(), List.of(), 1234, false), read);
        assertEquals(Map.of(), read.activation());
    }

    /** The shape {@code VgState} had before the activation map. */
    record RetirementEraVgState(long version, Map<String, Map<String, io.lvmcoord.scan.report.PvReport>> reports, List<StoredText> texts,
                                long emptySinceMillis, boolean retired) implements io.lvmcoord.persistence.CborSerializable {
    }
}
