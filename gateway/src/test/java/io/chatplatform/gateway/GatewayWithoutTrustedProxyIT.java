package io.chatplatform.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.chatplatform.infra.junit.WithEmbeddedInfra;
import io.chatplatform.support.ratelimit.RedisRateLimiter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway with its default {@code chat.gateway.trust-forwarded-for=false}: clients reach it directly, so what
 * they write into {@code X-Forwarded-*} decides nothing. Every request here comes from 127.0.0.1.
 */
@WithEmbeddedInfra
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.config.name=" + GatewayApplication.CONFIG_NAME,
                "chat.gateway.rate-limit.requests=" + GatewayWithoutTrustedProxyIT.LIMIT})
class GatewayWithoutTrustedProxyIT {

    static final int LIMIT = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String LOOPBACK = "127.0.0.1";
    private static final StubBackends BACKENDS = StubBackends.start();

    @LocalServerPort
    int port;

    @Autowired
    ReactiveStringRedisTemplate redis;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        BACKENDS.register(registry);
    }

    @AfterAll
    static void stopBackends() {
        BACKENDS.close();
    }

    /** Each test starts with a fresh window for 127.0.0.1, the address all of them share. */
    @BeforeEach
    void resetLoopbackCounter() {
        redis.delete(RedisRateLimiter.key("gateway-ip", LOOPBACK)).block(TIMEOUT);
    }

    @Test
    void aClientCannotChooseTheAddressItIsLimitedAs() {
        for (int request = 0; request < LIMIT; request++) {
            client().get().uri("/api/rooms")
                    .header("X-Forwarded-For", "203.0.113." + request)
                    .exchange()
                    .expectStatus().isOk();
        }

        client().get().uri("/api/rooms")
                .header("X-Forwarded-For", "203.0.113.200")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().exists("Retry-After");
    }

    @Test
    void servicesGetTheConnectionsAddressNotTheOneTheClientClaims() {
        client().get().uri("/api/conversations/c-untrusted")
                .header("X-Forwarded-For", "203.0.113.7")
                .exchange()
                .expectStatus().isOk();

        assertThat(BACKENDS.get("chat-service").received())
                .filteredOn(request -> request.uri().equals("/api/conversations/c-untrusted"))
                .singleElement()
                .satisfies(request -> assertThat(request.forwardedFor()).isEqualTo(LOOPBACK));
    }

    @Test
    void aClaimedTlsConnectionGetsNoHsts() {
        client().get().uri("/api/rooms")
                .header("X-Forwarded-Proto", "https")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist("Strict-Transport-Security")
                .expectHeader().exists("Content-Security-Policy");
    }

    private WebTestClient client() {
        return WebTestClient.bindToServer()
                .baseUrl("http://" + LOOPBACK + ":" + port)
                .responseTimeout(TIMEOUT)
                .build();
    }
}
