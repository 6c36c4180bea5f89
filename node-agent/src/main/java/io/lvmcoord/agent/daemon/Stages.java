package io.lvmcoord.agent.daemon;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Patience for stages the agent hands on: an answer in time, or a failure saying what did not come. */
final class Stages {
    private Stages() {
    }

    /**
     * {@code stage}'s outcome, or a {@link TimeoutException} with {@code message} once
     * {@code patience} has passed without one: nobody waits forever on a stage that, through a bug
     * or a lost message, never completes.
     */
    static <T> CompletableFuture<T> within(CompletionStage<T> stage, Duration patience, String message) {
        CompletableFuture<T> f = new CompletableFuture<>();
        stage.whenComplete((v, e) -> {
            if (e != null) {
                f.completeExceptionally(e);
            } else {
                f.complete(v);
            }
        });
        if (!f.isDone()) {
            CompletableFuture.delayedExecutor(patience.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> f.completeExceptionally(new TimeoutException(message)));
        }
        return f;
    }

    /** What failed a stage: the cause inside the completion (or execution) wrappers stages put around it; null stays null. */
    static Throwable cause(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
