package io.chatplatform.notification.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.contracts.events.NotificationChannel;
import io.chatplatform.contracts.events.NotificationDeadLettered;
import io.chatplatform.notification.NotificationProperties;
import io.chatplatform.notification.delivery.DeadLetters;
import io.chatplatform.notification.delivery.NotificationMetrics;
import io.chatplatform.notification.delivery.SentNotifications;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.OutboundRecord;
import io.chatplatform.support.kafka.RecordPosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** An email that cannot be delivered ends as a dead letter that says where, why and after how many tries. */
class EmailDeliveryTest {

    @Test
    void anEmailTheSmtpServerNeverTakesIsDeadLetteredWithTheReason() throws Exception {
        List<OutboundRecord> published = new CopyOnWriteArrayList<>();
        KafkaPublisher kafka = new KafkaPublisher() {
            @Override
            public Mono<RecordPosition> send(OutboundRecord record) {
                published.add(record);
                return Mono.just(new RecordPosition(record.topic(), 0, published.size(), Instant.now()));
            }

            @Override
            public Flux<RecordPosition> sendAll(Publisher<OutboundRecord> records) {
                return Flux.from(records).concatMap(this::send);
            }
        };
        KafkaTopics topics = specs -> Mono.empty();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NotificationMetrics metrics = NotificationMetrics.forRegistry(registry);
        NotificationProperties properties = new NotificationProperties("127.0.0.1:9092", Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofDays(7), Duration.ofHours(1), null, null,
                new NotificationProperties.Email("Chat <no-reply@chat.example>", "https://chat.example",
                        "/verify-email", "/reset-password", 20, 2, Duration.ofMillis(10)),
                new NotificationProperties.DevOutbox(true, 10));
        SentNotifications sent = new SentNotifications(properties);
        EmailDelivery delivery = new EmailDelivery(new Mailer(UnreachableSmtp.sender(), properties, metrics,
                Optional.empty()), new DeadLetters(kafka, topics, metrics), sent);

        StepVerifier.create(delivery.deliver(new Email("bob@example.org", "Hi", "text", "<p>html</p>", Map.of()),
                        new EmailDelivery.Source("digest:bob:m-1", "bob", "event-1", "message.created")))
                .expectComplete()
                .verify(Duration.ofSeconds(30));

        assertThat(published).hasSize(1);
        OutboundRecord record = published.get(0);
        assertThat(record.topic()).isEqualTo(Topics.NOTIFICATION_DEAD_LETTER);
        assertThat(record.key()).isEqualTo("bob");
        EventEnvelope envelope = EventEnvelope.parseFrom(record.value());
        assertThat(envelope.getType()).isEqualTo("notification.dead-lettered");
        assertThat(envelope.getCausationId()).isEqualTo("event-1");
        NotificationDeadLettered failure = envelope.getNotificationDeadLettered();
        assertThat(failure.getNotificationId()).isEqualTo("digest:bob:m-1");
        assertThat(failure.getChannel()).isEqualTo(NotificationChannel.NOTIFICATION_CHANNEL_EMAIL);
        assertThat(failure.getDestination()).isEqualTo("bob@example.org");
        assertThat(failure.getAttempts()).isEqualTo(2);
        assertThat(failure.getLastError()).startsWith("SMTP: ");
        assertThat(failure.getSourceEventType()).isEqualTo("message.created");
        assertThat(registry.get("chat.notifications").tag("channel", "email").tag("outcome", "dead-lettered")
                .counter().count()).isEqualTo(1);
        assertThat(sent.recent()).isEmpty();
    }
}
