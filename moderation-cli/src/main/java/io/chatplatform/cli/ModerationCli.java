package io.chatplatform.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.chatplatform.contracts.moderation.ModerationAdminGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chatmod}, the moderators' command line. Talks gRPC ({@code ModerationAdmin}) to moderation-service with the
 * moderator's access token as call credentials; each subcommand is one admin call.
 *
 * <p>Exit codes: {@value #OK} success, {@value #SERVER_ERROR} the server refused or failed the call (or could not be
 * reached), {@value #USAGE} bad usage (unknown option, missing argument, input the server refused as invalid),
 * {@value #AUTHENTICATION} not logged in, token refused or expired, or not a moderator.
 */
@Command(name = "chatmod", mixinStandardHelpOptions = true, version = "chatmod 0.1",
        description = "Moderate the chat platform over gRPC.",
        footer = {"", "Exit codes: 0 ok, 1 server error, 2 usage error, 3 authentication or permission error."},
        subcommands = {LoginCommand.class, BlockCommand.class, UnblockCommand.class, FlagsCommand.class,
                RulesCommand.class, AuditCommand.class, WatchCommand.class, HealthCommand.class,
                CommandLine.HelpCommand.class})
public final class ModerationCli implements Callable<Integer> {

    public static final int OK = 0;
    public static final int SERVER_ERROR = 1;
    public static final int USAGE = 2;
    public static final int AUTHENTICATION = 3;

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--target"}, defaultValue = "${env:CHATMOD_TARGET:-127.0.0.1:9093}", scope = CommandLine.ScopeType.INHERIT,
            description = "moderation-service gRPC address (default: ${DEFAULT-VALUE}, env CHATMOD_TARGET)")
    String target;

    @Option(names = "--token", defaultValue = "${env:CHATMOD_TOKEN}", scope = CommandLine.ScopeType.INHERIT,
            description = "access token to use instead of the one `login` stored (env CHATMOD_TOKEN)")
    String token;

    @Option(names = "--config-dir", defaultValue = "${env:CHATMOD_CONFIG_DIR}", scope = CommandLine.ScopeType.INHERIT,
            description = "where `login` keeps the token (default: $XDG_CONFIG_HOME/chatmod or ~/.config/chatmod, "
                    + "env CHATMOD_CONFIG_DIR)")
    Path configDir;

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT,
            description = "print JSON (one object per line for watch) instead of tables")
    boolean json;

    @Option(names = "--deadline", defaultValue = "10", scope = CommandLine.ScopeType.INHERIT,
            description = "per-call deadline in seconds (default: ${DEFAULT-VALUE})")
    long deadlineSeconds;

    @Override
    public Integer call() {
        // No subcommand: show the usage, as git and kubectl do.
        spec.commandLine().usage(spec.commandLine().getOut());
        return USAGE;
    }

    /** Opens a plaintext channel to the target; the CLI is run next to the cluster or through a port-forward. */
    ManagedChannel openChannel() {
        return ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    }

    /** The admin stub with the moderator's token attached; fails with exit code 3 when there is none. */
    ModerationAdminGrpc.ModerationAdminBlockingStub admin(ManagedChannel channel) {
        Metadata credentials = new Metadata();
        credentials.put(AUTHORIZATION, "Bearer " + accessToken());
        return ModerationAdminGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(credentials));
    }

    /** Runs one admin call on a fresh channel with the deadline. */
    <T> T call(java.util.function.Function<ModerationAdminGrpc.ModerationAdminBlockingStub, T> rpc) {
        ManagedChannel channel = openChannel();
        try {
            return rpc.apply(admin(channel).withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS));
        } finally {
            close(channel);
        }
    }

    /** The token given by option or environment, else the stored one (refreshed first if it has expired). */
    String accessToken() {
        if (token != null && !token.isBlank()) {
            return token.strip();
        }
        return session().accessToken(java.time.Instant.now());
    }

    StoredSession session() {
        return new StoredSession(configDirectory(), java.time.Duration.ofSeconds(deadlineSeconds));
    }

    Path configDirectory() {
        if (configDir != null) {
            return configDir;
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("chatmod");
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
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

    /** The command line with the exit-code policy: gRPC statuses and CLI errors become messages and codes. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new ModerationCli());
        commandLine.setExecutionExceptionHandler((error, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (error instanceof CliException cli) {
                err.println("chatmod: " + cli.getMessage());
                err.flush();
                return cli.exitCode();
            }
            if (error instanceof StatusRuntimeException status) {
                Status.Code code = status.getStatus().getCode();
                String description = status.getStatus().getDescription();
                err.println("chatmod: " + code + (description == null ? "" : ": " + description));
                err.flush();
                return exitCode(code);
            }
            throw error;
        });
        return commandLine;
    }

    static int exitCode(Status.Code code) {
        return switch (code) {
            case UNAUTHENTICATED, PERMISSION_DENIED -> AUTHENTICATION;
            case INVALID_ARGUMENT -> USAGE;
            default -> SERVER_ERROR;
        };
    }

    /** A failure the CLI itself detects, with the exit code it ends with. */
    static final class CliException extends RuntimeException {

        private final int exitCode;

        CliException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }
}
