package io.lvmcoord.agent.daemon;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelStateSettingsTest {

    private static KernelStateSettings of(String hocon) {
        return KernelStateSettings.from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
    }

    @Test
    void theDefaultsReadTheLiveKernelEveryMinute() {
        assertEquals(new KernelStateSettings(KernelStateSettings.Source.KERNEL, null, Path.of("/sys"), Duration.ofSeconds(60),
                Duration.ofMillis(200)), of(""));
    }

    @Test
    void aRecordingIsReadFromItsFolder() {
        KernelStateSettings s = of("lvmcoord.agent.kernel-state { source = RECORDING, recording = \"/tmp/dm\" }");
        assertEquals(KernelStateSettings.Source.RECORDING, s.source());
        assertEquals(Path.of("/tmp/dm"), s.recording());
    }

    @Test
    void settingsThatCannotWorkAreRefusedNamingTheKey() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> of("lvmcoord.agent.kernel-state.source = ioctl"))
                .getMessage().contains("lvmcoord.agent.kernel-state.source must be kernel or recording, got \"ioctl\""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> of("lvmcoord.agent.kernel-state.source = recording"))
                .getMessage().contains("kernel-state.recording"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> of("lvmcoord.agent.kernel-state.reconcile-interval = 0s"))
                .getMessage().contains("reconcile-interval must be > 0"));
    }
}
