package io.chatplatform.moderation.check;

import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.common.ActorKind;
import io.chatplatform.contracts.events.MessageFlagged;
import io.chatplatform.contracts.events.MessageHidden;
import io.chatplatform.contracts.events.ModerationVerdict;
import io.chatplatform.contracts.events.UserWarned;
import io.chatplatform.contracts.moderation.Verdict;
import io.chatplatform.moderation.audit.AuditLog;
import io.chatplatform.moderation.block.BlockService;
import io.chatplatform.moderation.block.Strikes;
import io.chatplatform.moderation.clients.ChatClient;
import io.chatplatform.moderation.events.ModerationEvents;
import io.chatplatform.moderation.flag.FlagStore;
import io.chatplatform.moderation.flag.Flags;
import io.chatplatform.moderation.flag.StoredFlag;
import io.chatplatform.moderation.rules.StoredRule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Acts on an {@link Evaluation}: opens the flag, hides the message through chat-service, warns, counts strikes and
 * blocks, announces it all on {@code moderation.events} and audits it.
 *
 * <p>Every step is keyed by the fact acted on (the message, or one edit of it): the flag id, event ids, audit id and
 * strike keys are derived from it, and hiding is idempotent in chat-service. Acting on the same fact again (a
 * redelivered Kafka record, a repeated Check) therefore changes nothing and counts nothing twice, and a crash half
 * way is completed by the redelivery.
 */
@Component
public class Verdicts {

    /** The rules engine as the actor of automatic verdicts. */
    public static final Actor SYSTEM = Actor.newBuilder()
            .setKind(ActorKind.ACTOR_KIND_SYSTEM)
            .setService(ModerationEvents.PRODUCER)
            .build();
    /** Counter of verdicts acted on, tagged {@code action} (the strongest outcome) and {@code path}. */
    public static final String VERDICTS_METRIC = "moderation.verdicts";
    static final String PATH_STREAM = "stream";
    static final String PATH_CHECK = "check";
    private static final String ACTION_ALLOW = "allow";
    private static final Logger log = LoggerFactory.getLogger(Verdicts.class);
    private static final Duration DEFAULT_STRIKE_WINDOW = Duration.ofHours(1);

    private final FlagStore flags;
    private final ChatClient chat;
    private final ModerationEvents events;
    private final AuditLog audit;
    private final Strikes strikes;
    private final BlockService blocks;
    private final MeterRegistry meters;
    private final Clock clock;

    Verdicts(FlagStore flags, ChatClient chat, ModerationEvents events, AuditLog audit, Strikes strikes,
            BlockService blocks, MeterRegistry meters, Optional<Clock> clock) {
        this.flags = flags;
        this.chat = chat;
        this.events = events;
        this.audit = audit;
        this.strikes = strikes;
        this.blocks = blocks;
        this.meters = meters;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /**
     * Acts on the evaluation of a stored message.
     *
     * @param fact    what is acted on: the message id, or message id and edit for an edit
     * @param retract hide through chat-service (post-moderation, the asynchronous check on {@code chat.messages});
     *                false when the caller acts on the verdict itself (pre-moderation's Check)
     */
    public Mono<Outcome> act(Candidate candidate, String fact, Evaluation evaluation, boolean retract) {
        Verdict verdict = evaluation.verdict();
        String path = retract ? PATH_STREAM : PATH_CHECK;
        if (verdict == Verdict.VERDICT_ALLOW) {
            // Pre-moderation acts on Check's answer itself; a post-moderated message learns it was allowed from the
            // announcement (chat-service marks it approved).
            return (retract ? allowed(candidate, fact) : Mono.<Void>empty())
                    .doOnSuccess(done -> count(ACTION_ALLOW, path))
                    .thenReturn(new Outcome(verdict, ""));
        }
        String flagId = ModerationEvents.derivedId("flag", fact);
        Instant now = now();
        StoredFlag flag = new StoredFlag(flagId, candidate.conversation().getId(),
                candidate.conversation().getKind().name(), candidate.messageId(), candidate.seq(),
                candidate.senderUserId(), candidate.text(), verdict.name().replace("VERDICT_", ""),
                evaluation.matches().stream()
                        .map(match -> new StoredFlag.Reason(match.rule().id(),
                                match.rule().kind().name().toLowerCase(java.util.Locale.ROOT), match.summary()))
                        .toList(),
                verdict == Verdict.VERDICT_HIDE ? StoredFlag.HIDDEN : StoredFlag.OPEN, now, null, "", "", "");
        return flags.open(flag)
                .flatMap(opened -> announce(opened.flag(), fact, evaluation, now).thenReturn(opened.created()))
                .flatMap(first -> (verdict == Verdict.VERDICT_HIDE && retract
                                ? hide(candidate, fact, flagId, evaluation, now)
                                : Mono.<Void>empty())
                        .then(evaluation.warns() ? warn(candidate, fact, evaluation, now) : Mono.empty())
                        .then(Flux.fromIterable(evaluation.strikes())
                                .concatMap(match -> strike(candidate, fact, match.rule()))
                                .reduce(false, Boolean::logicalOr))
                        // Counted when first acted on: a repeated Check or redelivery of the same fact is not.
                        .doOnNext(blocked -> {
                            if (first) {
                                count(strongest(evaluation, blocked), path);
                            }
                        }))
                .thenReturn(new Outcome(verdict, flagId));
    }

    /**
     * The strongest thing a verdict did, for {@code moderation.verdicts}: one count per message (or edit) acted on.
     */
    private static String strongest(Evaluation evaluation, boolean blocked) {
        if (blocked) {
            return "block";
        }
        if (!evaluation.strikes().isEmpty()) {
            return "strike";
        }
        if (evaluation.warns()) {
            return "hide_and_warn";
        }
        return evaluation.verdict() == Verdict.VERDICT_HIDE ? "hide" : "flag";
    }

    private void count(String action, String path) {
        meters.counter(VERDICTS_METRIC, "action", action, "path", path).increment();
    }

    /** {@code moderation.verdict} ALLOW for a post-moderated message, with an id derived from it (deduplicated). */
    private Mono<Void> allowed(Candidate candidate, String fact) {
        Instant now = now();
        return events.publish(ModerationEvents.derivedId("verdict", fact), candidate.conversation().getId(), now,
                envelope -> envelope.setModerationVerdict(ModerationVerdict.newBuilder()
                        .setConversation(candidate.conversation())
                        .setMessageId(candidate.messageId())
                        .setSeq(candidate.seq())
                        .setSenderUserId(candidate.senderUserId())
                        .setVerdict(Verdict.VERDICT_ALLOW)
                        .setDecidedBy(SYSTEM)
                        .setDecidedAt(ModerationEvents.timestamp(now))));
    }

    private Mono<Void> announce(StoredFlag flag, String fact, Evaluation evaluation, Instant now) {
        ModerationVerdict.Builder decided = ModerationVerdict.newBuilder()
                .setConversation(Flags.conversation(flag))
                .setMessageId(flag.messageId())
                .setSeq(flag.seq())
                .setSenderUserId(flag.senderUserId())
                .setVerdict(Verdict.valueOf("VERDICT_" + flag.verdict()))
                .addAllReasons(evaluation.reasons())
                .setDecidedBy(SYSTEM)
                .setDecidedAt(ModerationEvents.timestamp(now))
                .setFlagId(flag.id());
        String key = flag.conversationId();
        return events.publish(ModerationEvents.derivedId("flagged", fact), key, now, envelope -> envelope
                        .setMessageFlagged(MessageFlagged.newBuilder().setFlag(Flags.toProto(flag))))
                .then(events.publish(ModerationEvents.derivedId("verdict", fact), key, now, envelope -> envelope
                        .setModerationVerdict(decided)))
                .then(audit.append(ModerationEvents.derivedId("audit", fact), SYSTEM, "AUTOMATIC_VERDICT",
                        flag.senderUserId(), flag.messageId(), evaluation.summary(),
                        Map.of("verdict", flag.verdict(), "flag_id", flag.id())))
                .then();
    }

    private Mono<Void> hide(Candidate candidate, String fact, String flagId, Evaluation evaluation, Instant now) {
        return chat.hide(candidate.conversation(), candidate.messageId(), evaluation.summary(), SYSTEM, flagId)
                .onErrorResume(Verdicts::permanent, gone -> {
                    // The message or its conversation is gone (deleted meanwhile): nothing left to hide. Retrying
                    // would stop every message behind this one; the flag records the verdict.
                    log.warn("Not hiding message {}: {}", candidate.messageId(), gone.toString());
                    return Mono.empty();
                })
                .flatMap(hidden -> events.publish(ModerationEvents.derivedId("hidden", fact),
                        candidate.conversation().getId(), now, envelope -> envelope
                                .setMessageHidden(MessageHidden.newBuilder()
                                        .setConversation(candidate.conversation())
                                        .setMessageId(candidate.messageId())
                                        .setSeq(hidden.getSeq())
                                        .setSenderUserId(candidate.senderUserId())
                                        .setReason(evaluation.summary())
                                        .setHiddenBy(SYSTEM)
                                        .setHiddenAt(hidden.getHiddenAt())
                                        .setFlagId(flagId))));
    }

    private Mono<Void> warn(Candidate candidate, String fact, Evaluation evaluation, Instant now) {
        StoredRule rule = evaluation.matches().stream()
                .map(Evaluation.Match::rule)
                .filter(matched -> matched.action() == io.chatplatform.moderation.rules.RuleAction.HIDE_AND_WARN)
                .findFirst()
                .orElseThrow();
        return events.publish(ModerationEvents.derivedId("warned", fact), candidate.senderUserId(), now,
                envelope -> envelope.setUserWarned(UserWarned.newBuilder()
                        .setUserId(candidate.senderUserId())
                        .setReason("Your message broke the rules and was hidden.")
                        .setConversation(candidate.conversation())
                        .setMessageId(candidate.messageId())
                        .setWarnedAt(ModerationEvents.timestamp(now))
                        .setRuleId(rule.id())
                        .setRuleName(rule.name())));
    }

    /**
     * Counts the strike; the strike that reaches the rule's limit blocks the sender (once: a repeat adds nothing).
     * Emits whether this strike blocked the sender.
     */
    private Mono<Boolean> strike(Candidate candidate, String fact, StoredRule rule) {
        Duration window = rule.strikeWindowSeconds() > 0 ? Duration.ofSeconds(rule.strikeWindowSeconds())
                : DEFAULT_STRIKE_WINDOW;
        int limit = Math.max(1, rule.strikeLimit());
        String user = candidate.senderUserId();
        return strikes.add(user, fact + ":" + rule.id(), rule.id(), candidate.sentAt(),
                        candidate.sentAt().minus(window))
                .filter(count -> count >= limit)
                .filterWhen(count -> blocks.isBlocked(user).map(blocked -> !blocked))
                .flatMap(count -> {
                    Instant until = rule.blockSeconds() > 0 ? now().plusSeconds(rule.blockSeconds()) : null;
                    String reason = count + " strikes within " + window.toSeconds() + "s for rule " + rule.name();
                    log.info("Blocking {}: {}", user, reason);
                    return blocks.block(user, reason, until, SYSTEM)
                            .thenReturn(true)
                            .onErrorResume(Verdicts::permanent, refused -> {
                                // Unknown user, or blocking not configured: retrying cannot help, and would stop
                                // every message behind this one. The strikes stay counted and audited.
                                log.error("Could not block {} after {}: {}", user, reason, refused.toString());
                                return Mono.just(false);
                            });
                })
                .defaultIfEmpty(false);
    }

    /** Errors from chat-service or auth-service that a retry cannot fix; others (unavailable) are retried. */
    private static boolean permanent(Throwable error) {
        if (!(error instanceof io.grpc.StatusRuntimeException status)) {
            return false;
        }
        return switch (status.getStatus().getCode()) {
            case NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, PERMISSION_DENIED, UNAUTHENTICATED -> true;
            default -> false;
        };
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * @param verdict what happens to the message
     * @param flagId  the flag opened for it; empty for ALLOW
     */
    public record Outcome(Verdict verdict, String flagId) {
    }
}
