package io.chatplatform.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The moderators' command line. Talks gRPC to moderation-service; each subcommand is one admin call.
 *
 * <p>Exit codes: 0 success, 1 the server answered with an error, 2 bad usage.
 */
@Command(name = "moderation-cli", mixinStandardHelpOptions = true, version = "moderation-cli 0.1",
        description = "Moderate the chat platform over gRPC.",
        subcommands = {HealthCommand.class})
public final class ModerationCli implements Callable<Integer> {

    @Option(names = {"-t", "--target"}, defaultValue = "${env:CHAT_MODERATION_TARGET:-127.0.0.1:9093}",
            description = "moderation-service gRPC address (default: ${DEFAULT-VALUE}, env CHAT_MODERATION_TARGET)")
    String target;

    @Option(names = "--deadline", defaultValue = "10", description = "per-call deadline in seconds (default: ${DEFAULT-VALUE})")
    long deadlineSeconds;

    @Override
    public Integer call() {
        // No subcommand: show the usage, as git and kubectl do.
        CommandLine.usage(this, System.out);
        return 2;
    }

    /** Opens a plaintext channel to the target; the CLI is run next to the cluster or through a port-forward. */
    ManagedChannel openChannel() {
        return ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    }

    static void close(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new ModerationCli());
    }
}
