package io.chatplatform.moderation.admin;

import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.contracts.events.MessageFlagged;
import io.chatplatform.contracts.events.MessageHidden;
import io.chatplatform.contracts.events.ModerationVerdict;
import io.chatplatform.contracts.moderation.Verdict;
import io.chatplatform.contracts.moderation.ReviewDecision;
import io.chatplatform.moderation.audit.AuditLog;
import io.chatplatform.moderation.block.BlockService;
import io.chatplatform.moderation.clients.ChatClient;
import io.chatplatform.moderation.events.ModerationEvents;
import io.chatplatform.moderation.flag.FlagStore;
import io.chatplatform.moderation.flag.Flags;
import io.chatplatform.moderation.flag.StoredFlag;
import io.chatplatform.support.problem.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** What moderators do by hand, over gRPC and REST alike: hide, block, unblock, review. Each action is audited. */
@Component
public class ModeratorActions {

    static final int MAX_REASON = 500;

    private final ChatClient chat;
    private final BlockService blocks;
    private final FlagStore flags;
    private final ModerationEvents events;
    private final AuditLog audit;
    private final Clock clock;

    ModeratorActions(ChatClient chat, BlockService blocks, FlagStore flags, ModerationEvents events, AuditLog audit,
            Optional<Clock> clock) {
        this.chat = chat;
        this.blocks = blocks;
        this.flags = flags;
        this.events = events;
        this.audit = audit;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** Hides a message everywhere; hiding it again changes nothing. */
    public Mono<Void> hide(ConversationRef conversation, String messageId, String reason, String flagId,
            Moderator moderator) {
        return Mono.fromRunnable(() -> {
                    requireId("conversationId", conversation.getId());
                    requireId("messageId", messageId);
                    requireReason(reason);
                })
                .then(chat.hide(conversation, messageId, reason, moderator.actor(), flagId))
                .flatMap(hidden -> {
                    Instant now = now();
                    return events.publish(ModerationEvents.newId(), conversation.getId(), now, envelope -> envelope
                                    .setMessageHidden(MessageHidden.newBuilder()
                                            .setConversation(conversation)
                                            .setMessageId(messageId)
                                            .setSeq(hidden.getSeq())
                                            .setReason(reason)
                                            .setHiddenBy(moderator.actor())
                                            .setHiddenAt(hidden.getHiddenAt())
                                            .setFlagId(flagId)))
                            .then(audit.append(ModerationEvents.newId(), moderator.actor(), "MESSAGE_HIDDEN", "",
                                    messageId, reason, Map.of("conversation_id", conversation.getId(),
                                            "already_hidden", String.valueOf(hidden.getAlreadyHidden()))));
                })
                .then();
    }

    /** Blocks a user; {@code until} null = until unblocked. A moderator cannot block themselves. */
    public Mono<BlockService.BlockResult> block(String userId, String reason, Instant until, Moderator moderator) {
        return Mono.fromRunnable(() -> {
                    requireId("userId", userId);
                    requireReason(reason);
                    if (userId.equals(moderator.userId())) {
                        throw new ApiException(HttpStatus.BAD_REQUEST, "moderators cannot block themselves");
                    }
                    if (until != null && !until.isAfter(clock.instant())) {
                        throw new ApiException(HttpStatus.BAD_REQUEST, "the block must end in the future");
                    }
                })
                .then(blocks.block(userId, reason, until, moderator.actor()));
    }

    public Mono<Boolean> unblock(String userId, String reason, Moderator moderator) {
        return Mono.fromRunnable(() -> requireId("userId", userId))
                .then(blocks.unblock(userId, reason, moderator.actor()));
    }

    /** Decides an OPEN flag; FAILED_PRECONDITION (409) when it was decided before. */
    public Mono<StoredFlag> review(String flagId, ReviewDecision decision, String note, long blockSeconds,
            Moderator moderator) {
        String status = switch (decision) {
            case REVIEW_DECISION_APPROVE -> StoredFlag.APPROVED;
            case REVIEW_DECISION_HIDE, REVIEW_DECISION_BLOCK -> StoredFlag.HIDDEN;
            case REVIEW_DECISION_DISMISS -> StoredFlag.DISMISSED;
            default -> null;
        };
        if (status == null) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST,
                    "decision is required: APPROVE, HIDE, DISMISS or BLOCK"));
        }
        if (blockSeconds < 0) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "block_seconds must not be negative"));
        }
        return flags.find(flagId)
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "no flag " + flagId)))
                .filter(flag -> StoredFlag.OPEN.equals(flag.status()))
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.CONFLICT,
                        "flag " + flagId + " was already reviewed")))
                .flatMap(flag -> act(flag, decision, note, blockSeconds, moderator))
                .then(flags.review(flagId, status, moderator.userId(), note, now()))
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.CONFLICT,
                        "flag " + flagId + " was reviewed by someone else meanwhile")))
                .flatMap(reviewed -> announce(reviewed, decision, moderator)
                        .then(audit.append(ModerationEvents.newId(), moderator.actor(), "FLAG_REVIEWED",
                                reviewed.senderUserId(), reviewed.id(), note,
                                Map.of("decision", decision.name().replace("REVIEW_DECISION_", ""))))
                        .thenReturn(reviewed));
    }

    /**
     * The flag as reviewed ({@code message.flagged}, for watchers) and the final verdict on the message
     * ({@code moderation.verdict}, which chat-service acts on: approve and dismiss release a held message and mark a
     * post-moderated one approved; hide and block hid it through chat-service already). Dismiss counts as ALLOW: a
     * message nobody judged bad must not stay held.
     */
    private Mono<Void> announce(StoredFlag flag, ReviewDecision decision, Moderator moderator) {
        Mono<Void> changed = events.publish(ModerationEvents.newId(), flag.conversationId(), flag.reviewedAt(),
                envelope -> envelope.setMessageFlagged(MessageFlagged.newBuilder().setFlag(Flags.toProto(flag))));
        if (flag.messageId() == null || flag.messageId().isEmpty()) {
            return changed;
        }
        Verdict verdict = decision == ReviewDecision.REVIEW_DECISION_APPROVE
                || decision == ReviewDecision.REVIEW_DECISION_DISMISS ? Verdict.VERDICT_ALLOW
                : Verdict.VERDICT_HIDE;
        return changed.then(events.publish(ModerationEvents.newId(), flag.conversationId(), flag.reviewedAt(),
                envelope -> envelope.setModerationVerdict(ModerationVerdict.newBuilder()
                        .setConversation(Flags.conversation(flag))
                        .setMessageId(flag.messageId())
                        .setSeq(flag.seq())
                        .setSenderUserId(flag.senderUserId() == null ? "" : flag.senderUserId())
                        .setVerdict(verdict)
                        .setDecidedBy(moderator.actor())
                        .setDecidedAt(ModerationEvents.timestamp(flag.reviewedAt()))
                        .setFlagId(flag.id()))));
    }

    private Mono<Void> act(StoredFlag flag, ReviewDecision decision, String note, long blockSeconds,
            Moderator moderator) {
        String reason = note.isBlank() ? "hidden on review of flag " + flag.id() : note;
        Mono<Void> hide = hide(Flags.conversation(flag), flag.messageId(), reason, flag.id(), moderator);
        return switch (decision) {
            case REVIEW_DECISION_HIDE -> hide;
            case REVIEW_DECISION_BLOCK -> hide.then(block(flag.senderUserId(), reason,
                    blockSeconds > 0 ? now().plusSeconds(blockSeconds) : null, moderator)).then();
            default -> Mono.empty();
        };
    }

    static void requireId(String field, String value) {
        if (value == null || value.isBlank() || value.length() > 200) {
            throw new ApiException(HttpStatus.BAD_REQUEST, field + " is required");
        }
    }

    static void requireReason(String reason) {
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON) {
            throw new ApiException(HttpStatus.BAD_REQUEST,
                    "reason is required, at most " + MAX_REASON + " characters");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
