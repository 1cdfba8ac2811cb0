package io.chatplatform.chat.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.ChatServiceITSupport;
import io.chatplatform.contracts.Topics;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaSubscriber;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import reactor.core.publisher.Mono;

/**
 * A message sent over REST with a W3C {@code traceparent} is published under that trace: the Kafka record's
 * {@code traceparent} header and the envelope's trace context (what Redis subscribers get) carry its trace id.
 */
class TracePropagationIT extends ChatServiceITSupport {

    @Autowired
    private KafkaSubscriber kafka;

    @Test
    void theSendersTraceTravelsInTheKafkaHeaderAndInTheEnvelope() throws Exception {
        String owner = newUser();
        String roomId = createRoom(owner, "traced " + UUID.randomUUID(), "public");
        String traceId = UUID.randomUUID().toString().replace("-", "");
        as(owner).post().uri("/api/conversations/{id}/messages", roomId)
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientMsgId", UUID.randomUUID().toString(), "text", "traced"))
                .exchange()
                .expectStatus().isCreated();

        InboundRecord record = kafka.consume(ConsumerSpec.of("it-" + UUID.randomUUID(), Topics.CHAT_ROOM_EVENTS),
                        inbound -> Mono.empty())
                .filter(inbound -> roomId.equals(inbound.key()))
                .filter(inbound -> parse(inbound.value()).hasMessageCreated())
                .next()
                .block(TIMEOUT);

        assertThat(record.headers().get("traceparent")).startsWith("00-" + traceId + "-");
        assertThat(parse(record.value()).getTrace().getTraceparent()).startsWith("00-" + traceId + "-");
    }

    private static EventEnvelope parse(byte[] bytes) {
        try {
            return EventEnvelope.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
