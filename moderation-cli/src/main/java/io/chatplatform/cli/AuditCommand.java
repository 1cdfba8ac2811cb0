package io.chatplatform.cli;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.common.PageRequest;
import io.chatplatform.contracts.moderation.AuditEntry;
import io.chatplatform.contracts.moderation.AuditLogRequest;
import io.chatplatform.contracts.moderation.AuditLogResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Pages the audit log: who did what, when and why. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Show the audit log, newest first.")
final class AuditCommand implements Callable<Integer> {

    @ParentCommand
    ModerationCli cli;

    @Option(names = "--actor", defaultValue = "", description = "only actions by this moderator")
    String actor;

    @Option(names = {"-u", "--user"}, defaultValue = "", description = "only actions about this user")
    String user;

    @Option(names = "--since", description = "only entries at or after this instant, e.g. 2026-01-31T00:00:00Z")
    Instant since;

    @Option(names = "--until", description = "only entries before this instant")
    Instant until;

    @Option(names = "--limit", defaultValue = "50", description = "entries per page (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--cursor", defaultValue = "", description = "the next_cursor a previous page printed")
    String cursor;

    @Override
    public Integer call() {
        AuditLogRequest.Builder request = AuditLogRequest.newBuilder()
                .setActorUserId(actor)
                .setTargetUserId(user)
                .setPage(PageRequest.newBuilder().setLimit(limit).setCursor(cursor));
        if (since != null) {
            request.setSince(timestamp(since));
        }
        if (until != null) {
            request.setUntil(timestamp(until));
        }
        AuditLogResponse response = cli.call(admin -> admin.auditLog(request.build()));
        if (cli.json) {
            cli.out().println(Output.json(response));
            cli.out().flush();
            return ModerationCli.OK;
        }
        Output.table(cli.out(), List.of("AT", "ACTOR", "ACTION", "USER", "TARGET", "REASON"),
                response.getEntriesList().stream().map(AuditCommand::row).toList());
        if (response.getPage().getHasMore()) {
            cli.out().println("more: --cursor " + response.getPage().getNextCursor());
            cli.out().flush();
        }
        return ModerationCli.OK;
    }

    private static List<String> row(AuditEntry entry) {
        String actor = entry.getActor().getUserId().isEmpty()
                ? Output.name(entry.getActor().getKind(), "ACTOR_KIND_").toLowerCase(java.util.Locale.ROOT)
                : entry.getActor().getUserId();
        return List.of(Output.time(entry.getAt()), actor, Output.name(entry.getAction(), "AUDIT_ACTION_"),
                entry.getTargetUserId(), entry.getTargetId(), entry.getReason());
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
