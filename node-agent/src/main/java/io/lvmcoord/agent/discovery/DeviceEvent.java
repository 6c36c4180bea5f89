package io.lvmcoord.agent.discovery;

/** What a device source reports: a device (by the name it is reported under) changed or went, or events were lost. */
public sealed interface DeviceEvent permits DeviceEvent.Changed, DeviceEvent.Removed, DeviceEvent.Lost {

    /** The device appeared or its contents may have changed: read it again. */
    record Changed(String device, String cause) implements DeviceEvent {
    }

    /** The device is gone from this node. */
    record Removed(String device, String cause) implements DeviceEvent {
    }

    /**
     * Only a full rescan is safe: events were dropped (a kernel or inotify queue overflowed), or the
     * rules choosing devices changed (lvm2's configuration was edited).
     */
    record Lost(String cause) implements DeviceEvent {
    }
}
