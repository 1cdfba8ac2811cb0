package io.chatplatform.cli;

import java.util.List;
import java.util.concurrent.Callable;

import io.chatplatform.contracts.moderation.UnblockUserRequest;
import io.chatplatform.contracts.moderation.UnblockUserResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Lifts a block. */
@Command(name = "unblock", mixinStandardHelpOptions = true, description = "Lift a user's block.")
final class UnblockCommand implements Callable<Integer> {

    @ParentCommand
    ModerationCli cli;

    @Parameters(index = "0", paramLabel = "USER_ID", description = "the user to unblock")
    String userId;

    @Option(names = {"-r", "--reason"}, defaultValue = "unblocked by a moderator",
            description = "why (kept in the audit log; default: ${DEFAULT-VALUE})")
    String reason;

    @Override
    public Integer call() {
        UnblockUserResponse response = cli.call(admin -> admin.unblockUser(UnblockUserRequest.newBuilder()
                .setUserId(userId).setReason(reason).build()));
        if (cli.json) {
            // Printed with its default values too: {"was_blocked":false} is an answer, {} is not.
            cli.out().println("{\"user_id\":\"" + userId + "\",\"was_blocked\":" + response.getWasBlocked() + "}");
            cli.out().flush();
        } else {
            Output.table(cli.out(), List.of("USER", "WAS_BLOCKED"),
                    List.of(List.of(userId, String.valueOf(response.getWasBlocked()))));
        }
        return ModerationCli.OK;
    }
}
