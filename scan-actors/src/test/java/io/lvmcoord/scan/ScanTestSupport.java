package io.lvmcoord.scan;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lvmcoord.scan.codec.Images;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Fixture access and configuration for the scan-actor tests. */
final class ScanTestSupport {
    private ScanTestSupport() {
    }

    static Path fixtures() {
        return Images.fixtures();
    }

    /** Unpacks a fixture image to {@code target} (sparse where the image is zero). */
    static Path unpack(String scenario, String image, Path target) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(fixtures().resolve(scenario).resolve(image + ".gz")))) {
            Files.copy(in, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the first {@code headBytes} of a fixture image and extends the file to {@code size}. */
    static void writeHead(byte[] head, Path target, long size) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(target, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(head));
            ch.truncate(size);
            if (ch.size() < size) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[1]), size - 1);
            }
        }
    }

    static byte[] head(String scenario, String image, int bytes) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(fixtures().resolve(scenario).resolve(image + ".gz")))) {
            return in.readNBytes(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Test configuration: quiet actor system, the given engine and scan overrides. */
    static Config config(String engine, String overrides) {
        return ConfigFactory.parseString("lvmcoord.scan.engine = " + engine + "\n" + overrides + "\n"
                        + "pekko.loglevel = WARNING\npekko.log-dead-letters = off\n")
                .withFallback(ConfigFactory.load());
    }
}
