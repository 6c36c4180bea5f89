package io.lvmcoord.agent;

import io.lvmcoord.agent.cli.LvmcoordCli;
import io.lvmcoord.agent.client.ClientCli;

/**
 * The {@code lvmcoord} entry point. Commands answered by the running agent take the plain-JDK
 * client path (no Pekko or picocli loaded: a query costs little more than a JVM start); direct
 * mode, the agent itself, and help go through the full command line.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (ClientCli.handles(args)) {
            System.exit(ClientCli.run(args, System.out, System.err));
        }
        commonPoolOfTwo();
        LvmcoordCli.main(args);
    }

    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /**
     * On a host with one or two CPUs the JDK's common pool gets a single worker, and
     * CompletableFuture then runs every asynchronous callback on a thread of its own. Pekko's Java
     * API hands out stages whose plain {@code thenApply} is asynchronous, so each answered ask
     * started and ended a thread: 550 threads while an agent restarting at 1000 devices loaded its
     * 181 aggregates, and about 100 ms of its start-up report. Two workers give such hosts the pool
     * larger hosts have. Set before anything touches the pool; an operator's -D setting wins.
     */
    static void commonPoolOfTwo() {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
    }
}
