package io.chatplatform.support.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.infra.Infrastructure;
import io.chatplatform.infra.junit.EmbeddedInfraExtension;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.OutboundRecord;
import io.chatplatform.support.kafka.TopicSpec;
import io.chatplatform.support.redis.RedisPubSub;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The beans as a service gets them from auto-configuration, against real Kafka and Redis. */
@ExtendWith(EmbeddedInfraExtension.class)
class PlatformSupportWiringIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    private ApplicationContextRunner runner(Infrastructure infrastructure) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        KafkaSupportAutoConfiguration.class,
                        RedisPubSubAutoConfiguration.class,
                        DataRedisAutoConfiguration.class,
                        DataRedisReactiveAutoConfiguration.class))
                .withPropertyValues(
                        "chat.kafka.bootstrap-servers=" + infrastructure.kafkaBootstrapServers(),
                        "spring.data.redis.host=" + infrastructure.redisHost(),
                        "spring.data.redis.port=" + infrastructure.redisPort());
    }

    @Test
    void autoConfiguredKafkaBeansPublishAndConsume(Infrastructure infrastructure) {
        String topic = "wiring-" + UUID.randomUUID();
        runner(infrastructure).run(context -> {
            KafkaTopics topics = context.getBean(KafkaTopics.class);
            KafkaPublisher publisher = context.getBean(KafkaPublisher.class);
            KafkaSubscriber subscriber = context.getBean(KafkaSubscriber.class);

            StepVerifier.create(topics.ensureTopics(List.of(TopicSpec.of(topic, 1, 1)))
                            .then(publisher.send(OutboundRecord.of(topic, "room-1", bytes("hello")))))
                    .expectNextCount(1)
                    .expectComplete()
                    .verify(TIMEOUT);
            StepVerifier.create(subscriber.consume(ConsumerSpec.of("wiring", topic), record -> Mono.empty())
                            .take(1))
                    .assertNext(record -> assertThat(record.value()).isEqualTo(bytes("hello")))
                    .expectComplete()
                    .verify(TIMEOUT);
        });
    }

    @Test
    void autoConfiguredRedisPubSubRoundTrip(Infrastructure infrastructure) {
        runner(infrastructure).run(context -> {
            RedisPubSub pubSub = context.getBean(RedisPubSub.class);

            StepVerifier.create(pubSub.subscribeConfirmed("user:wiring")
                            .flatMapMany(messages -> pubSub.publish("user:wiring", bytes("ping"))
                                    .thenMany(messages.take(1))))
                    .assertNext(message -> assertThat(message.payload()).isEqualTo(bytes("ping")))
                    .expectComplete()
                    .verify(TIMEOUT);
        });
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
