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
        LvmcoordCli.main(args);
    }
}
