package io.chatplatform.support.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.infra.Infrastructure;
import io.chatplatform.infra.junit.EmbeddedInfraExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

@ExtendWith(EmbeddedInfraExtension.class)
class RedisPubSubIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private LettuceConnectionFactory connectionFactory;
    private RedisPubSub pubSub;

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    @BeforeEach
    void connect(Infrastructure infrastructure) {
        connectionFactory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(infrastructure.redisHost(), infrastructure.redisPort()));
        connectionFactory.afterPropertiesSet();
        connectionFactory.start();
        pubSub = new RedisPubSub(connectionFactory);
    }

    @AfterEach
    void disconnect() {
        pubSub.close();
        connectionFactory.destroy();
    }

    @Test
    void binaryPayloadRoundTrip() {
        // Protobuf bytes are not UTF-8: make sure nothing on the way decodes them as text.
        byte[] envelope = {0x0a, 0x00, (byte) 0xff, (byte) 0xfe, 0x10, (byte) 0x80};

        StepVerifier.create(pubSub.subscribeConfirmed("user:42")
                        .flatMapMany(messages -> pubSub.publish("user:42", envelope)
                                .doOnNext(receivers -> assertThat(receivers).isEqualTo(1))
                                .thenMany(messages.take(1))))
                .assertNext(message -> {
                    assertThat(message.channel()).isEqualTo("user:42");
                    assertThat(message.payload()).containsExactly(envelope);
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void subscriberOnlySeesItsChannels() {
        byte[] forOther = "for 7".getBytes(StandardCharsets.UTF_8);
        byte[] forMe = "for 42".getBytes(StandardCharsets.UTF_8);

        StepVerifier.create(pubSub.subscribeConfirmed("user:42")
                        .flatMapMany(messages -> pubSub.publish("user:7", forOther)
                                .then(pubSub.publish("user:42", forMe))
                                .thenMany(messages.take(1))))
                .assertNext(message -> assertThat(message.payload()).containsExactly(forMe))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void patternSubscriptionReportsTheConcreteChannel() {
        byte[] payload = "presence".getBytes(StandardCharsets.UTF_8);
        Flux<RedisMessage> messages = pubSub.subscribePattern("user:*")
                .take(1)
                .cache();
        messages.subscribe();

        // subscribePattern does not confirm the subscription: publish until somebody receives it.
        StepVerifier.create(pubSub.publish("user:9", payload)
                        .filter(receivers -> receivers > 0)
                        .repeatWhenEmpty(100, attempts -> attempts.delayElements(Duration.ofMillis(20)))
                        .thenMany(messages))
                .assertNext(message -> {
                    assertThat(message.channel()).isEqualTo("user:9");
                    assertThat(message.payload()).containsExactly(payload);
                })
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void publishWithoutSubscribersReachesNobody() {
        StepVerifier.create(pubSub.publish("user:nobody", new byte[] {1}))
                .expectNext(0L)
                .expectComplete()
                .verify(TIMEOUT);
    }
}
