package io.chatplatform.moderation.admin;

import io.chatplatform.contracts.common.PageInfo;
import io.chatplatform.contracts.common.ActorKind;
import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.moderation.AuditAction;
import io.chatplatform.contracts.moderation.AuditEntry;
import io.chatplatform.contracts.moderation.AuditLogRequest;
import io.chatplatform.contracts.moderation.AuditLogResponse;
import io.chatplatform.contracts.moderation.BlockUserRequest;
import io.chatplatform.contracts.moderation.BlockUserResponse;
import io.chatplatform.contracts.moderation.CreateRuleRequest;
import io.chatplatform.contracts.moderation.CreateRuleResponse;
import io.chatplatform.contracts.moderation.DeleteRuleRequest;
import io.chatplatform.contracts.moderation.DeleteRuleResponse;
import io.chatplatform.contracts.moderation.FlagStatus;
import io.chatplatform.contracts.moderation.ListFlagsRequest;
import io.chatplatform.contracts.moderation.ListFlagsResponse;
import io.chatplatform.contracts.moderation.ListRulesRequest;
import io.chatplatform.contracts.moderation.ListRulesResponse;
import io.chatplatform.contracts.moderation.ModerationAdminGrpc;
import io.chatplatform.contracts.moderation.ReviewFlagRequest;
import io.chatplatform.contracts.moderation.ReviewFlagResponse;
import io.chatplatform.contracts.moderation.TestRulesRequest;
import io.chatplatform.contracts.moderation.TestRulesResponse;
import io.chatplatform.contracts.moderation.UnblockUserRequest;
import io.chatplatform.contracts.moderation.UnblockUserResponse;
import io.chatplatform.contracts.moderation.UpdateRuleRequest;
import io.chatplatform.contracts.moderation.UpdateRuleResponse;
import io.chatplatform.contracts.moderation.WatchFlagsRequest;
import io.chatplatform.contracts.moderation.WatchFlagsResponse;
import io.chatplatform.moderation.GrpcAnswers;
import io.chatplatform.moderation.Paging;
import io.chatplatform.moderation.audit.AuditLog;
import io.chatplatform.moderation.audit.AuditRecord;
import io.chatplatform.moderation.check.Candidate;
import io.chatplatform.moderation.check.RulesEngine;
import io.chatplatform.moderation.events.ModerationEvents;
import io.chatplatform.moderation.flag.FlagStore;
import io.chatplatform.moderation.flag.FlagWatch;
import io.chatplatform.moderation.flag.Flags;
import io.chatplatform.moderation.flag.StoredFlag;
import io.chatplatform.support.problem.ApiException;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.function.Function;
import org.springframework.grpc.server.service.GrpcService;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The moderators' {@code ModerationAdmin} API. Every method first authenticates the caller as a moderator
 * ({@link ModeratorCredentials}); the actor recorded in the audit log is that caller.
 */
@GrpcService(interceptors = ModeratorCredentials.class)
class ModerationAdminGrpcService extends ModerationAdminGrpc.ModerationAdminImplBase {

    private final ModeratorCredentials credentials;
    private final ModeratorActions actions;
    private final RuleAdmin rules;
    private final FlagStore flags;
    private final FlagWatch watch;
    private final AuditLog audit;
    private final RulesEngine engine;

    ModerationAdminGrpcService(ModeratorCredentials credentials, ModeratorActions actions, RuleAdmin rules,
            FlagStore flags, FlagWatch watch, AuditLog audit, RulesEngine engine) {
        this.credentials = credentials;
        this.actions = actions;
        this.rules = rules;
        this.flags = flags;
        this.watch = watch;
        this.audit = audit;
        this.engine = engine;
    }

    /** Authenticates, then answers. */
    private <T> void answer(StreamObserver<T> responses, Function<Moderator, Mono<T>> call) {
        GrpcAnswers.respond(credentials.moderator().flatMap(call), responses);
    }

    @Override
    public void blockUser(BlockUserRequest request, StreamObserver<BlockUserResponse> responses) {
        answer(responses, moderator -> actions.block(request.getUserId(), request.getReason(),
                        request.hasUntil() ? ModerationEvents.instant(request.getUntil()) : null, moderator)
                .map(result -> BlockUserResponse.newBuilder()
                        .setAlreadyBlocked(result.alreadyBlocked())
                        .setBlockedAt(ModerationEvents.timestamp(result.blockedAt()))
                        .build()));
    }

    @Override
    public void unblockUser(UnblockUserRequest request, StreamObserver<UnblockUserResponse> responses) {
        answer(responses, moderator -> actions.unblock(request.getUserId(), request.getReason(), moderator)
                .map(wasBlocked -> UnblockUserResponse.newBuilder().setWasBlocked(wasBlocked).build()));
    }

    @Override
    public void listFlags(ListFlagsRequest request, StreamObserver<ListFlagsResponse> responses) {
        answer(responses, moderator -> Mono.fromCallable(() -> Paging.limit(request.getPage().getLimit()))
                .flatMap(limit -> flags.page(status(request.getStatus()), request.getConversationId(),
                        request.getSenderUserId(), request.getPage().getCursor(), limit))
                .map(page -> ListFlagsResponse.newBuilder()
                        .addAllFlags(page.items().stream().map(Flags::toProto).toList())
                        .setPage(pageInfo(page))
                        .build()));
    }

    @Override
    public void reviewFlag(ReviewFlagRequest request, StreamObserver<ReviewFlagResponse> responses) {
        answer(responses, moderator -> actions.review(request.getFlagId(), request.getDecision(), request.getNote(),
                        request.getBlockSeconds(), moderator)
                .map(flag -> ReviewFlagResponse.newBuilder().setFlag(Flags.toProto(flag)).build()));
    }

    @Override
    public void createRule(CreateRuleRequest request, StreamObserver<CreateRuleResponse> responses) {
        answer(responses, moderator -> rules.create(request.getRule(), moderator)
                .map(rule -> CreateRuleResponse.newBuilder().setRule(rule).build()));
    }

    @Override
    public void updateRule(UpdateRuleRequest request, StreamObserver<UpdateRuleResponse> responses) {
        answer(responses, moderator -> rules.update(request.getRule(), request.getUpdateMask(), moderator)
                .map(rule -> UpdateRuleResponse.newBuilder().setRule(rule).build()));
    }

    @Override
    public void deleteRule(DeleteRuleRequest request, StreamObserver<DeleteRuleResponse> responses) {
        answer(responses, moderator -> rules.delete(request.getRuleId(), moderator)
                .thenReturn(DeleteRuleResponse.getDefaultInstance()));
    }

    /** Rules are few: the cursor is the count of rules already returned. */
    @Override
    public void listRules(ListRulesRequest request, StreamObserver<ListRulesResponse> responses) {
        answer(responses, moderator -> Mono.fromCallable(() -> {
                    int limit = Paging.limit(request.getPage().getLimit());
                    String cursor = request.getPage().getCursor();
                    try {
                        return new int[] {cursor.isEmpty() ? 0 : Integer.parseInt(cursor), limit};
                    } catch (NumberFormatException e) {
                        throw new ApiException(HttpStatus.BAD_REQUEST, "the page cursor is not one this service "
                                + "returned");
                    }
                })
                .flatMap(window -> rules.page(request.getIncludeDisabled(), window[0], window[1] + 1)
                        .map(page -> {
                            boolean more = page.size() > window[1];
                            var items = more ? page.subList(0, window[1]) : page;
                            return ListRulesResponse.newBuilder()
                                    .addAllRules(items)
                                    .setPage(PageInfo.newBuilder()
                                            .setHasMore(more)
                                            .setNextCursor(more ? String.valueOf(window[0] + window[1]) : ""))
                                    .build();
                        })));
    }

    @Override
    public void auditLog(AuditLogRequest request, StreamObserver<AuditLogResponse> responses) {
        answer(responses, moderator -> Mono.fromCallable(() -> Paging.limit(request.getPage().getLimit()))
                .flatMap(limit -> audit.page(request.getActorUserId(), request.getTargetUserId(),
                        request.hasSince() ? ModerationEvents.instant(request.getSince()) : null,
                        request.hasUntil() ? ModerationEvents.instant(request.getUntil()) : null,
                        request.getPage().getCursor(), limit))
                .map(page -> AuditLogResponse.newBuilder()
                        .addAllEntries(page.items().stream().map(ModerationAdminGrpcService::entry).toList())
                        .setPage(pageInfo(page))
                        .build()));
    }

    @Override
    public void watchFlags(WatchFlagsRequest request, StreamObserver<WatchFlagsResponse> responses) {
        String status = status(request.getStatus());
        Flux<WatchFlagsResponse> stream = credentials.moderator()
                .flatMapMany(moderator -> {
                    // Live changes and the backlog are subscribed together, so nothing falls between the two; a flag
                    // may then come twice (backlog and live), each time as it was.
                    Flux<WatchFlagsResponse> live = watch.changes()
                            .filter(flag -> status.isEmpty()
                                    || flag.getStatus().name().equals("FLAG_STATUS_" + status))
                            .map(flag -> WatchFlagsResponse.newBuilder().setFlag(flag).build());
                    Flux<WatchFlagsResponse> backlog = request.getIncludeOpen()
                            ? flags.open().map(flag -> WatchFlagsResponse.newBuilder()
                                    .setFlag(Flags.toProto(flag)).setBacklog(true).build())
                            : Flux.empty();
                    return Flux.merge(live, backlog).onBackpressureBuffer(1000);
                });
        GrpcAnswers.stream(stream, responses);
    }

    /** A dry run: text rules only, nothing stored or counted. */
    @Override
    public void testRules(TestRulesRequest request, StreamObserver<TestRulesResponse> responses) {
        answer(responses, moderator -> engine.evaluate(new Candidate("", ConversationRef.newBuilder()
                                .setId(request.getConversationId()).build(), 0, "", request.getText(), Instant.now()),
                        false)
                .map(evaluation -> TestRulesResponse.newBuilder()
                        .setVerdict(evaluation.verdict())
                        .addAllReasons(evaluation.reasons())
                        .setNormalizedText(evaluation.normalized())
                        .build()));
    }

    private static String status(FlagStatus status) {
        return status == FlagStatus.FLAG_STATUS_UNSPECIFIED || status == FlagStatus.UNRECOGNIZED
                ? "" : status.name().replace("FLAG_STATUS_", "");
    }

    private static PageInfo pageInfo(Paging.Page<?> page) {
        return PageInfo.newBuilder().setNextCursor(page.nextCursor()).setHasMore(page.hasMore()).build();
    }

    private static AuditEntry entry(AuditRecord record) {
        AuditAction action;
        try {
            action = AuditAction.valueOf("AUDIT_ACTION_" + record.action());
        } catch (IllegalArgumentException e) {
            action = AuditAction.AUDIT_ACTION_UNSPECIFIED;
        }
        return AuditEntry.newBuilder()
                .setEntryId(record.id())
                .setAt(ModerationEvents.timestamp(record.at()))
                .setActor(Actor.newBuilder()
                        .setKind(ActorKind.valueOf("ACTOR_KIND_" + record.actorKind()))
                        .setUserId(record.actorUserId() == null ? "" : record.actorUserId()))
                .setAction(action)
                .setTargetUserId(record.targetUserId())
                .setTargetId(record.targetId())
                .setReason(record.reason())
                .putAllDetails(record.details() == null ? java.util.Map.of() : record.details())
                .build();
    }
}
