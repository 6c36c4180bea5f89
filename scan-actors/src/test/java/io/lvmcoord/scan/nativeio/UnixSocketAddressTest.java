package io.lvmcoord.scan.nativeio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnixSocketAddressTest {
    @Test
    void pathIsFamilyThenNulTerminatedBytes() {
        byte[] encoded = UnixSocketAddress.parse("/run/n").encode();

        assertArrayEquals(new byte[] {1, 0, '/', 'r', 'u', 'n', '/', 'n', 0}, encoded);
    }

    @Test
    void abstractNameStartsWithNulAndIsNotTerminated() {
        UnixSocketAddress a = UnixSocketAddress.parse("@sd/x");

        assertEquals(new UnixSocketAddress("sd/x", true), a);
        // Length 2 + 1 + 4: a terminator would be part of the name and address another socket.
        assertArrayEquals(new byte[] {1, 0, 0, 's', 'd', '/', 'x'}, a.encode());
        assertEquals("@sd/x", a.toString());
    }

    @Test
    void longestPathFitsSunPathWithItsTerminator() {
        String path = "/" + "p".repeat(106);

        byte[] encoded = UnixSocketAddress.parse(path).encode();

        assertEquals(2 + 108, encoded.length);
        assertEquals(0, encoded[encoded.length - 1]);
    }

    @Test
    void pathOneByteTooLongIsRefusedNamingItsLength() {
        String path = "/" + "p".repeat(107);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnixSocketAddress.parse(path));

        assertTrue(e.getMessage().contains("is 108 bytes, more than sun_path's 107"), e.getMessage());
    }

    @Test
    void relativePathAndEmptyNameAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UnixSocketAddress.parse("run/notify")).getMessage()
                .contains("\"run/notify\" is not absolute"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UnixSocketAddress.parse("@")).getMessage()
                .contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UnixSocketAddress.parse("")).getMessage()
                .contains("empty"));
    }
}
