package io.lvmcoord.agent.autoact;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One run of the hook's command, with real scripts: argv, stdin, environment, exit, timeout and output bounds. */
class HookRunTest {
    @TempDir
    Path tmp;
    private final ExecutorService readers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        readers.shutdownNow();
    }

    private Path script(String name, String body) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private HookRun.Outcome run(List<String> argv, Duration timeout, int maxOutput) {
        return HookRun.run(argv, Map.of("LVMCOORD_VG_NAME", "vg 0"), timeout, maxOutput, readers, System::nanoTime);
    }

    @Test
    void theCommandGetsItsArgvUnsplitAClosedStdinAndTheVgInItsEnvironment() throws Exception {
        Path log = tmp.resolve("log");
        Path hook = script("hook", "for a in \"$@\"; do printf '[%s]' \"$a\" >> " + log + "; done\n"
                + "echo >> " + log + "\n"
                + "printf 'stdin=%s env=%s\\n' \"$(cat)\" \"$LVMCOORD_VG_NAME\" >> " + log + "\n"
                + "echo done\n");
        OnVgCompleteSettings s = new OnVgCompleteSettings(List.of(hook.toString(), "-aay", "{vg}", "--select", "vg_uuid={vg_uuid}"),
                Duration.ofSeconds(30), tmp, 1, 1024);
        HookRun.Outcome o = run(s.argv("vg 0", "u-1"), Duration.ofSeconds(30), 1024);
        assertEquals(new HookRun.Exited(0), o.result());
        assertTrue(o.succeeded());
        assertEquals("[-aay][vg 0][--select][vg_uuid=u-1]\nstdin= env=vg 0\n", Files.readString(log));
        assertEquals("done\n", o.stdout());
        assertEquals("", o.stderr());
    }

    @Test
    void aFailingCommandReportsItsExitCodeAndStderr() throws Exception {
        Path hook = script("fail", "echo 'first problem' >&2\necho 'second problem' >&2\nexit 5\n");
        HookRun.Outcome o = run(List.of(hook.toString()), Duration.ofSeconds(30), 1024);
        assertEquals(new HookRun.Exited(5), o.result());
        assertFalse(o.succeeded());
        assertEquals(List.of("first problem", "second problem"), o.stderrLines(5));
        assertEquals(List.of("first problem"), o.stderrLines(1));
    }

    @Test
    void aCommandPastItsTimeoutIsKilledWithTheProcessesItStarted() throws Exception {
        Path pids = tmp.resolve("pids");
        // A child in the background and one in the foreground: both must die.
        Path hook = script("hang", "sleep 300 &\necho $! > " + pids + ".bg\necho $$ > " + pids + ".sh\nsleep 301\n");
        long t0 = System.nanoTime();
        HookRun.Outcome o = run(List.of(hook.toString()), Duration.ofMillis(800), 1024);
        long tookMillis = (System.nanoTime() - t0) / 1_000_000;
        assertInstanceOf(HookRun.TimedOut.class, o.result());
        HookRun.TimedOut t = (HookRun.TimedOut) o.result();
        assertEquals(Duration.ofMillis(800), t.timeout());
        assertEquals(2, t.killed(), "the two sleeps");
        assertTrue(tookMillis < 800 + HookRun.DRAIN.toMillis() + 2000, "returned soon after the timeout: " + tookMillis + " ms");
        long bg = Long.parseLong(Files.readString(Path.of(pids + ".bg")).trim());
        long sh = Long.parseLong(Files.readString(Path.of(pids + ".sh")).trim());
        for (long pid : List.of(bg, sh)) {
            assertTrue(diesWithin(pid, Duration.ofSeconds(5)), "process " + pid + " still running");
        }
    }

    /** Whether {@code pid} is gone or a zombie (killed, its new parent not yet reaping it) within {@code limit}. */
    private static boolean diesWithin(long pid, Duration limit) throws Exception {
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            Path stat = Path.of("/proc/" + pid + "/stat");
            if (!Files.exists(stat)) {
                return true;
            }
            try {
                String s = Files.readString(stat);
                if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) {
                    return true;
                }
            } catch (java.io.IOException gone) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Test
    void outputBeyondTheCapIsReadAndDropped() throws Exception {
        // 1 MB through a 64 KiB pipe: a reader that stopped reading would leave the command blocked until the timeout.
        Path hook = script("chatty", "head -c 1000000 /dev/zero | tr '\\0' 'x'\necho oops >&2\nexit 3\n");
        HookRun.Outcome o = run(List.of(hook.toString()), Duration.ofSeconds(30), 100);
        assertEquals(new HookRun.Exited(3), o.result());
        assertEquals("x".repeat(100), o.stdout());
        assertTrue(o.stdoutTruncated());
        assertEquals("oops\n", o.stderr());
        assertFalse(o.stderrTruncated());
    }

    @Test
    void aProgramThatCannotBeStartedIsReportedNotThrown() {
        HookRun.Outcome o = run(List.of(tmp.resolve("no-such-program").toString(), "x"), Duration.ofSeconds(5), 100);
        assertInstanceOf(HookRun.NotStarted.class, o.result());
        assertTrue(((HookRun.NotStarted) o.result()).reason().contains("no-such-program"), o.result().toString());
    }

    @Test
    void onlyTheKnownPlaceholdersAreAccepted() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new OnVgCompleteSettings(List.of("vgchange", "{vgname}"), Duration.ofSeconds(1), tmp, 1, 1));
        assertEquals("lvmcoord.agent.on-vg-complete.command argument \"{vgname}\" has {vgname}: only {vg} and {vg_uuid} are replaced",
                e.getMessage());
    }
}
