package io.chatplatform.support.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.support.problem.ProblemExceptionHandler;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

class RateLimitedExceptionTest {

    private WebTestClient client;

    @BeforeEach
    void bind() {
        client = WebTestClient.bindToController(new LimitedController())
                .controllerAdvice(new ProblemExceptionHandler())
                .build();
    }

    @Test
    void refusalIs429ProblemWithRetryAfterRoundedUp() {
        client.get()
                .uri("/limited?millis=2500")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("Retry-After", "3")
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://chat.example/problems/rate-limited")
                .jsonPath("$.title").isEqualTo("Too many requests")
                .jsonPath("$.status").isEqualTo(429)
                .jsonPath("$.detail").isEqualTo("Too many attempts. Try again in 3 seconds.")
                .jsonPath("$.retryAfterSeconds").isEqualTo(3)
                .jsonPath("$.instance").isEqualTo("/limited");
    }

    @Test
    void reasonStartsTheDetail() {
        RateLimitedException refusal = new RateLimitedException(Duration.ofSeconds(10),
                "Too many messages in this conversation.");

        assertThat(refusal.getBody().getDetail())
                .isEqualTo("Too many messages in this conversation. Try again in 10 seconds.");
        assertThat(refusal.retryAfterSeconds()).isEqualTo(10);
    }

    @Test
    void retryAfterIsAtLeastOneSecond() {
        assertThat(new RateLimitedException(Duration.ZERO).retryAfterSeconds()).isEqualTo(1);
        assertThat(new RateLimitedException(Duration.ofMillis(1)).retryAfterSeconds()).isEqualTo(1);
        assertThat(new RateLimitedException(Duration.ofMillis(-500)).retryAfterSeconds()).isEqualTo(1);
        assertThat(new RateLimitedException(Duration.ofMillis(1001)).getHeaders().getFirst("Retry-After"))
                .isEqualTo("2");
    }

    @RestController
    static class LimitedController {

        @GetMapping("/limited")
        Mono<String> limited(@RequestParam long millis) {
            return Mono.error(new RateLimitedException(Duration.ofMillis(millis)));
        }
    }
}
