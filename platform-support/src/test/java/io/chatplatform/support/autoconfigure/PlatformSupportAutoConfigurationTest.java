package io.chatplatform.support.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.support.jwt.JwksTokenVerifier;
import io.chatplatform.support.jwt.JwtProperties;
import io.chatplatform.support.kafka.ConsumerSpec;
import io.chatplatform.support.kafka.InboundRecord;
import io.chatplatform.support.kafka.KafkaProperties;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.kafka.KafkaSubscriber;
import io.chatplatform.support.kafka.KafkaTopics;
import io.chatplatform.support.kafka.OutboundRecord;
import io.chatplatform.support.kafka.RecordPosition;
import io.chatplatform.support.kafka.internal.ReactorKafkaAdapter;
import io.chatplatform.support.problem.ProblemExceptionHandler;
import io.chatplatform.support.ratelimit.RedisRateLimiter;
import io.chatplatform.support.redis.RedisPubSub;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class PlatformSupportAutoConfigurationTest {

    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    ProblemDetailsAutoConfiguration.class,
                    KafkaSupportAutoConfiguration.class,
                    RedisPubSubAutoConfiguration.class,
                    RedisRateLimiterAutoConfiguration.class,
                    JwtVerifierAutoConfiguration.class,
                    WebFluxAutoConfiguration.class,
                    HttpHandlerAutoConfiguration.class,
                    JacksonAutoConfiguration.class,
                    CodecsAutoConfiguration.class,
                    ValidationAutoConfiguration.class));

    @Test
    void registersProblemHandlerAndKafkaBeansWithLaptopDefaults() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(ProblemExceptionHandler.class);
            assertThat(context).hasSingleBean(KafkaPublisher.class);
            assertThat(context).hasSingleBean(KafkaSubscriber.class);
            assertThat(context).hasSingleBean(KafkaTopics.class);
            assertThat(context).doesNotHaveBean(JwksTokenVerifier.class);
            assertThat(context).doesNotHaveBean(RedisPubSub.class);
            assertThat(context).doesNotHaveBean(RedisRateLimiter.class);
            KafkaProperties kafka = context.getBean(KafkaProperties.class);
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:9092");
            assertThat(kafka.deliveryTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(kafka.handlerRetries()).isEqualTo(3);
        });
    }

    @Test
    void bindsKafkaPropertiesFromEnvironmentStyleNames() {
        runner.withPropertyValues("chat.kafka.bootstrap-servers=broker:19092", "chat.kafka.handler-retries=5",
                        "chat.kafka.producer.compression.type=zstd")
                .run(context -> {
                    KafkaProperties kafka = context.getBean(KafkaProperties.class);
                    assertThat(kafka.bootstrapServers()).isEqualTo("broker:19092");
                    assertThat(kafka.handlerRetries()).isEqualTo(5);
                    assertThat(kafka.producer()).containsEntry("compression.type", "zstd");
                });
    }

    @Test
    void rejectsInconsistentKafkaTimeouts() {
        runner.withPropertyValues("chat.kafka.delivery-timeout=1s", "chat.kafka.request-timeout=10s")
                .run(context -> assertThat(context).hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("delivery-timeout must be at least request-timeout + linger"));
    }

    @Test
    void onlyOneProblemHandlerEvenWithBootProblemDetailsEnabled() {
        runner.withPropertyValues("spring.webflux.problemdetails.enabled=true")
                .run(context -> {
                    assertThat(context).hasSingleBean(ResponseEntityExceptionHandler.class);
                    assertThat(context).hasSingleBean(ProblemExceptionHandler.class);
                });
    }

    @Test
    void unknownRouteIsProblemJsonInABootContext() {
        runner.run(context -> WebTestClient.bindToApplicationContext(context)
                .build()
                .get()
                .uri("/api/nothing-here")
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.instance").isEqualTo("/api/nothing-here"));
    }

    @Test
    void jwtVerifierOnlyWhenJwksUriIsSet() {
        runner.withPropertyValues("chat.jwt.jwks-uri=http://127.0.0.1:9/.well-known/jwks.json",
                        "chat.jwt.issuer=https://auth.chat.test")
                .run(context -> {
                    assertThat(context).hasSingleBean(JwksTokenVerifier.class);
                    JwtProperties jwt = context.getBean(JwtProperties.class);
                    assertThat(jwt.issuer()).isEqualTo("https://auth.chat.test");
                    assertThat(jwt.clockSkew()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(jwt.jwksRefreshMinInterval()).isEqualTo(Duration.ofSeconds(30));
                });
    }

    @Test
    void redisPubSubAndRateLimiterWhenBootConfiguresRedis() {
        runner.withConfiguration(AutoConfigurations.of(
                        DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(RedisPubSub.class);
                    assertThat(context).hasSingleBean(RedisRateLimiter.class);
                });
    }

    @Test
    void kafkaAdapterBacksOffForAnApplicationPublisher() {
        runner.withBean(KafkaPublisher.class, NoopPublisher::new)
                .run(context -> {
                    assertThat(context).doesNotHaveBean(ReactorKafkaAdapter.class);
                    assertThat(context).hasSingleBean(KafkaPublisher.class);
                });
    }

    @Test
    void contextShutdownEndsRunningConsumeStreams() {
        // No broker at this address: the consumer keeps trying to connect until the context closes.
        runner.withPropertyValues("chat.kafka.bootstrap-servers=127.0.0.1:9", "chat.kafka.close-timeout=1s")
                .run(context -> {
                    KafkaSubscriber subscriber = context.getBean(KafkaSubscriber.class);
                    Function<InboundRecord, Mono<Void>> handler = record -> Mono.empty();
                    StepVerifier.create(subscriber.consume(ConsumerSpec.of("shutdown-test", "t"), handler))
                            .expectSubscription()
                            .then(context::close)
                            .expectComplete()
                            .verify(Duration.ofSeconds(20));
                });
    }

    static final class NoopPublisher implements KafkaPublisher {
        @Override
        public Mono<RecordPosition> send(OutboundRecord record) {
            return Mono.empty();
        }

        @Override
        public Flux<RecordPosition> sendAll(Publisher<OutboundRecord> records) {
            return Flux.empty();
        }
    }
}
