package io.chatplatform.cli;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;

import io.chatplatform.contracts.moderation.WatchFlagsRequest;
import io.chatplatform.contracts.moderation.WatchFlagsResponse;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Streams flags as they are opened or reviewed, until Ctrl-C (or --count flags). */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Show flags live as they are opened or reviewed, until Ctrl-C.")
final class WatchCommand implements Callable<Integer> {

    @ParentCommand
    ModerationCli cli;

    @Option(names = {"-s", "--status"}, description = "only flags reaching this status: ${COMPLETION-CANDIDATES}")
    FlagsCommand.Status status;

    @Option(names = "--include-open", description = "first show the flags open now")
    boolean includeOpen;

    @Option(names = "--count", defaultValue = "0", description = "stop after this many flags (0: never)")
    int count;

    @Override
    public Integer call() {
        WatchFlagsRequest.Builder request = WatchFlagsRequest.newBuilder().setIncludeOpen(includeOpen);
        if (status != null) {
            request.setStatus(status.proto());
        }
        ManagedChannel channel = cli.openChannel();
        // A stream has no deadline; cancelling the context ends it when we stop early.
        Context.CancellableContext context = Context.current().withCancellation();
        try {
            return context.call(() -> {
                Iterator<WatchFlagsResponse> flags = cli.admin(channel).watchFlags(request.build());
                if (!cli.json) {
                    cli.out().println("Watching flags (Ctrl-C stops)...");
                    cli.out().flush();
                }
                int seen = 0;
                while (flags.hasNext()) {
                    WatchFlagsResponse next = flags.next();
                    if (cli.json) {
                        cli.out().println(Output.json(next));
                        cli.out().flush();
                    } else {
                        Output.table(cli.out(), List.of("FLAG", "STATUS", "CREATED", "CONVERSATION", "SENDER",
                                "REASONS", "TEXT"), List.of(FlagsCommand.row(next.getFlag())));
                    }
                    if (count > 0 && ++seen >= count) {
                        break;
                    }
                }
                return ModerationCli.OK;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            context.cancel(null);
            ModerationCli.close(channel);
        }
    }
}
