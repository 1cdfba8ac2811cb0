package io.chatplatform.notification.routing;

import com.google.protobuf.Timestamp;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.chat.ChatMessage;
import io.chatplatform.contracts.chat.EntryKind;
import io.chatplatform.contracts.chat.Member;
import io.chatplatform.contracts.chat.ModerationState;
import io.chatplatform.contracts.common.ConversationKind;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.notification.NotificationProperties;
import io.chatplatform.notification.delivery.Channel;
import io.chatplatform.notification.delivery.Dedupe;
import io.chatplatform.notification.delivery.GroupConsumer;
import io.chatplatform.notification.delivery.NotificationMetrics;
import io.chatplatform.notification.directory.RecipientDirectory;
import io.chatplatform.notification.preference.PreferenceStore;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.KafkaTopics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Kafka {@code chat.messages}: decides who hears of each new message and schedules their push and digest entry.
 *
 * <p>{@code message.created} (unless held for pre-moderation) and {@code message.released} notify the DM's other
 * participant, or the room's members (asked of chat-service: those mentioned or with {@code roomMessages} on, see
 * {@link #roomRecipients}), never the sender, and nobody when the sender is
 * blocked. Each recipient's settings then pick the channels ({@link NotificationRules}). {@code message.hidden} and
 * {@code message.deleted} retract the message: whatever is still waiting for it is dropped when due.
 *
 * <p>Each (event, recipient, channel) is claimed in Redis first ({@link Dedupe}); a redelivered event finds its
 * claims and schedules nothing again.
 */
@Component
class ChatMessagesConsumer extends GroupConsumer {

    private static final int RECIPIENT_CONCURRENCY = 16;
    /**
     * Events handled side by side per partition, each conversation's (the record key) in order: an event's time goes
     * to a few round trips (settings, claims, schedules), and one at a time per partition this consumer fell behind
     * 400 DMs/s with the machine's CPU to spare for it.
     */
    private static final int KEY_LANES = 8;
    /** Recipients whose settings are read in one go; a room's members arrive in pages of about this size. */
    private static final int SETTINGS_BATCH = 500;

    private final ChatMembers members;
    private final PresenceReader presence;
    private final PreferenceStore preferences;
    private final RecipientDirectory directory;
    private final RetractedMessages retracted;
    private final RecipientSettings settings;
    private final Schedule schedule;
    private final Dedupe dedupe;
    private final NotificationMetrics metrics;
    private final NotificationProperties.Push push;
    private final int previewLength;
    private final Duration maxMessageAge;
    private final Clock clock;

    ChatMessagesConsumer(KafkaSubscriber kafka, KafkaTopics topics, ChatMembers members, PresenceReader presence,
                         PreferenceStore preferences, RecipientDirectory directory, RetractedMessages retracted,
                         RecipientSettings settings, Schedule schedule, Dedupe dedupe, NotificationMetrics metrics,
                         NotificationProperties properties, Optional<Clock> clock) {
        super(kafka, topics, Topics.CHAT_MESSAGES, KEY_LANES);
        this.members = members;
        this.presence = presence;
        this.preferences = preferences;
        this.directory = directory;
        this.retracted = retracted;
        this.settings = settings;
        this.schedule = schedule;
        this.dedupe = dedupe;
        this.metrics = metrics;
        this.push = properties.push();
        this.previewLength = properties.push().previewLength();
        this.maxMessageAge = properties.maxMessageAge();
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Override
    protected Mono<Void> handle(EventEnvelope envelope) {
        return switch (envelope.getPayloadCase()) {
            case MESSAGE_CREATED -> envelope.getMessageCreated().getMessage().getModerationState()
                    == ModerationState.MODERATION_STATE_HELD
                    ? Mono.empty()
                    : created(envelope, envelope.getMessageCreated().getMessage(),
                            envelope.getMessageCreated().getRecipientUserIdsList());
            case MESSAGE_RELEASED -> created(envelope, envelope.getMessageReleased().getMessage(),
                    envelope.getMessageReleased().getRecipientUserIdsList());
            case MESSAGE_HIDDEN -> retracted.retract(envelope.getMessageHidden().getMessageId(), "hidden",
                    instant(envelope.getMessageHidden().getHiddenAt()));
            case MESSAGE_DELETED -> retracted.retract(envelope.getMessageDeleted().getMessageId(), "deleted",
                    instant(envelope.getMessageDeleted().getDeletedAt()));
            default -> Mono.empty();
        };
    }

    private Mono<Void> created(EventEnvelope envelope, ChatMessage message, List<String> dmRecipients) {
        if (message.getKind() != EntryKind.ENTRY_KIND_MESSAGE && message.getKind() != EntryKind.ENTRY_KIND_UNSPECIFIED
                || message.getDeleted()) {
            return Mono.empty();
        }
        // Old news (a new consumer group starts at the oldest retained record): nobody is notified.
        if (instant(envelope.getOccurredAt()).isBefore(clock.instant().minus(maxMessageAge))) {
            return Mono.empty();
        }
        boolean dm = message.getConversation().getKind() == ConversationKind.CONVERSATION_KIND_DM;
        return directory.isBlocked(message.getSenderUserId())
                .flatMapMany(blocked -> blocked ? Flux.empty() : recipients(message, dm, dmRecipients))
                // Settings and who has a push subscription come for a batch of recipients at once: from memory, or
                // three queries for those not known, not three per member.
                .buffer(SETTINGS_BATCH)
                .concatMap(batch -> settings.of(batch, message.getConversation().getId())
                        .flatMapMany(found -> Flux.fromIterable(batch)
                                .flatMap(userId -> notify(envelope, message, dm, userId, found.get(userId)),
                                        RECIPIENT_CONCURRENCY)))
                .then();
    }

    private Flux<String> recipients(ChatMessage message, boolean dm, List<String> dmRecipients) {
        Flux<String> everyone = dm ? Flux.fromIterable(dmRecipients) : roomRecipients(message);
        return everyone
                .filter(userId -> !userId.isEmpty() && !userId.equals(message.getSenderUserId()))
                .distinct();
    }

    /**
     * The members a room message may notify: only those mentioned and those who turned {@code roomMessages} on can
     * be (a conversation's own settings only ever take away), so while those are few only they are asked about, and
     * a message that can notify nobody asks nothing. Listing every member of a 1,000-member room for each of its
     * messages, and reading every member's settings, cost notification-service and chat-service more than the
     * message itself when nearly nobody was to be notified. Without the set (see
     * {@link PreferenceStore#roomMessageUsers}) every member is weighed, as they all can be.
     */
    private Flux<String> roomRecipients(ChatMessage message) {
        String roomId = message.getConversation().getId();
        Set<String> everyMessage = preferences.roomMessageUsers();
        Set<String> candidates = new HashSet<>(message.getMentionedUserIdsList());
        if (everyMessage != null) {
            candidates.addAll(everyMessage);
        }
        candidates.remove(message.getSenderUserId());
        if (everyMessage == null || candidates.size() > PreferenceStore.MAX_ROOM_MESSAGE_USERS) {
            return members.all(roomId).map(Member::getUserId);
        }
        return candidates.isEmpty() ? Flux.empty() : members.among(roomId, candidates).map(Member::getUserId);
    }

    /**
     * One recipient: settings decide the channels, each channel is claimed once, then scheduled. A push is scheduled
     * only for a recipient with a push subscription now: without one it could reach no device when due, and
     * scheduling it would cost the checks and writes of a push for nothing (most users never enable push).
     */
    private Mono<Void> notify(EventEnvelope envelope, ChatMessage message, boolean dm, String userId,
                              RecipientSettings.Recipient recipient) {
        PreferenceStore.Settings settings = recipient.settings();
        Instant now = clock.instant();
        boolean mentioned = message.getMentionedUserIdsList().contains(userId);
        NotificationRules.Decision decision = NotificationRules.decide(dm, mentioned, settings.general(),
                settings.conversation(), now);
        boolean push = decision.push() && recipient.hasPushSubscription();
        if (!push && !decision.email()) {
            return Mono.empty();
        }
        MessageRef ref = new MessageRef(envelope.getEventId(), envelope.getType(), message.getConversation().getId(),
                dm, message.getMessageId(), message.getSeq(), message.getSenderUserId(), preview(message.getText()),
                mentioned);
        Mono<Void> pushed = push
                ? once(envelope, userId, Channel.PUSH, schedulePush(userId, ref, now))
                : Mono.empty();
        Mono<Void> emailed = decision.email()
                ? once(envelope, userId, Channel.EMAIL, schedule.digest(userId, ref, now,
                        Duration.ofMinutes(settings.general().emailDelayMinutes())))
                : Mono.empty();
        return pushed.then(emailed);
    }

    /** Offline now: pushed after a short delay. Online: pushed after the read grace, if still unread by then. */
    private Mono<Void> schedulePush(String userId, MessageRef ref, Instant now) {
        return presence.isOnline(userId)
                .flatMap(online -> schedule.push(userId, ref, now.plus(online ? push.readGrace()
                        : push.offlineDelay())));
    }

    /**
     * Runs {@code work} only for the first delivery of this event to this recipient on this channel. If the work
     * fails, the claim is released and the error ends the handler, so the event is redelivered and tried again.
     */
    private Mono<Void> once(EventEnvelope envelope, String userId, Channel channel, Mono<Void> work) {
        String recipient = userId + ":" + channel.tag();
        return dedupe.claim(envelope.getEventId(), recipient)
                .flatMap(first -> {
                    if (!first) {
                        metrics.count(channel, NotificationMetrics.Outcome.DEDUPLICATED);
                        return Mono.empty();
                    }
                    return work.onErrorResume(error -> dedupe.release(envelope.getEventId(), recipient)
                            .then(Mono.error(error)));
                });
    }

    private String preview(String text) {
        String flat = text.strip().replaceAll("\\s+", " ");
        if (flat.codePointCount(0, flat.length()) <= previewLength) {
            return flat;
        }
        return flat.substring(0, flat.offsetByCodePoints(0, previewLength - 1)) + "…";
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
