package io.lvmcoord.coordinator.vg;

import io.lvmcoord.coordinator.assembly.Assembly;
import io.lvmcoord.coordinator.assembly.VgAssembler;
import io.lvmcoord.coordinator.assembly.VgView;
import io.lvmcoord.scan.report.PvReport;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.lvmcoord.coordinator.vg.VgTestNodes.reports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The entity applies each assembly rule, survives restart() (replay from its journal, with the
 * test kit also checking that every command, event and state serializes), acknowledges only
 * what it persisted, and writes nothing for a repeated report.
 */
class VolumeGroupEntityTest {
    private static final ActorTestKit KIT = ActorTestKit.create(EventSourcedBehaviorTestKit.config());

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private static EventSourcedBehaviorTestKit<VolumeGroupEntity.Command, VgEvent, VgState> entity() {
        return EventSourcedBehaviorTestKit.create(KIT.system(), VolumeGroupEntity.create("vg-under-test", 100, 2));
    }

    private static VgState send(EventSourcedBehaviorTestKit<VolumeGroupEntity.Command, VgEvent, VgState> kit,
                                List<VolumeGroupEntity.ReportDevice> reports) {
        for (VolumeGroupEntity.ReportDevice r : reports) {
            var result = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(
                    reply -> new VolumeGroupEntity.ReportDevice(r.report(), r.texts(), reply));
            assertTrue(result.reply().isSuccess(), result.reply().toString());
        }
        return kit.restart().state();
    }

    private static VgView onlyVg(Assembly a) {
        assertEquals(1, a.vgs().size(), "VGs: " + a.vgs());
        return a.vgs().get(0);
    }

    @Test
    void aNewReportIsPersistedAndAcknowledgedWithTheNewVersion() throws Exception {
        var kit = entity();
        var r = reports("node-a", "s01-single-linear", "pv1.img").get(0);
        var result = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(reply -> new VolumeGroupEntity.ReportDevice(r.report(), r.texts(), reply));
        assertEquals(new VolumeGroupEntity.Ack(1, true), result.reply().getValue());
        VgEvent.DeviceReported e = assertInstanceOf(VgEvent.DeviceReported.class, result.event());
        assertEquals(1, e.newTexts().size());
        assertEquals(1, kit.restart().state().version());
    }

    @Test
    void anIdenticalReReportPersistsNothing() throws Exception {
        var kit = entity();
        var r = reports("node-a", "s01-single-linear", "pv1.img").get(0);
        kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(reply -> new VolumeGroupEntity.ReportDevice(r.report(), r.texts(), reply));
        var again = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(reply -> new VolumeGroupEntity.ReportDevice(r.report(), r.texts(), reply));
        assertEquals(new VolumeGroupEntity.Ack(1, false), again.reply().getValue());
        assertTrue(again.events().isEmpty());
    }

    @Test
    void aMetadataTextIsStoredOnceHoweverManyDevicesCarryIt() throws Exception {
        var kit = entity();
        VgState s = send(kit, reports("node-a", "s02-striped-two-pv", "pv1.img", "pv2.img"));
        assertEquals(1, s.texts().size(), "both PVs carry the same committed text");
        s = send(kit, reports("node-b", "s02-striped-two-pv", "pv1.img", "pv2.img"));
        assertEquals(1, s.texts().size(), "and so does another node");
        assertEquals(2, s.reports().size());
    }

    @Test
    void aBatchOfDevicesIsOneEventOneVersionAndCarriesTheirTextOnce() throws Exception {
        var kit = entity();
        var rs = reports("node-a", "s02-striped-two-pv", "pv1.img", "pv2.img");
        List<PvReport> batch = rs.stream().map(VolumeGroupEntity.ReportDevice::report).toList();
        List<StoredText> texts = new ArrayList<>(rs.get(0).texts());
        texts.addAll(rs.get(1).texts());
        var result = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(reply -> new VolumeGroupEntity.ReportDevices(batch, texts, reply, null));
        assertEquals(new VolumeGroupEntity.Ack(1, true), result.reply().getValue());
        VgEvent.DevicesReported e = assertInstanceOf(VgEvent.DevicesReported.class, result.event());
        assertEquals(List.of("pv1.img", "pv2.img"), e.reports().stream().map(PvReport::device).toList());
        assertEquals(1, e.newTexts().size(), "both PVs carry one text, stored once");
        VgState recovered = kit.restart().state();
        assertEquals(1, recovered.version());
        assertEquals(java.util.Set.of("pv1.img", "pv2.img"), recovered.reports().get("node-a").keySet());

        var again = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(reply -> new VolumeGroupEntity.ReportDevices(batch, texts, reply, null));
        assertEquals(new VolumeGroupEntity.Ack(1, false), again.reply().getValue(), "a repeated batch writes nothing");
        assertTrue(again.events().isEmpty());
    }

    @Test
    void aBatchKeepsOnlyTheDevicesThatChanged() throws Exception {
        var kit = entity();
        var rs = reports("node-a", "s02-striped-two-pv", "pv1.img", "pv2.img");
        send(kit, rs.subList(0, 1));
        List<PvReport> batch = rs.stream().map(VolumeGroupEntity.ReportDevice::report).toList();
        var result = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(reply -> new VolumeGroupEntity.ReportDevices(batch, rs.get(1).texts(), reply, null));
        assertEquals(new VolumeGroupEntity.Ack(2, true), result.reply().getValue());
        VgEvent.DevicesReported e = assertInstanceOf(VgEvent.DevicesReported.class, result.event());
        assertEquals(List.of("pv2.img"), e.reports().stream().map(PvReport::device).toList());
        assertEquals(List.of(), e.newTexts(), "the text is held already");
    }

    @Test
    void aBatchWithAReportWhoseTextIsMissingIsRefusedWhole() throws Exception {
        var kit = entity();
        var rs = reports("node-a", "s02-striped-two-pv", "pv1.img", "pv2.img");
        List<PvReport> batch = rs.stream().map(VolumeGroupEntity.ReportDevice::report).toList();
        var result = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(reply -> new VolumeGroupEntity.ReportDevices(batch, List.of(), reply, null));
        assertTrue(result.reply().isError());
        assertTrue(result.reply().getError().getMessage().contains("report of pv1.img from node-a refers to metadata text"),
                result.reply().getError().getMessage());
        assertTrue(result.events().isEmpty());
    }

    @Test
    void aReportReferringToAnUnknownTextIsRefused() throws Exception {
        var kit = entity();
        var r = reports("node-a", "s01-single-linear", "pv1.img").get(0);
        var result = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(reply -> new VolumeGroupEntity.ReportDevice(r.report(), List.of(), reply));
        assertTrue(result.reply().isError());
        assertTrue(result.events().isEmpty());
    }

    @Test
    void forgettingADeviceDropsItAndTextsNoLongerReferenced() throws Exception {
        var kit = entity();
        send(kit, reports("node-a", "s01-single-linear", "pv1.img"));
        var result = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(reply -> new VolumeGroupEntity.ForgetDevice("node-a", "pv1.img", reply));
        assertEquals(new VolumeGroupEntity.Ack(2, true), result.reply().getValue());
        VgState s = kit.restart().state();
        assertTrue(s.reports().isEmpty());
        assertTrue(s.texts().isEmpty());
    }

    @Test
    void ruleMetadataLessPvsJoinTheirVgThroughItsPvList() throws Exception {
        VgState s = send(entity(), reports("node-a", "s04-no-mda-pv", "pv2.img", "pv3.img", "pv1.img"));
        VgView vg = onlyVg(s.assemble("node-a", new VgAssembler()));
        assertEquals(3, vg.pvs().size());
        assertEquals(0, vg.missingPvCount());
    }

    @Test
    void ruleUnseenPvsAreMissing() throws Exception {
        VgState s = send(entity(), reports("node-a", "s08-missing-pv", "pv1.img", "pv2.img"));
        Assembly a = s.assemble("node-a", new VgAssembler());
        assertEquals(1, onlyVg(a).missingPvCount());
        assertTrue(a.warnings().get(0).startsWith("WARNING: Couldn't find device with uuid y0Y7bK"), a.warnings().toString());
    }

    @Test
    void ruleTheHighestSeqnoWinsAndTheStaleCopyIsListed() throws Exception {
        VgState s = send(entity(), reports("node-a", "s09-stale-seqno", "pv2.img", "pv1.img"));
        VgView vg = onlyVg(s.assemble("node-a", new VgAssembler()));
        assertEquals(4, vg.metadata().seqno());
        assertEquals(List.of(new VgView.StaleCopy("pv2.img", 2)), vg.staleCopies());
    }

    @Test
    void ruleDuplicatePvUuidsAreReportedAndOneDeviceIsPreferred() throws Exception {
        VgState s = send(entity(), reports("node-a", "s10-duplicate-pv", "pv2clone.img", "pv1.img", "pv2.img"));
        Assembly a = s.assemble("node-a", new VgAssembler());
        assertEquals(1, a.duplicates().size());
        assertEquals("pv2clone.img", a.duplicates().get(0).scan().device());
    }

    @Test
    void ruleUnclaimedPvsAreOrphans() throws Exception {
        VgState s = send(entity(), reports("node-a", "s05-orphans", "pv1.img", "pv2.img", "blank.img"));
        Assembly a = s.assemble("node-a", new VgAssembler());
        assertTrue(a.vgs().isEmpty());
        assertEquals(2, a.loosePvs().size());
        assertFalse(a.loosePvs().get(0).unknownVg());
    }

    @Test
    void ruleCompletenessIsPerNode() throws Exception {
        var kit = entity();
        send(kit, reports("node-a", "s02-striped-two-pv", "pv1.img", "pv2.img"));
        VgState s = send(kit, reports("node-b", "s02-striped-two-pv", "pv1.img"));
        assertEquals(0, onlyVg(s.assemble("node-a", new VgAssembler())).missingPvCount(), "node-a sees both PVs");
        assertEquals(1, onlyVg(s.assemble("node-b", new VgAssembler())).missingPvCount(), "node-b lacks pv2");
    }

    @Test
    void activationIsPersistedOncePerChangeSurvivesRestartAndGoesWithItsIncarnation() throws Exception {
        var kit = entity();
        io.lvmcoord.scan.dm.DmState dm = DmFixtures.dm("dm-s01-linear");
        String vgUuid = DmFixtures.vg("dm-s01-linear").id();
        HostActivation a = Activation.of(41, dm, vgUuid);
        var first = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(r -> new VolumeGroupEntity.ReportActivation("node-a", a, r, null));
        assertEquals(new VolumeGroupEntity.Ack(1, true), first.reply().getValue());
        var again = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(r -> new VolumeGroupEntity.ReportActivation("node-a", a, r, null));
        assertEquals(new VolumeGroupEntity.Ack(1, false), again.reply().getValue());
        assertTrue(again.events().isEmpty());
        VgState restarted = kit.restart().state();
        assertEquals(java.util.Map.of("node-a", a), restarted.activation());
        // Another incarnation's removal leaves the entry; its own removes it.
        var other = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(r -> new VolumeGroupEntity.DropActivation("node-a", 40, r));
        assertFalse(other.reply().getValue().changed());
        var own = kit.<StatusReply<VolumeGroupEntity.Ack>>runCommand(r -> new VolumeGroupEntity.DropActivation("node-a", 41, r));
        assertEquals(new VolumeGroupEntity.Ack(2, true), own.reply().getValue());
        assertEquals(java.util.Map.of(), kit.restart().state().activation());
    }
}
