package io.chatplatform.loadtest;

import io.chatplatform.loadtest.chatsend.ChatSendCommand;
import io.chatplatform.loadtest.platform.DmCommand;
import io.chatplatform.loadtest.platform.FanoutCommand;
import io.chatplatform.loadtest.platform.HistoryCommand;
import io.chatplatform.loadtest.platform.IdleCommand;
import io.chatplatform.loadtest.platform.MixedCommand;
import io.chatplatform.loadtest.platform.RampCommand;
import io.chatplatform.loadtest.server.ServeChatCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmark runner's command line: one subcommand per scenario (idle, dm, fanout, history, mixed and ramp run
 * against a running platform; chat-send against chat-service alone), plus {@code serve-chat} to run the system under
 * test in a JVM of its own. Results and the commands that produced them go to docs/benchmarks.md.
 *
 * <p>Exit codes: 0 done (and every check passed), 1 a check failed or the run broke, 2 bad usage.
 */
@Command(name = "load-test", mixinStandardHelpOptions = true, version = "load-test 0.1",
        description = "Benchmarks for the chat platform.",
        subcommands = {IdleCommand.class, DmCommand.class, FanoutCommand.class, HistoryCommand.class,
                MixedCommand.class, RampCommand.class, ChatSendCommand.class, ServeChatCommand.class})
public final class LoadTest implements Callable<Integer> {

    @Override
    public Integer call() {
        // No subcommand: show the usage, as the moderation CLI does.
        CommandLine.usage(this, System.out);
        return 2;
    }

    public static void main(String[] args) {
        int exitCode = new CommandLine(new LoadTest()).execute(args);
        // Netty, Kafka and Spring leave non-daemon threads behind; the run is over.
        System.exit(exitCode);
    }
}
