package io.lvmcoord.agent.autoact;

import io.lvmcoord.agent.client.JsonText;

import java.time.Instant;
import java.util.List;

/** What the hook did about one VG on this node, as {@code status} and {@code watch} show it. */
record HookRecord(String vgName, String vgUuid, State state) {
    /** Lines of stderr shown for a failed run (status, watch, the log). */
    static final int STDERR_LINES = 5;

    sealed interface State permits Running, Ran, LatchedEarlier, Skipped, LatchFailed {
    }

    /** Latched by this agent and running since {@code started}. */
    record Running(Instant latchedAt, Instant started) implements State {
    }

    /** Latched by this agent and run. */
    record Ran(Instant latchedAt, HookRun.Outcome outcome) implements State {
    }

    /** Found latched (an earlier agent, or before a restart): not run by this agent. */
    record LatchedEarlier(Instant latchedAt) implements State {
    }

    /** Complete, but lvm2 would not autoactivate it. */
    record Skipped(String reason) implements State {
    }

    /** Complete, but no latch could be made, so it was not run. */
    record LatchFailed(String reason) implements State {
    }

    /** Whether the VG is latched in this record's eyes (nothing more to do while its latch file exists). */
    boolean latched() {
        return state instanceof Running || state instanceof Ran || state instanceof LatchedEarlier;
    }

    String stateName() {
        if (state instanceof Running) {
            return "running";
        }
        if (state instanceof Ran r) {
            HookRun.Result res = r.outcome().result();
            return res instanceof HookRun.Exited ? "exited" : res instanceof HookRun.TimedOut ? "timed_out" : "not_started";
        }
        if (state instanceof LatchedEarlier) {
            return "latched_earlier";
        }
        return state instanceof Skipped ? "skipped" : "latch_failed";
    }

    /** One line for people: what happened and when. */
    String summary() {
        String vg = "VG " + vgName;
        if (state instanceof Running r) {
            return vg + ": running since " + r.started();
        }
        if (state instanceof Ran r) {
            HookRun.Outcome o = r.outcome();
            HookRun.Result res = o.result();
            String how = res instanceof HookRun.Exited e ? "exited " + e.code()
                    : res instanceof HookRun.TimedOut t ? "timed out after " + t.timeout().toMillis() + " ms and was killed"
                    + (t.killed() > 0 ? " with " + t.killed() + " process(es) it started" : "")
                    : "could not start: " + ((HookRun.NotStarted) res).reason();
            return vg + ": " + how + " (" + o.durationMillis() + " ms, latched " + r.latchedAt() + ")";
        }
        if (state instanceof LatchedEarlier l) {
            return vg + ": latched " + l.latchedAt() + " before this agent started, not run again";
        }
        if (state instanceof Skipped s) {
            return vg + ": not autoactivated: " + s.reason();
        }
        return vg + ": not run: " + ((LatchFailed) state).reason();
    }

    /** The JSON object (no node). */
    String json() {
        Instant latchedAt = state instanceof Running r ? r.latchedAt() : state instanceof Ran r ? r.latchedAt()
                : state instanceof LatchedEarlier l ? l.latchedAt() : null;
        StringBuilder out = new StringBuilder("{\"vg\": ").append(JsonText.quote(vgName))
                .append(", \"vg_uuid\": ").append(JsonText.quote(vgUuid))
                .append(", \"state\": ").append(JsonText.quote(stateName()))
                .append(", \"latched_at\": ").append(latchedAt == null ? "null" : JsonText.quote(latchedAt.toString()));
        Integer exit = null;
        Long duration = null;
        List<String> stderr = List.of();
        String reason = null;
        if (state instanceof Running r) {
            out.append(", \"started_at\": ").append(JsonText.quote(r.started().toString()));
        } else if (state instanceof Ran r) {
            HookRun.Outcome o = r.outcome();
            out.append(", \"started_at\": ").append(JsonText.quote(o.started().toString()));
            duration = o.durationMillis();
            if (o.result() instanceof HookRun.Exited e) {
                exit = e.code();
            } else if (o.result() instanceof HookRun.NotStarted n) {
                reason = n.reason();
            } else if (o.result() instanceof HookRun.TimedOut t) {
                out.append(", \"timeout_ms\": ").append(t.timeout().toMillis()).append(", \"killed_descendants\": ").append(t.killed());
            }
            if (!o.succeeded()) {
                stderr = o.stderrLines(STDERR_LINES);
            }
        } else if (state instanceof Skipped s) {
            reason = s.reason();
        } else if (state instanceof LatchFailed f) {
            reason = f.reason();
        }
        out.append(", \"exit_code\": ").append(exit == null ? "null" : exit.toString())
                .append(", \"duration_ms\": ").append(duration == null ? "null" : duration.toString())
                .append(", \"stderr\": [");
        for (int i = 0; i < stderr.size(); i++) {
            out.append(i > 0 ? ", " : "").append(JsonText.quote(stderr.get(i)));
        }
        out.append("], \"reason\": ").append(reason == null ? "null" : JsonText.quote(reason))
                .append(", \"summary\": ").append(JsonText.quote(summary())).append('}');
        return out.toString();
    }
}
