package io.chatplatform.moderation.flag;


import io.chatplatform.contracts.events.MessageFlagged;
import io.chatplatform.moderation.clients.ChatClient;
import io.chatplatform.moderation.events.ModerationEvents;
import io.chatplatform.support.problem.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Users' reports: a member of the conversation reports a message and an OPEN flag is opened for it. One report per
 * reporter and message (reporting again returns the same flag). The message's sender, seq and text come from what the
 * asynchronous check recorded, when it has seen the message.
 */
@Component
public class Reports {

    private final ChatClient chat;
    private final FlagStore flags;
    private final ReactiveMongoTemplate mongo;
    private final ModerationEvents events;
    private final Clock clock;

    Reports(ChatClient chat, FlagStore flags, ReactiveMongoTemplate mongo, ModerationEvents events,
            Optional<Clock> clock) {
        this.chat = chat;
        this.flags = flags;
        this.mongo = mongo;
        this.events = events;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    public Mono<StoredFlag> report(String reporter, String conversationId, String messageId, String reason) {
        return chat.isMember(conversationId, reporter)
                .filter(member -> member)
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.FORBIDDEN,
                        "Only members of the conversation may report its messages.")))
                .then(mongo.findById(messageId, Document.class, "verdicts")
                        .map(Optional::of)
                        .defaultIfEmpty(Optional.empty()))
                .flatMap(seen -> open(reporter, conversationId, messageId, reason, seen.orElse(null)));
    }

    private Mono<StoredFlag> open(String reporter, String conversationId, String messageId, String reason,
            Document seen) {
        if (seen != null && !conversationId.equals(seen.getString("conversationId"))) {
            return Mono.error(new ApiException(HttpStatus.NOT_FOUND, "No such message in this conversation."));
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String flagId = ModerationEvents.derivedId("report", messageId, reporter);
        StoredFlag flag = new StoredFlag(flagId, conversationId,
                seen == null ? "" : seen.getString("conversationKind"), messageId,
                seen == null ? 0 : seen.get("seq", Number.class).longValue(),
                seen == null ? "" : seen.getString("senderUserId"), seen == null ? "" : seen.getString("text"),
                "ALLOW", List.of(new StoredFlag.Reason("", "report", reason.isBlank()
                        ? "reported by " + reporter : "reported by " + reporter + ": " + reason)),
                StoredFlag.OPEN, now, null, "", "", reporter);
        return flags.open(flag)
                .flatMap(opened -> opened.created()
                        ? events.publish(ModerationEvents.derivedId("flagged", flagId), conversationId, now,
                                        envelope -> envelope.setMessageFlagged(MessageFlagged.newBuilder()
                                                .setFlag(Flags.toProto(opened.flag()))))
                                .thenReturn(opened.flag())
                        : Mono.just(opened.flag()));
    }
}
