package io.chatplatform.chat.message;

import io.chatplatform.chat.Ids;
import io.chatplatform.chat.Problems;
import io.chatplatform.chat.conversation.ConversationAccess;
import io.chatplatform.support.problem.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What moderation does to stored messages: hide them (moderators, rules) and release held ones (verdicts). */
@Service
public class MessageModeration {

    private static final int MAX_REASON = 500;

    private final MessageStore store;
    private final ConversationAccess access;
    private final Clock clock;

    MessageModeration(MessageStore store, ConversationAccess access, Optional<Clock> clock) {
        this.store = store;
        this.access = access;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /**
     * Hides a message from every reader; its text stays stored for audit. The first hide takes the next seq with a
     * hide entry carrying {@code message.hidden}; hiding again changes nothing and returns the first hide.
     */
    public Mono<HideResult> hide(String conversationId, String messageId, String actorId, String reason,
                                 String flagId) {
        String why = reason == null ? "" : reason.strip();
        if (why.length() > MAX_REASON) {
            return Mono.error(Problems.invalid("reason", "at most " + MAX_REASON + " characters"));
        }
        return access.existing(conversationId)
                .then(Mono.defer(() -> store.find(conversationId, Problems.requireId("message_id", messageId))))
                .filter(StoredMessage::isMessage)
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND,
                        "No message " + messageId + " in conversation " + conversationId + ".")))
                .flatMap(target -> {
                    var by = new StoredMessage.HiddenBy(actorId, why, flagId == null || flagId.isEmpty() ? null : flagId,
                            now());
                    return store.markHidden(target, by)
                            .flatMap(hidden -> appendHide(hidden, by))
                            .map(change -> new HideResult(target.seq(), false, by.at()))
                            .switchIfEmpty(Mono.defer(() -> store.find(conversationId, messageId)
                                    .map(already -> new HideResult(already.seq(), true,
                                            already.moderation() == null ? by.at() : already.moderation().at()))));
                });
    }

    private Mono<StoredMessage> appendHide(StoredMessage target, StoredMessage.HiddenBy by) {
        String changeId = Ids.newId();
        return store.appendChange(target.conversationId(), seq -> {
            StoredMessage change = new StoredMessage(changeId, target.conversationId(), target.conversationKind(),
                    target.participants(), seq, StoredMessage.HIDE, by.actorId(), "change:" + changeId, "", null,
                    List.of(), by.at(), true, List.of(), null, false, StoredMessage.HIDDEN, by, target.id(),
                    target.seq());
            return change.withEvents(List.of(MessageEvents.hidden(change, target)));
        });
    }

    /** Releases a held message to everyone ({@code message.released}); empty if it is no longer held. */
    public Mono<StoredMessage> release(StoredMessage held) {
        return store.release(held);
    }

    /**
     * Acts on an ALLOW verdict that came later than the send (a moderator's review, or the asynchronous check): a held
     * message is released to everyone ({@code message.released}), a post-moderated one marked approved. A message that
     * is hidden, deleted, approved already or gone is left as it is, so the same verdict twice changes nothing.
     *
     * @return the outcome, for logs and tests
     */
    public Mono<Allowed> allow(String conversationId, String messageId) {
        // Nearly every ALLOW is the check of a post-moderated message, so that one conditional update comes first and
        // is the verdict's only write; a held message (never pending) is read and released only when it did not apply.
        return Mono.defer(() -> store.approve(conversationId, Problems.requireId("message_id", messageId)))
                .flatMap(approved -> approved
                        ? Mono.just(Allowed.APPROVED)
                        : store.find(conversationId, messageId)
                                .filter(StoredMessage::isHeld)
                                .flatMap(held -> store.release(held).map(released -> Allowed.RELEASED)))
                .defaultIfEmpty(Allowed.UNCHANGED);
    }

    /** What an ALLOW verdict did to a message. */
    public enum Allowed {
        /** A held message was released to everyone. */
        RELEASED,
        /** A post-moderated message was marked approved. */
        APPROVED,
        /** Nothing: approved already, hidden, not a message, or not found. */
        UNCHANGED
    }

    /**
     * Keeps a held message held for a moderator's review: records the verdict so the sweep stops asking for it.
     * Empty if it is no longer held.
     */
    public Mono<StoredMessage> keepHeld(StoredMessage held, String reason, String flagId) {
        return store.recordVerdict(held, new StoredMessage.HiddenBy(MessageEvents.SYSTEM, reason, flagId, now()));
    }

    /**
     * Held messages stored before {@code before} that have no verdict yet, and those held for review whose verdict
     * is older than {@code reviewedBefore} (their review may have been decided), oldest first.
     */
    public Flux<StoredMessage> awaitingVerdict(Instant before, Instant reviewedBefore, int limit) {
        return store.heldBefore(before, reviewedBefore, limit);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * @param seq           the hidden message's seq
     * @param alreadyHidden nothing changed: it was hidden before
     * @param hiddenAt      when it was (first) hidden
     */
    public record HideResult(long seq, boolean alreadyHidden, Instant hiddenAt) {
    }
}
