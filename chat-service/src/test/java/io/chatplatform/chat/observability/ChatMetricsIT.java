package io.chatplatform.chat.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatplatform.chat.ChatServiceITSupport;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * chat-service's operator metrics as Prometheus scrapes them: messages stored (a repeat is not counted again), events
 * published to Kafka and Redis by the outbox relay, the outbox backlog and age, and the Kafka consumers' lag.
 */
class ChatMetricsIT extends ChatServiceITSupport {

    @Test
    void storedMessagesPublishedEventsAndTheOutboxAreMeasured() {
        String alice = newUser();
        String bob = newUser();
        String roomId = createRoom(alice, "metrics " + UUID.randomUUID(), "public");
        String dmId = openDm(alice, bob);
        double roomsBefore = value("chat_messages_stored_total{conversation=\"room\"}");
        double dmsBefore = value("chat_messages_stored_total{conversation=\"dm\"}");
        double chatMessagesBefore =
                value("chat_events_published_total{destination=\"chat.messages\",transport=\"kafka\"}");
        double userChannelsBefore = value("chat_events_published_total{destination=\"user\",transport=\"redis\"}");

        sent(alice, roomId, "in the room");
        String clientMsgId = UUID.randomUUID().toString();
        send(alice, dmId, clientMsgId, "a dm").expectStatus().isCreated();
        send(alice, dmId, clientMsgId, "a dm").expectStatus().isOk();

        assertThat(value("chat_messages_stored_total{conversation=\"room\"}")).isEqualTo(roomsBefore + 1);
        assertThat(value("chat_messages_stored_total{conversation=\"dm\"}")).as("the repeat is not stored again")
                .isEqualTo(dmsBefore + 1);
        // The relay publishes both messages to chat.messages, and the DM to both participants' user channels.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(value("chat_events_published_total{destination=\"chat.messages\",transport=\"kafka\"}"))
                    .isGreaterThanOrEqualTo(chatMessagesBefore + 2);
            assertThat(value("chat_events_published_total{destination=\"user\",transport=\"redis\"}"))
                    .isGreaterThanOrEqualTo(userChannelsBefore + 2);
        });
        String scrape = scrape();
        assertThat(scrape).contains("chat_outbox_backlog_messages ", "chat_outbox_oldest_age_seconds ");
        // chat-service consumes auth.events and moderation.events: the Kafka clients report their lag.
        assertThat(scrape).contains("kafka_consumer_fetch_manager_records_lag_max");
    }

    private String scrape() {
        return http().get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    /** A sample's value; 0 when the series is not there yet. */
    private double value(String series) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
