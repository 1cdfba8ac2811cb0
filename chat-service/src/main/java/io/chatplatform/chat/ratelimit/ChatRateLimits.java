package io.chatplatform.chat.ratelimit;

import io.chatplatform.support.ratelimit.RateLimitDecision;
import io.chatplatform.support.ratelimit.RateLimitedException;
import io.chatplatform.support.ratelimit.RedisRateLimiter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * chat-service's limits. Each check completes empty when allowed and errors with a
 * {@link RateLimitedException} ({@code 429}, {@code Retry-After}) when refused. While Redis is unreachable every
 * check passes (the limiter fails open: a Redis outage must not stop the chat).
 */
@Component
public class ChatRateLimits {

    /** Bucket of message sends, keyed {@code {userId}:{conversationId}}. */
    public static final String SEND = "send";

    private final RedisRateLimiter limiter;
    private final RateLimitProperties properties;

    ChatRateLimits(RedisRateLimiter limiter, RateLimitProperties properties) {
        this.limiter = limiter;
        this.properties = properties;
    }

    /**
     * Counts one message from {@code userId} to {@code conversationId}: at most
     * {@code chat.chat-service.rate-limit.send.limit} per {@code send.window} (30 per 10 s by default). Per
     * conversation, so a flood in one room does not silence the sender everywhere else.
     */
    public Mono<Void> checkSend(String userId, String conversationId) {
        if (!properties.enabled()) {
            return Mono.empty();
        }
        RateLimitProperties.Window send = properties.send();
        return limiter.acquire(SEND, userId + ":" + conversationId, send.limit(), send.window())
                .flatMap(ChatRateLimits::refuseSend);
    }

    /** Takes back the count of a send that turned out to repeat one already stored: a retry costs nothing. */
    public Mono<Void> uncountSend(String userId, String conversationId) {
        if (!properties.enabled()) {
            return Mono.empty();
        }
        return limiter.giveBack(SEND, userId + ":" + conversationId);
    }

    private static Mono<Void> refuseSend(RateLimitDecision decision) {
        return decision.allowed()
                ? Mono.empty()
                : Mono.error(new RateLimitedException(decision.retryAfter(),
                        "Too many messages in this conversation."));
    }
}
