package io.lvmcoord.scan.nativeio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening the control node where there is none: a value, not a crash. The ioctls themselves run in the vmlab test. */
class LinuxDeviceMapperTest {

    @Test
    void aMissingControlNodeIsDeviceMapperNotAvailable(@TempDir Path tmp) throws NativeIoException {
        String control = tmp.resolve("mapper/control").toString();
        var na = assertInstanceOf(DeviceMapper.Opening.NotAvailable.class, LinuxDeviceMapper.open(control));
        assertEquals(control, na.controlPath());
        assertTrue(na.reason().startsWith("ENOENT"), na.reason());
        assertEquals("device-mapper not available: " + control + ": " + na.reason(), na.describe());
    }

    @Test
    void aControlNodeThatIsNotTheDriverFailsItsFirstIoctlNamingIt(@TempDir Path tmp) throws IOException, NativeIoException {
        Path notControl = Files.writeString(tmp.resolve("control"), "");
        var opened = assertInstanceOf(DeviceMapper.Opening.Opened.class, LinuxDeviceMapper.open(notControl.toString()));
        try (DeviceMapper dm = opened.deviceMapper()) {
            NativeIoException e = assertThrows(NativeIoException.class, dm::driverVersion);
            assertEquals("ioctl(DM_VERSION)", e.call());
            assertEquals(notControl.toString(), e.target());
            assertEquals(25, e.errno(), "ENOTTY: a regular file has no such ioctl");
        }
    }
}
