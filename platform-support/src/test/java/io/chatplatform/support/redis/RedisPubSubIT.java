package io.chatplatform.support.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatplatform.infra.Infrastructure;
import io.chatplatform.infra.junit.EmbeddedInfraExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.blockhound.BlockHound;
import reactor.core.Disposable;
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
    void aSubscriberLeavingAChannelLeavesItForTheOthers() {
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        Disposable leaving = pubSub.subscribe("room:1").subscribe(message -> first.add(text(message)));
        Disposable staying = pubSub.subscribe("room:1", "room:2").subscribe(message -> second.add(text(message)));
        try {
            // subscribe() does not confirm the subscription: publish until both have seen one.
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
                pubSub.publish("room:1", "probe".getBytes(StandardCharsets.UTF_8)).block(TIMEOUT);
                return !first.isEmpty() && !second.isEmpty();
            });
            leaving.dispose();
            // Each channel is one Redis subscription shared by its subscribers: still subscribed after one left.
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
                pubSub.publish("room:1", "after".getBytes(StandardCharsets.UTF_8)).block(TIMEOUT);
                return second.contains("after");
            });
            assertThat(first).doesNotContain("after");
            pubSub.publish("room:3", "elsewhere".getBytes(StandardCharsets.UTF_8)).block(TIMEOUT);
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
                pubSub.publish("room:2", "second room".getBytes(StandardCharsets.UTF_8)).block(TIMEOUT);
                return second.contains("second room");
            });
            assertThat(second).doesNotContain("elsewhere");
        } finally {
            leaving.dispose();
            staying.dispose();
        }
    }

    private static String text(RedisMessage message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void publishWithoutSubscribersReachesNobody() {
        StepVerifier.create(pubSub.publish("user:nobody", new byte[] {1}))
                .expectNext(0L)
                .expectComplete()
                .verify(TIMEOUT);
    }
}
