package io.lvmcoord.agent.systemd;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Whether the agent's actor system still answers: a ping through an actor on the default
 * dispatcher, answered within a bound. Every part of the agent runs on that dispatcher (the scan
 * loop, the cache's writer, the API's asks), so a pool exhausted by blocked threads, a deadlock or
 * a terminated system all show up as a missing pong, and the watchdog then stops being petted.
 */
public final class Liveness implements ServiceNotifier.Health {
    /** The ping; field-less apart from where to answer. */
    public record Ping(ActorRef<Pong> replyTo) {
    }

    public enum Pong {
        INSTANCE
    }

    private final ActorSystem<?> system;
    private final ActorRef<Ping> responder;

    private Liveness(ActorSystem<?> system, ActorRef<Ping> responder) {
        this.system = system;
        this.responder = responder;
    }

    /** Spawns the responder under the system guardian. */
    public static Liveness of(ActorSystem<?> system) {
        return new Liveness(system, system.systemActorOf(responder(), "lvmcoord-liveness", Props.empty()));
    }

    static Behavior<Ping> responder() {
        return Behaviors.receiveMessage(p -> {
            p.replyTo().tell(Pong.INSTANCE);
            return Behaviors.same();
        });
    }

    @Override
    public boolean answers(Duration within) {
        if (system.whenTerminated().isCompleted()) {
            return false;
        }
        try {
            // The ask's own timeout needs the system's scheduler; the bounded get does not.
            AskPattern.<Ping, Pong>ask(responder, Ping::new, within, system.scheduler()).toCompletableFuture()
                    .get(within.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            // Timed out, or the system is shutting down: either way it is not answering.
            return false;
        }
    }
}
