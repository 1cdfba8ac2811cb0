package io.chatplatform.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.moderation.BlockUserRequest;
import io.chatplatform.contracts.moderation.BlockUserResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Blocks a user: no login, no sending, live connections closed; for a while or until unblocked. */
@Command(name = "block", mixinStandardHelpOptions = true,
        description = "Block a user, for a while (--for) or until unblocked.")
final class BlockCommand implements Callable<Integer> {

    @ParentCommand
    ModerationCli cli;

    @Parameters(index = "0", paramLabel = "USER_ID", description = "the user to block")
    String userId;

    @Option(names = {"-r", "--reason"}, required = true, description = "why (kept in the audit log)")
    String reason;

    @Option(names = "--for", converter = Durations.class, paramLabel = "DURATION",
            description = "how long, e.g. 30m, 12h, 7d; without it the block lasts until unblocked")
    Duration duration;

    @Override
    public Integer call() {
        BlockUserRequest.Builder request = BlockUserRequest.newBuilder().setUserId(userId).setReason(reason);
        Instant until = duration == null ? null : Instant.now().plus(duration);
        if (until != null) {
            request.setUntil(Timestamp.newBuilder().setSeconds(until.getEpochSecond()).setNanos(until.getNano()));
        }
        BlockUserResponse response = cli.call(admin -> admin.blockUser(request.build()));
        if (cli.json) {
            cli.out().println(Output.json(response));
            cli.out().flush();
        } else {
            Output.table(cli.out(), List.of("USER", "BLOCKED_AT", "UNTIL", "WAS_BLOCKED"),
                    List.of(List.of(userId, Output.time(response.getBlockedAt()),
                            until == null ? "until unblocked" : until.toString(),
                            String.valueOf(response.getAlreadyBlocked()))));
        }
        return ModerationCli.OK;
    }
}
