package io.lvmcoord.agent.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Settings, raw-socket exchanges and process runs shared by the transport tests. */
final class ApiFixtures {
    private ApiFixtures() {
    }

    /** Small caps so tests can cross them cheaply; no rate cap unless a test asks for one. */
    static ApiSettings settings(Path socket) {
        return new ApiSettings(socket, "", 4, 1024, 4096, Duration.ofSeconds(5), 0, 0, 0);
    }

    /** Sends {@code request} as is, half-closes, and returns everything the server answered. */
    static String raw(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.shutdownOutput();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (ch.read(in) >= 0) {
                answer.write(in.array(), 0, in.position());
                in.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /** The status code of a raw HTTP answer ("HTTP/1.1 404 Not Found" -> 404). */
    static int statusOf(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    record Run(int exit, String out) {
    }

    static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** The first executable named {@code name} on PATH, or null. */
    static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static List<String> list(String... parts) {
        return new ArrayList<>(List.of(parts));
    }
}
