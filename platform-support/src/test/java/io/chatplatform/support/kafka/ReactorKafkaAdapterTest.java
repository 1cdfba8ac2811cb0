package io.chatplatform.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.support.kafka.internal.ReactorKafkaAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Behaviour that needs no broker; publish/consume against a real one is in {@code KafkaAdapterIT}. */
class ReactorKafkaAdapterTest {

    @Test
    void sendToUnreachableBrokerFailsInsteadOfDroppingTheRecord() {
        KafkaProperties properties = new KafkaProperties("127.0.0.1:9", "test", Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(1), 0,
                Duration.ofMillis(10), Duration.ofSeconds(1), Map.of(), Map.of());
        try (ReactorKafkaAdapter adapter = new ReactorKafkaAdapter(properties)) {
            OutboundRecord record = OutboundRecord.of("chat.messages", "room-1",
                    "hello".getBytes(StandardCharsets.UTF_8));

            StepVerifier.create(adapter.send(record))
                    .expectErrorSatisfies(error -> assertThat(error)
                            .hasMessageContaining("chat.messages"))
                    .verify(Duration.ofSeconds(15));
        }
    }

    @Test
    void consumerSpecDefaultsToEarliestSoANewGroupMissesNothing() {
        ConsumerSpec spec = ConsumerSpec.of("moderation", "chat.messages");

        assertThat(spec.autoOffsetReset().configValue()).isEqualTo("earliest");
    }
}
