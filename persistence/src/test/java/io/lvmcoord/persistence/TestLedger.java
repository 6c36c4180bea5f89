package io.lvmcoord.persistence;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

import java.util.ArrayList;
import java.util.List;

/** A minimal event-sourced actor, to prove the journal wiring end to end. */
final class TestLedger extends EventSourcedBehavior<TestLedger.Command, TestLedger.Added, TestLedger.State> {

    interface Command extends CborSerializable {
    }

    record Add(String item, ActorRef<Integer> replyTo) implements Command {
    }

    record Get(ActorRef<List<String>> replyTo) implements Command {
    }

    record Added(String item) implements CborSerializable {
    }

    record State(List<String> items) implements CborSerializable {
    }

    private TestLedger(String id) {
        super(PersistenceId.ofUniqueId(id));
    }

    static Behavior<Command> create(String id) {
        return new TestLedger(id);
    }

    @Override
    public State emptyState() {
        return new State(List.of());
    }

    @Override
    public CommandHandler<Command, Added, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Add.class, (state, add) -> Effect().persist(new Added(add.item()))
                        .thenRun(s -> add.replyTo().tell(s.items().size())))
                .onCommand(Get.class, (state, get) -> Effect().none().thenRun(s -> get.replyTo().tell(s.items())))
                .build();
    }

    @Override
    public EventHandler<State, Added> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onEvent(Added.class, (state, e) -> {
            List<String> items = new ArrayList<>(state.items());
            items.add(e.item());
            return new State(List.copyOf(items));
        }).build();
    }
}
