package io.chatplatform.cli;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.chatplatform.contracts.common.PageRequest;
import io.chatplatform.contracts.moderation.Flag;
import io.chatplatform.contracts.moderation.FlagStatus;
import io.chatplatform.contracts.moderation.ListFlagsRequest;
import io.chatplatform.contracts.moderation.ListFlagsResponse;
import io.chatplatform.contracts.moderation.ReviewDecision;
import io.chatplatform.contracts.moderation.ReviewFlagRequest;
import io.chatplatform.contracts.moderation.ReviewFlagResponse;
import io.chatplatform.contracts.moderation.VerdictReason;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Flags: list them, review one. */
@Command(name = "flags", mixinStandardHelpOptions = true, description = "List and review flagged messages.",
        subcommands = {FlagsCommand.ListFlags.class, FlagsCommand.Review.class})
final class FlagsCommand implements Callable<Integer> {

    @ParentCommand
    ModerationCli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ModerationCli.USAGE;
    }

    /** The statuses as typed on the command line. */
    enum Status {
        open, approved, hidden, dismissed;

        FlagStatus proto() {
            return FlagStatus.valueOf("FLAG_STATUS_" + name().toUpperCase(Locale.ROOT));
        }
    }

    /** The decisions as typed on the command line. */
    enum Decision {
        approve, hide, dismiss, block;

        ReviewDecision proto() {
            return ReviewDecision.valueOf("REVIEW_DECISION_" + name().toUpperCase(Locale.ROOT));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List flags, newest first.")
    static final class ListFlags implements Callable<Integer> {

        @ParentCommand
        FlagsCommand flags;

        @Option(names = {"-s", "--status"}, description = "only flags in this status: ${COMPLETION-CANDIDATES}")
        Status status;

        @Option(names = {"-c", "--conversation"}, defaultValue = "", description = "only flags in this conversation")
        String conversationId;

        @Option(names = {"-u", "--user"}, defaultValue = "", description = "only flags on this user's messages")
        String userId;

        @Option(names = "--limit", defaultValue = "50", description = "flags per page (default: ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--cursor", defaultValue = "", description = "the next_cursor a previous page printed")
        String cursor;

        @Override
        public Integer call() {
            ModerationCli cli = flags.cli;
            ListFlagsRequest.Builder request = ListFlagsRequest.newBuilder()
                    .setConversationId(conversationId)
                    .setSenderUserId(userId)
                    .setPage(PageRequest.newBuilder().setLimit(limit).setCursor(cursor));
            if (status != null) {
                request.setStatus(status.proto());
            }
            ListFlagsResponse response = cli.call(admin -> admin.listFlags(request.build()));
            if (cli.json) {
                cli.out().println(Output.json(response));
                cli.out().flush();
                return ModerationCli.OK;
            }
            Output.table(cli.out(), List.of("FLAG", "STATUS", "CREATED", "CONVERSATION", "SENDER", "REASONS", "TEXT"),
                    response.getFlagsList().stream().map(FlagsCommand::row).toList());
            if (response.getPage().getHasMore()) {
                cli.out().println("more: --cursor " + response.getPage().getNextCursor());
                cli.out().flush();
            }
            return ModerationCli.OK;
        }
    }

    @Command(name = "review", mixinStandardHelpOptions = true,
            description = "Decide an open flag: approve, hide the message, dismiss, or hide and block the sender.")
    static final class Review implements Callable<Integer> {

        @ParentCommand
        FlagsCommand flags;

        @Parameters(index = "0", paramLabel = "FLAG_ID", description = "the flag to decide")
        String flagId;

        @Option(names = {"-d", "--decision"}, required = true, description = "${COMPLETION-CANDIDATES}")
        Decision decision;

        @Option(names = {"-n", "--note"}, defaultValue = "", description = "kept with the flag and in the audit log")
        String note;

        @Option(names = "--block-for", converter = Durations.class, paramLabel = "DURATION",
                description = "with --decision block: how long, e.g. 1d; without it until unblocked")
        Duration blockFor;

        @Override
        public Integer call() {
            ModerationCli cli = flags.cli;
            ReviewFlagResponse response = cli.call(admin -> admin.reviewFlag(ReviewFlagRequest.newBuilder()
                    .setFlagId(flagId)
                    .setDecision(decision.proto())
                    .setNote(note)
                    .setBlockSeconds(blockFor == null ? 0 : blockFor.toSeconds())
                    .build()));
            if (cli.json) {
                cli.out().println(Output.json(response.getFlag()));
                cli.out().flush();
            } else {
                Output.table(cli.out(), List.of("FLAG", "STATUS", "CREATED", "CONVERSATION", "SENDER", "REASONS",
                        "TEXT"), List.of(row(response.getFlag())));
            }
            return ModerationCli.OK;
        }
    }

    static List<String> row(Flag flag) {
        return List.of(flag.getFlagId(), Output.name(flag.getStatus(), "FLAG_STATUS_"),
                Output.time(flag.getCreatedAt()), flag.getConversation().getId(), flag.getSenderUserId(),
                String.join(", ", flag.getReasonsList().stream().map(VerdictReason::getCode).toList()),
                flag.getTextSnapshot());
    }
}
