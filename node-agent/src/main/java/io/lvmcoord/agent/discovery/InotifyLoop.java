package io.lvmcoord.agent.discovery;

import io.lvmcoord.scan.nativeio.Inotify;
import io.lvmcoord.scan.nativeio.InotifyEvent;
import io.lvmcoord.scan.nativeio.NativeIoException;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The thread a watcher polls its inotify instance on: each batch of events goes to the
 * watcher's handler, a failing poll to its failure handler once (then the loop ends: events may
 * have been lost, and the owner rescans), and closing stops the thread and closes the instance.
 * The poll timeout bounds how long closing waits.
 */
final class InotifyLoop implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(500);

    private final Inotify inotify;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts polling {@code inotify} (owned from now on) on a daemon thread named {@code name}.
     *
     * @param onFailure gets the poll's error message, unless the loop is closing
     */
    InotifyLoop(Inotify inotify, String name, Consumer<List<InotifyEvent>> onEvents, Consumer<String> onFailure) {
        this.inotify = inotify;
        this.thread = new Thread(() -> run(onEvents, onFailure), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Consumer<List<InotifyEvent>> onEvents, Consumer<String> onFailure) {
        while (running) {
            List<InotifyEvent> events;
            try {
                events = inotify.poll(POLL);
            } catch (NativeIoException | IllegalStateException e) {
                if (running) {
                    onFailure.accept(e.getMessage());
                }
                return;
            }
            onEvents.accept(events);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(POLL.toMillis() * 4);
            inotify.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (NativeIoException e) {
            // Closing on the way out; nothing more to watch either way.
        }
    }
}
