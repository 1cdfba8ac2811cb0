package io.chatplatform.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.chat.ChatMessage;
import io.chatplatform.contracts.chat.MembershipRequest;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.NotificationChannel;
import io.chatplatform.contracts.events.NotificationDeadLettered;
import io.chatplatform.notification.preference.PreferenceStore;
import io.chatplatform.notification.preference.Preferences;
import io.chatplatform.notification.preference.SettingsChanges;
import io.chatplatform.notification.push.PushEndpoint;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.redis.RedisPubSub;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;

/**
 * Pushes reach a real push endpoint that verifies VAPID and decrypts as a browser does, exactly once, only when the
 * rules say so; push-service failures are retried, gone subscriptions removed, hopeless pushes dead-lettered.
 */
class WebPushIT extends NotificationITSupport {

    @Autowired
    private ReactiveMongoTemplate mongo;
    @Autowired
    private KafkaSubscriber kafkaSubscriber;
    @Autowired
    private ApplicationContext context;
    @Autowired
    private PreferenceStore preferenceStore;
    @Autowired
    private RedisPubSub redisPubSub;

    @Test
    void pushesPreparedAtTheSameTimeForManyDevicesEachDecryptWithTheirOwnDevicesKeys() {
        // Several devices are encrypted for at once; a shared, non-thread-safe encryptor once mixed their keys.
        String ann = user("Ann");
        String bob = user("Bob");
        List<PushEndpoint.Device> devices = IntStream.range(0, 12)
                .mapToObj(i -> subscribe(bob)).toList();
        String dm = dm(ann, bob);

        for (int seq = 1; seq <= 3; seq++) {
            publishChat(Events.created(Events.message(dm, true, seq, ann, "burst " + seq), bob));
        }

        await().atMost(TIMEOUT).until(() -> devices.stream().allMatch(device -> device.received().size() == 3
                || !device.rejected().isEmpty()));
        assertThat(devices).allSatisfy(device -> {
            assertThat(device.rejected()).isEmpty();
            assertThat(device.received()).extracting(push -> push.payload().path("seq").asLong())
                    .containsExactlyInAnyOrder(1L, 2L, 3L);
        });
    }

    @Test
    void aDirectMessageToAnOfflineUserIsPushedEncryptedAndSignedAndNeverToTheSender() {
        String ann = user("Ann <b>&");
        String bob = user("Bob");
        PushEndpoint.Device annDevice = subscribe(ann);
        PushEndpoint.Device bobPhone = subscribe(bob);
        PushEndpoint.Device bobLaptop = subscribe(bob);
        String dm = dm(ann, bob);
        String text = "Hi Bob! " + "x".repeat(300);
        ChatMessage message = Events.message(dm, true, 1, ann, text);
        double sentBefore = counted("push", "sent");

        publishChat(Events.created(message, bob));

        await().atMost(TIMEOUT).until(() -> bobPhone.received().size() == 1 && bobLaptop.received().size() == 1);
        // The device has the push once the service sent it; the service counts it when the answer is back.
        await().atMost(TIMEOUT).until(() -> counted("push", "sent") >= sentBefore + 2);
        PushEndpoint.Received push = bobPhone.received().get(0);
        assertThat(bobPhone.rejected()).isEmpty();
        assertThat(push.payload().path("title").asString()).isEqualTo("Ann <b>&");
        assertThat(push.payload().path("senderName").asString()).isEqualTo("Ann <b>&");
        assertThat(push.payload().path("body").asString()).startsWith("Hi Bob! xxx").endsWith("…")
                .hasSize(120);
        assertThat(push.payload().path("conversationId").asString()).isEqualTo(dm);
        assertThat(push.payload().path("conversationKind").asString()).isEqualTo("dm");
        assertThat(push.payload().path("messageId").asString()).isEqualTo(message.getMessageId());
        assertThat(push.payload().path("seq").asLong()).isEqualTo(1);
        assertThat(push.headers()).containsEntry("TTL", "86400").containsEntry("Urgency", "high");
        assertThat(push.vapidKey()).isEqualTo(vapidPublicKey());
        assertThat(push.vapidClaims().path("aud").asString()).isEqualTo(PUSH_SERVICE.origin());
        assertThat(annDevice.attempts()).isZero();
    }

    @Test
    void aRecipientWithoutAPushSubscriptionGetsNoPushScheduledButStillTheDigestEntry() {
        String ann = user("Ann");
        String bob = user("Bob");
        String dm = dm(ann, bob);

        publishChat(Events.created(Events.message(dm, true, 1, ann, "no device yet"), bob));
        // A recipient's push is scheduled before their digest entry, so once the entry is there a push would be too.
        await().atMost(TIMEOUT).until(() -> digestEntries(bob) == 1);
        assertThat(pendingPushes(bob)).as("nothing to push to").isZero();

        PushEndpoint.Device phone = subscribe(bob);
        publishChat(Events.created(Events.message(dm, true, 2, ann, "now with a phone"), bob));
        await().atMost(TIMEOUT).until(() -> phone.received().size() == 1);
        assertThat(bodies(phone)).containsExactly("now with a phone");
    }

    /**
     * What an instance keeps of a recipient between messages (settings, whether they have a push subscription) is
     * dropped when any instance announces a change on Redis. Here "another instance" turns Bob's push on: it stores
     * the settings (written to MongoDB directly, past this instance) and announces it on the channel.
     */
    @Test
    void aSettingsChangeAnotherInstanceAnnouncesIsHeardByTheNextMessage() {
        String ann = user("Ann");
        String bob = user("Bob");
        PushEndpoint.Device phone = subscribe(bob);
        String dm = dm(ann, bob);
        putPreferences(bob, preferences(false, true, false, null));

        publishChat(Events.created(Events.message(dm, true, 1, ann, "push off"), bob));
        await().atMost(TIMEOUT).until(() -> digestEntries(bob) == 1);
        assertThat(pendingPushes(bob)).isZero();

        Preferences pushOn = new Preferences(bob, true, true, Preferences.DEFAULT_EMAIL_DELAY_MINUTES, "UTC", null,
                null, false);
        mongo.save(pushOn).block(TIMEOUT);
        // Not announced yet: this instance still weighs Bob as it last read him.
        publishChat(Events.created(Events.message(dm, true, 2, ann, "not heard yet"), bob));
        await().atMost(TIMEOUT).until(() -> digestEntries(bob) == 2);
        assertThat(pendingPushes(bob)).as("the change was not announced").isZero();

        redisPubSub.publish(SettingsChanges.CHANNEL, bob.getBytes(StandardCharsets.UTF_8)).block(TIMEOUT);
        publishChat(Events.created(Events.message(dm, true, 3, ann, "heard"), bob));
        await().atMost(TIMEOUT).until(() -> phone.received().size() == 1);
        assertThat(bodies(phone)).containsExactly("heard");
    }

    @Test
    void aMessageFromLongAgoNotifiesNobody() {
        String ann = user("Ann");
        String bob = user("Bob");
        PushEndpoint.Device phone = subscribe(bob);
        String dm = dm(ann, bob);
        EventEnvelope old = Events.created(Events.message(dm, true, 1, ann, "from last week"), bob);
        old = old.toBuilder().setOccurredAt(Events.timestamp(Instant.now().minus(Duration.ofDays(7)))).build();

        publishChat(old);
        publishChat(Events.created(Events.message(dm, true, 2, ann, "from now"), bob));

        await().atMost(TIMEOUT).until(() -> phone.received().size() == 1);
        assertThat(bodies(phone)).containsExactly("from now");
    }

    @Test
    void aRedeliveredEventSendsNothingTwice() {
        String ann = user("Ann");
        String bob = user("Bob");
        PushEndpoint.Device bobPhone = subscribe(bob);
        String dm = dm(ann, bob);
        EventEnvelope event = Events.created(Events.message(dm, true, 1, ann, "once"), bob);
        double deduplicatedBefore = counted("push", "deduplicated");

        publishChat(event);
        publishChat(event);

        await().atMost(TIMEOUT).until(() -> counted("push", "deduplicated") >= deduplicatedBefore + 1
                && bobPhone.received().size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> bobPhone.attempts() == 1);
    }

    @Test
    void aSubscriptionThePushServiceNoLongerKnowsIsRemoved() {
        String ann = user("Ann");
        String bob = user("Bob");
        PushEndpoint.Device gone = subscribe(bob).answer(new PushEndpoint.Answer(410, null));
        PushEndpoint.Device kept = subscribe(bob);
        String dm = dm(ann, bob);
        double expiredBefore = counted("push", "expired");

        publishChat(Events.created(Events.message(dm, true, 1, ann, "hello"), bob));

        await().atMost(TIMEOUT).until(() -> kept.received().size() == 1 && subscriptionsOf(bob).size() == 1);
        assertThat(subscriptionsOf(bob)).containsExactly(kept.endpoint());
        assertThat(gone.attempts()).isEqualTo(1);
        assertThat(counted("push", "expired")).isEqualTo(expiredBefore + 1);
    }

    @Test
    void aPushServiceThatAsksToSlowDownIsTriedAgainAfterItsRetryAfter() {
        String ann = user("Ann");
        String bob = user("Bob");
        PushEndpoint.Device phone = subscribe(bob)
                .answer(new PushEndpoint.Answer(429, "2"), new PushEndpoint.Answer(503, null));
        String dm = dm(ann, bob);
        Instant sent = Instant.now();

        publishChat(Events.created(Events.message(dm, true, 1, ann, "patience"), bob));

        await().atMost(TIMEOUT).until(() -> phone.received().size() == 1);
        assertThat(phone.attempts()).isEqualTo(3);
        // Retry-After: 2 (seconds), not the 100 ms backoff configured for tries without one.
        assertThat(Duration.between(sent, phone.received().get(0).at())).isGreaterThanOrEqualTo(
                Duration.ofSeconds(2));
        assertThat(phone.received().get(0).payload().path("body").asString()).isEqualTo("patience");
    }

    @Test
    void aPushThatKeepsFailingIsDeadLetteredWithTheReason() throws InvalidProtocolBufferException {
        String ann = user("Ann");
        String bob = user("Bob");
        PushEndpoint.Device broken = subscribe(bob).alwaysAnswer(500);
        String dm = dm(ann, bob);
        EventEnvelope event = Events.created(Events.message(dm, true, 1, ann, "doomed"), bob);

        publishChat(event);

        EventEnvelope deadLetter = kafkaSubscriber
                .consume(ConsumerSpec.of("test-" + UUID.randomUUID(), Topics.NOTIFICATION_DEAD_LETTER),
                        record -> reactor.core.publisher.Mono.empty())
                .map(record -> parse(record.value()))
                .filter(envelope -> envelope.getNotificationDeadLettered().getUserId().equals(bob))
                .blockFirst(TIMEOUT);
        NotificationDeadLettered failure = deadLetter.getNotificationDeadLettered();
        assertThat(deadLetter.getType()).isEqualTo("notification.dead-lettered");
        assertThat(failure.getChannel()).isEqualTo(NotificationChannel.NOTIFICATION_CHANNEL_WEB_PUSH);
        assertThat(failure.getAttempts()).isEqualTo(3);
        assertThat(failure.getLastError()).contains("500");
        assertThat(failure.getSourceEventId()).isEqualTo(event.getEventId());
        assertThat(failure.getSourceEventType()).isEqualTo("message.created");
        assertThat(failure.getDestination()).isEqualTo(subscriptionIds(bob).get(0));
        assertThat(broken.attempts()).isEqualTo(3);
    }

    @Test
    void anOnlineUserIsPushedOnlyIfTheMessageIsStillUnreadAfterTheGrace() {
        String ann = user("Ann");
        String bob = user("Bob");
        PushEndpoint.Device phone = subscribe(bob);
        String dm = dm(ann, bob);
        online(bob);

        publishChat(Events.created(Events.message(dm, true, 1, ann, "read at once"), bob));
        await().atMost(TIMEOUT).until(() -> pendingPushes(bob) == 1);
        chat().read(dm, bob, 1);
        clock.advance(Duration.ofSeconds(61));
        await().atMost(TIMEOUT).until(() -> pendingPushes(bob) == 0);

        publishChat(Events.created(Events.message(dm, true, 2, ann, "left unread"), bob));
        await().atMost(TIMEOUT).until(() -> pendingPushes(bob) == 1);
        assertThat(phone.attempts()).isZero();
        clock.advance(Duration.ofSeconds(61));

        await().atMost(TIMEOUT).until(() -> phone.received().size() == 1);
        assertThat(phone.received().get(0).payload().path("body").asString()).isEqualTo("left unread");
    }

    @Test
    void aDuePushBeingSentWhenTheServiceStopsIsFinishedThenAndNotSentAgainAfterTheRestart() throws Exception {
        String ann = user("Ann");
        String bob = user("Bob");
        PushEndpoint.Device phone = subscribe(bob).answerAfter(Duration.ofSeconds(2));
        String dm = dm(ann, bob);
        online(bob);
        SmartLifecycle dueNotifications = context.getBean("dueNotifications", SmartLifecycle.class);
        publishChat(Events.created(Events.message(dm, true, 1, ann, "in flight at the stop"), bob));
        await().atMost(TIMEOUT).until(() -> pendingPushes(bob) == 1);
        clock.advance(Duration.ofSeconds(61));
        await().atMost(TIMEOUT).until(() -> phone.attempts() == 1);

        CountDownLatch stopped = new CountDownLatch(1);
        dueNotifications.stop(stopped::countDown);
        assertThat(stopped.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(pendingPushes(bob)).as("the push was sent and recorded before the stop completed").isZero();
        dueNotifications.start();
        // Past the claim lease: had the push been left claimed, a round would now take it again.
        clock.advance(Duration.ofMinutes(3));

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> phone.attempts() == 1);
        assertThat(phone.received()).hasSize(1);
        assertThat(phone.rejected()).isEmpty();
    }

    @Test
    void aMessageHiddenBeforeItsPushWasDueIsNotPushed() {
        String ann = user("Ann");
        String bob = user("Bob");
        PushEndpoint.Device phone = subscribe(bob);
        String dm = dm(ann, bob);
        online(bob);
        ChatMessage message = Events.message(dm, true, 1, ann, "something to hide");

        publishChat(Events.created(message, bob));
        publishChat(Events.hidden(message));
        await().atMost(TIMEOUT).until(() -> pendingPushes(bob) == 1
                && mongo.exists(query(where("_id").is(message.getMessageId())), "retracted_messages").block());
        clock.advance(Duration.ofSeconds(61));

        await().atMost(TIMEOUT).until(() -> pendingPushes(bob) == 0);
        assertThat(phone.attempts()).isZero();
    }

    @Test
    void roomMessagesNotifyMentionsByDefaultAndEverythingWhenAskedAndNothingFromABlockedSender() {
        String ann = user("Ann");
        String bob = user("Bob");
        String cat = user("Cat");
        String mallory = user("Mallory");
        PushEndpoint.Device bobPhone = subscribe(bob);
        PushEndpoint.Device catPhone = subscribe(cat);
        PushEndpoint.Device annPhone = subscribe(ann);
        String room = newId("room");
        chat().conversation(room, ann, bob, cat, mallory);
        putPreferences(cat, preferences(true, false, true, null));
        Events.auth(kafka, Events.blocked(mallory));

        publishChat(Events.created(Events.message(room, false, 1, ann, "to everyone")));
        publishChat(Events.created(Events.message(room, false, 2, ann, "@bob look", bob)));
        await().atMost(TIMEOUT).until(() -> bobPhone.received().size() == 1 && catPhone.received().size() == 2);
        publishChat(Events.created(Events.message(room, false, 3, mallory, "@bob spam", bob)));
        publishChat(Events.created(Events.message(room, false, 4, ann, "@bob again", bob)));

        await().atMost(TIMEOUT).until(() -> bobPhone.received().size() == 2 && catPhone.received().size() == 3);
        // Pushes of messages published together go out side by side: which arrives first is not a promise.
        assertThat(bodies(bobPhone)).containsExactlyInAnyOrder("@bob look", "@bob again");
        assertThat(bodies(catPhone)).containsExactlyInAnyOrder("to everyone", "@bob look", "@bob again");
        assertThat(bobPhone.received().get(0).payload().path("title").asString()).isEqualTo("Ann mentioned you");
        assertThat(catPhone.received().get(0).headers()).containsEntry("Urgency", "normal");
        assertThat(annPhone.attempts()).isZero();
    }

    @Test
    void aRoomMessageAsksChatServiceOnlyAboutTheMembersItCanNotify() {
        String ann = user("Ann");
        String bob = user("Bob");
        String cat = user("Cat");
        String dan = user("Dan");
        PushEndpoint.Device bobPhone = subscribe(bob);
        PushEndpoint.Device catPhone = subscribe(cat);
        PushEndpoint.Device danPhone = subscribe(dan);
        String room = newId("room");
        chat().conversation(room, ann, bob, cat, dan);
        putPreferences(cat, preferences(true, false, true, null));
        await().atMost(TIMEOUT).until(() -> preferenceStore.roomMessageUsers() != null);

        publishChat(Events.created(Events.message(room, false, 1, ann, "to everyone")));
        publishChat(Events.created(Events.message(room, false, 2, ann, "@bob look", bob)));

        await().atMost(TIMEOUT).until(() -> catPhone.received().size() == 2 && bobPhone.received().size() == 1);
        List<MembershipRequest> asked = chat().asked(room);
        // Only cat (every room message) and bob (mentioned) can be notified: dan and the sender are never asked about,
        // and the room's members are never listed. (The later questions about one user are the pushes' read checks.)
        assertThat(asked).isNotEmpty().allSatisfy(request -> assertThat(request.getUserIdsList())
                .isNotEmpty().doesNotContain(dan, ann));
        assertThat(asked).anySatisfy(request -> assertThat(request.getUserIdsList()).contains(cat, bob));
        assertThat(danPhone.attempts()).isZero();
    }

    @Test
    void muteMentionsOnlyAndQuietHoursHoldPushesBack() {
        String ann = user("Ann");
        String bob = user("Bob");
        PushEndpoint.Device phone = subscribe(bob);
        String carol = user("Carol");
        PushEndpoint.Device carolPhone = subscribe(carol);
        String dm = dm(ann, bob);
        String room = newId("room");
        chat().conversation(room, ann, bob, carol);
        putPreferences(bob, preferences(true, false, true, null));

        conversationSettings(bob, dm, Map.of("mutedUntil", clock.instant().plus(Duration.ofDays(1)).toString()));
        publishChat(Events.created(Events.message(dm, true, 1, ann, "muted"), bob));
        conversationSettings(bob, room, Map.of("mentionsOnly", true));
        publishChat(Events.created(Events.message(room, false, 1, ann, "no mention")));
        publishChat(Events.created(Events.message(room, false, 2, ann, "@bob mention", bob)));
        await().atMost(TIMEOUT).until(() -> phone.received().size() == 1);
        as(bob).delete().uri("/api/notifications/preferences/conversations/{id}", dm).exchange()
                .expectStatus().isNoContent();
        publishChat(Events.created(Events.message(dm, true, 2, ann, "unmuted"), bob));
        await().atMost(TIMEOUT).until(() -> phone.received().size() == 2);

        DateTimeFormatter hours = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
        putPreferences(bob, preferences(true, false, true, Map.of(
                "start", hours.format(clock.instant().minus(Duration.ofHours(1))),
                "end", hours.format(clock.instant().plus(Duration.ofHours(1))))));
        // One event for bob (in quiet hours) and carol (not): carol's push shows the event was decided on, for both,
        // before bob's quiet hours end, whatever the consumer's lag.
        publishChat(Events.created(Events.message(room, false, 3, ann, "@bob @carol at night", bob, carol)));
        await().atMost(TIMEOUT).until(() -> carolPhone.received().size() == 1);
        putPreferences(bob, preferences(true, false, true, null));
        publishChat(Events.created(Events.message(dm, true, 3, ann, "in the morning"), bob));

        await().atMost(TIMEOUT).until(() -> phone.received().size() == 3);
        assertThat(bodies(phone)).containsExactly("@bob mention", "unmuted", "in the morning");
    }

    private String dm(String one, String other) {
        String dm = newId("dm");
        chat().conversation(dm, one, other);
        return dm;
    }

    private void conversationSettings(String user, String conversationId, Map<String, Object> body) {
        as(user).put().uri("/api/notifications/preferences/conversations/{id}", conversationId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isOk();
    }

    private static List<String> bodies(PushEndpoint.Device device) {
        return device.received().stream().map(push -> push.payload().path("body").asString()).toList();
    }

    private long digestEntries(String userId) {
        return mongo.count(query(where("userId").is(userId)), "digest_entries").block();
    }

    private long pendingPushes(String userId) {
        return mongo.count(query(where("userId").is(userId)), "pending_pushes").block();
    }

    private String vapidPublicKey() {
        return (String) http().get().uri("/api/notifications/vapid-public-key").exchange()
                .expectBody(Map.class).returnResult().getResponseBody().get("publicKey");
    }

    private List<String> subscriptionsOf(String user) {
        return subscriptionField(user, "endpoint");
    }

    private List<String> subscriptionIds(String user) {
        return subscriptionField(user, "id");
    }

    @SuppressWarnings("unchecked")
    private List<String> subscriptionField(String user, String field) {
        Map<?, ?> body = as(user).get().uri("/api/notifications/subscriptions").exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        return ((List<Map<String, String>>) body.get("items")).stream().map(item -> item.get(field)).toList();
    }

    private static EventEnvelope parse(byte[] value) {
        try {
            return EventEnvelope.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
