package io.lvmcoord.agent.http;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Reads and writes on one connection with deadlines. JDK Unix channels have no SO_TIMEOUT, so the
 * channel is non-blocking and each wait goes through a selector of its own; the connection's
 * thread stays the only one touching it.
 */
final class ChannelIo implements Closeable {
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;

    ChannelIo(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        this.key = channel.register(selector, 0);
    }

    /** Reads some bytes before {@code deadline} (System.nanoTime): count, or -1 at end of stream. */
    int read(ByteBuffer dst, long deadline) throws IOException {
        while (true) {
            int n = channel.read(dst);
            if (n != 0 || !dst.hasRemaining()) {
                return n;
            }
            await(SelectionKey.OP_READ, deadline);
        }
    }

    void writeFully(ByteBuffer src, long deadline) throws IOException {
        while (src.hasRemaining()) {
            if (channel.write(src) == 0) {
                await(SelectionKey.OP_WRITE, deadline);
            }
        }
    }

    /**
     * True once the client has hung up. Used between stream lines: a write into the kernel buffer
     * succeeds long after the reader is gone, so a stream would only notice on buffer overflow.
     * Bytes the client sent meanwhile are discarded; a stream ends its connection anyway.
     */
    boolean peerClosed() {
        try {
            ByteBuffer scratch = ByteBuffer.allocate(512);
            int n;
            while ((n = channel.read(scratch)) > 0) {
                scratch.clear();
            }
            return n < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Half-closes and discards what the client still sends, until it closes, {@code maxBytes}
     * are gone or the deadline passes. Closing a socket with unread input makes the kernel reset
     * the connection, and the client may then lose the error answer it was about to read.
     */
    void lingeringClose(long deadline, long maxBytes) {
        try {
            channel.shutdownOutput();
            ByteBuffer scratch = ByteBuffer.allocate(8192);
            long discarded = 0;
            int n;
            while (discarded < maxBytes && (n = read(scratch, deadline)) >= 0) {
                discarded += n;
                scratch.clear();
            }
        } catch (IOException e) {
            // Deadline passed or the client reset first; either way we are done with it.
        }
    }

    private void await(int op, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed waiting to " + (op == SelectionKey.OP_READ ? "read" : "write"));
        }
        try {
            key.interestOps(op);
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException | CancelledKeyException e) {
            // The server closed this connection from another thread while it was stopping.
            throw new AsynchronousCloseException();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
