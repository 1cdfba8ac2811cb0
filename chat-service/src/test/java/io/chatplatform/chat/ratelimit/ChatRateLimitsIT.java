package io.chatplatform.chat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.ChatServiceITSupport;
import io.chatplatform.support.ratelimit.RateLimitedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import reactor.test.StepVerifier;

/** The send limit with its defaults (30 per 10 s) against the embedded Redis. */
class ChatRateLimitsIT extends ChatServiceITSupport {

    @Autowired
    private ChatRateLimits limits;

    @Autowired
    private RateLimitProperties properties;

    @Autowired
    private ReactiveStringRedisTemplate redis;

    @Test
    void the31stMessageInTenSecondsIsRefusedWithRetryAfter() {
        String sender = newUser();
        String conversation = "room-" + newUser();
        assertThat(properties.send().limit()).isEqualTo(30);
        assertThat(properties.send().window()).isEqualTo(Duration.ofSeconds(10));

        for (int i = 0; i < 30; i++) {
            StepVerifier.create(limits.checkSend(sender, conversation))
                    .expectComplete()
                    .verify(TIMEOUT);
        }

        StepVerifier.create(limits.checkSend(sender, conversation))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(RateLimitedException.class);
                    RateLimitedException refusal = (RateLimitedException) error;
                    assertThat(refusal.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
                    assertThat(refusal.getBody().getType()).hasToString(RateLimitedException.TYPE_URI);
                    assertThat(refusal.retryAfterSeconds()).isBetween(1L, 10L);
                    assertThat(refusal.getHeaders().getFirst("Retry-After"))
                            .isEqualTo(Long.toString(refusal.retryAfterSeconds()));
                    assertThat(refusal.getBody().getDetail()).isEqualTo("Too many messages in this conversation. "
                            + "Try again in " + refusal.retryAfterSeconds() + " seconds.");
                })
                .verify(TIMEOUT);

        String counter = "ratelimit:send:" + sender + ":" + conversation;
        assertThat(redis.opsForValue().get(counter).block(TIMEOUT)).isEqualTo("31");
        assertThat(redis.getExpire(counter).block(TIMEOUT)).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theLimitIsPerSenderAndConversation() {
        String sender = newUser();
        String other = newUser();
        String conversation = "room-" + newUser();
        for (int i = 0; i < 30; i++) {
            limits.checkSend(sender, conversation).block(TIMEOUT);
        }

        StepVerifier.create(limits.checkSend(sender, conversation))
                .expectError(RateLimitedException.class)
                .verify(TIMEOUT);
        StepVerifier.create(limits.checkSend(sender, "room-" + newUser()))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(limits.checkSend(other, conversation))
                .expectComplete()
                .verify(TIMEOUT);
    }
}
