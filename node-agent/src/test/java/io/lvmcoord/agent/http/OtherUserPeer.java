package io.lvmcoord.agent.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another local user misbehaving towards the agent, run as that user (setpriv) by the fairness
 * tests. JDK classes only, so it runs from a copy of this one class file.
 *
 * <pre>OtherUserPeer TARGET MODE COUNT SECONDS</pre>
 * TARGET is unix:PATH or tcp:PORT (127.0.0.1). MODE: {@code slow} opens COUNT connections and
 * trickles a request head into each, a byte every half second, never finishing it; {@code long}
 * sends COUNT requests for {@code /v1/hang}, which never answers; {@code flood} sends requests
 * for {@code /health} as fast as it can on COUNT connections. Prints "held" once its connections
 * are open (or its flood runs), then goes on for SECONDS, then prints what answers it got.
 */
public final class OtherUserPeer {
    private OtherUserPeer() {
    }

    public static void main(String[] args) throws Exception {
        String target = args[0];
        String mode = args[1];
        int count = Integer.parseInt(args[2]);
        long until = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            conns.add(open(target));
        }
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        switch (mode) {
            case "slow" -> {
                for (Conn c : conns) {
                    c.out.write("GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
                    c.out.flush();
                }
                System.out.println("held");
                System.out.flush();
                while (System.nanoTime() < until) {
                    Thread.sleep(500);
                    for (Conn c : conns) {
                        try {
                            c.out.write('a');
                            c.out.flush();
                        } catch (IOException closed) {
                            // The agent closed this one (over the cap): that is its answer.
                        }
                    }
                }
            }
            case "long" -> {
                for (Conn c : conns) {
                    c.out.write("GET /v1/hang HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    c.out.flush();
                }
                System.out.println("held");
                System.out.flush();
                while (System.nanoTime() < until) {
                    Thread.sleep(200);
                }
            }
            case "flood" -> {
                List<Thread> threads = new ArrayList<>();
                for (Conn c : conns) {
                    Thread t = new Thread(() -> flood(c, until, ok, refused));
                    t.setDaemon(true);
                    t.start();
                    threads.add(t);
                }
                System.out.println("held");
                System.out.flush();
                for (Thread t : threads) {
                    t.join();
                }
            }
            default -> throw new IllegalArgumentException("mode: slow, long or flood");
        }
        System.out.println("ok " + ok.get() + " refused " + refused.get());
    }

    private record Conn(InputStream in, OutputStream out) {
    }

    private static Conn open(String target) throws IOException {
        if (target.startsWith("unix:")) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(target.substring(5)));
            return new Conn(Channels.newInputStream(ch), Channels.newOutputStream(ch));
        }
        Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(target.substring(4)));
        return new Conn(s.getInputStream(), s.getOutputStream());
    }

    /** Keep-alive requests one after another; a closed connection is opened again. */
    private static void flood(Conn c, long until, AtomicInteger ok, AtomicInteger refused) {
        byte[] request = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] buf = new byte[4096];
        while (System.nanoTime() < until) {
            try {
                c.out.write(request);
                c.out.flush();
                int n = c.in.read(buf);
                if (n < 12) {
                    throw new IOException("closed");
                }
                String head = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                (head.startsWith("HTTP/1.1 200") ? ok : refused).incrementAndGet();
                if (head.contains("Connection: close")) {
                    throw new IOException("closed by the agent");
                }
            } catch (IOException e) {
                refused.incrementAndGet();
                return;
            }
        }
    }
}
