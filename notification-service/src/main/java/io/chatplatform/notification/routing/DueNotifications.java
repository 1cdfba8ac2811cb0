package io.chatplatform.notification.routing;

import io.chatplatform.contracts.chat.Member;
import io.chatplatform.notification.NotificationProperties;
import io.chatplatform.notification.delivery.Links;
import io.chatplatform.notification.directory.Recipient;
import io.chatplatform.notification.directory.RecipientDirectory;
import io.chatplatform.notification.email.DigestEmails;
import io.chatplatform.notification.email.EmailDelivery;
import io.chatplatform.notification.email.UnsubscribeLinks;
import io.chatplatform.notification.preference.PreferenceStore;
import io.chatplatform.notification.preference.Preferences;
import io.chatplatform.notification.push.PushDelivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends what has come due, every {@code chat.notification.poll-interval}: pushes and digest emails, each claimed by
 * one instance ({@link Schedule}). Right before sending, everything that may have changed since the message arrived
 * is checked again: the message was hidden or deleted, the sender was blocked, the recipient read it, muted the
 * conversation, turned the channel off or is in quiet hours; then nothing is sent.
 */
@Component
class DueNotifications implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DueNotifications.class);
    private static final int BATCH = 100;
    private static final int CONCURRENCY = 8;

    private final Schedule schedule;
    private final ChatMembers members;
    private final RetractedMessages retracted;
    private final RecipientDirectory directory;
    private final PreferenceStore preferences;
    private final PushDelivery pushes;
    private final DigestEmails digests;
    private final UnsubscribeLinks unsubscribeLinks;
    private final EmailDelivery emails;
    private final NotificationProperties properties;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private final PollingRounds rounds;

    DueNotifications(Schedule schedule, ChatMembers members, RetractedMessages retracted,
                     RecipientDirectory directory, PreferenceStore preferences, PushDelivery pushes,
                     DigestEmails digests, UnsubscribeLinks unsubscribeLinks, EmailDelivery emails,
                     NotificationProperties properties, Optional<Clock> clock) {
        this.schedule = schedule;
        this.members = members;
        this.retracted = retracted;
        this.directory = directory;
        this.preferences = preferences;
        this.pushes = pushes;
        this.digests = digests;
        this.unsubscribeLinks = unsubscribeLinks;
        this.emails = emails;
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
        // A round's sends fit well in the drain: pushes time out in seconds, emails retry a few times.
        this.rounds = new PollingRounds(properties.pollInterval(), Duration.ofSeconds(15), this::sendDue);
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        // One failed round (MongoDB away) is logged and the next round tries again; claims of the failed round run
        // out and are taken again.
        rounds.start();
    }

    Mono<Void> sendDue() {
        Instant now = clock.instant();
        return schedule.claimDuePushes(now, properties.claimLease(), BATCH)
                .flatMap(push -> push(push).onErrorResume(error -> failed(push.id(), error)), CONCURRENCY)
                .thenMany(schedule.claimDueDigests(now, properties.claimLease(), BATCH))
                .flatMap(digest -> digest(digest).onErrorResume(error -> failed(digest.userId(), error)),
                        CONCURRENCY)
                .then();
    }

    /** One notification failed (MongoDB, Kafka away): its claim runs out and a later round takes it again. */
    private static Mono<Void> failed(String id, Throwable error) {
        log.warn("Due notification {} failed, retrying after its claim expires: {}", id, error.toString());
        return Mono.empty();
    }

    private Mono<Void> push(PendingPush pending) {
        MessageRef message = pending.message();
        Instant now = clock.instant();
        return preferences.of(pending.userId())
                .zipWith(preferences.of(pending.userId(), message.conversationId()))
                .filter(settings -> NotificationRules.decide(message.dm(), message.mentioned(), settings.getT1(),
                        settings.getT2(), now).push())
                .flatMap(settings -> stillWorthIt(pending.userId(), message))
                .filter(Boolean::booleanValue)
                .flatMap(yes -> directory.find(message.senderId())
                        .map(Recipient::name)
                        .defaultIfEmpty("Someone"))
                .flatMap(senderName -> pushes.deliver(notification(message, senderName),
                        new PushDelivery.Source(pending.id(), pending.userId(), message.eventId(),
                                message.eventType())))
                .then(schedule.pushDone(pending));
    }

    private Mono<Void> digest(Digest digest) {
        String userId = digest.userId();
        return Mono.zip(preferences.of(userId), directory.find(userId).map(Optional::of)
                        .defaultIfEmpty(Optional.empty()), schedule.entriesOf(userId).collectList())
                .flatMap(state -> {
                    Preferences settings = state.getT1();
                    List<DigestEntry> entries = state.getT3();
                    List<String> ids = entries.stream().map(DigestEntry::id).toList();
                    Duration delay = Duration.ofMinutes(settings.emailDelayMinutes());
                    Optional<Recipient> recipient = state.getT2().filter(known -> known.email() != null);
                    if (!settings.email() || recipient.isEmpty()) {
                        return schedule.digestDone(digest, ids, delay);
                    }
                    return Flux.fromIterable(entries)
                            .filterWhen(entry -> stillWorthIt(userId, entry.message()))
                            .concatMap(entry -> line(entry.message()))
                            .collectList()
                            .flatMap(lines -> lines.isEmpty()
                                    ? Mono.empty()
                                    : sendDigest(recipient.get(), lines, entries.get(0)))
                            .then(schedule.digestDone(digest, ids, delay));
                });
    }

    private Mono<Void> sendDigest(Recipient recipient, List<DigestEmails.Line> lines, DigestEntry first) {
        return unsubscribeLinks.linkFor(recipient.userId())
                .map(link -> digests.digest(recipient.email(), recipient.name(), lines, link))
                .flatMap(email -> emails.deliver(email, new EmailDelivery.Source(
                        "digest:" + recipient.userId() + ":" + first.message().messageId(), recipient.userId(),
                        first.message().eventId(), first.message().eventType())));
    }

    private Mono<DigestEmails.Line> line(MessageRef message) {
        return directory.find(message.senderId())
                .map(Recipient::name)
                .defaultIfEmpty("Someone")
                .map(sender -> new DigestEmails.Line(sender, message.dm() ? "a direct message" : "a room",
                        message.preview(), message.conversationId()));
    }

    /** Not retracted, sender not blocked, and the recipient is still a member who has not read it. */
    private Mono<Boolean> stillWorthIt(String userId, MessageRef message) {
        return retracted.isRetracted(message.messageId())
                .flatMap(gone -> gone ? Mono.just(false) : directory.isBlocked(message.senderId())
                        .map(blocked -> !blocked))
                .flatMap(ok -> ok ? unread(userId, message) : Mono.just(false));
    }

    /**
     * Whether the user's read marker is still before the message. A user who left the conversation hears nothing.
     * If chat-service cannot answer, the message counts as unread (fail open: better a notification about a message
     * already read than none about one unread).
     */
    private Mono<Boolean> unread(String userId, MessageRef message) {
        return members.among(message.conversationId(), List.of(userId))
                .next()
                .map((Member member) -> member.getLastReadSeq() < message.seq())
                .defaultIfEmpty(false)
                .onErrorResume(error -> {
                    log.warn("Could not check whether {} read {}, notifying: {}", userId, message.messageId(),
                            error.toString());
                    return Mono.just(true);
                });
    }

    private PushDelivery.Notification notification(MessageRef message, String senderName) {
        String title = message.dm() ? senderName
                : message.mentioned() ? senderName + " mentioned you" : senderName + " in a room";
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", "message");
        payload.put("title", title);
        payload.put("body", message.preview());
        payload.put("conversationId", message.conversationId());
        payload.put("conversationKind", message.dm() ? "dm" : "room");
        payload.put("messageId", message.messageId());
        payload.put("seq", message.seq());
        payload.put("senderId", message.senderId());
        payload.put("senderName", senderName);
        payload.put("mention", message.mentioned());
        payload.put("url", Links.conversation(properties.email().publicUrl(), message.conversationId()));
        String urgency = message.dm() || message.mentioned() ? properties.push().urgency() : "normal";
        return new PushDelivery.Notification(title, message.preview(), payload, urgency);
    }

    /**
     * Starts no new round and lets the running one finish its sends and record them: a push sent but not yet marked
     * done would be sent again once its claim ran out, after the restart.
     */
    @Override
    public void stop(Runnable callback) {
        if (running.compareAndSet(true, false)) {
            rounds.stop(callback);
        } else {
            callback.run();
        }
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
