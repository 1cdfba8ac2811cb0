package io.chatplatform.gateway.edge;

import io.chatplatform.support.ratelimit.RateLimitDecision;
import io.chatplatform.support.ratelimit.RateLimitedException;
import io.chatplatform.support.ratelimit.RedisRateLimiter;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Counts every request under {@code /api} and every {@code /ws} upgrade against the client's IP
 * ({@link ForwardedHeaders#clientIp}) in a fixed window in Redis, and answers the requests over the limit itself:
 * {@code 429}, {@code Retry-After}, the platform's rate-limited problem. They never reach a service.
 *
 * <p>Spring Cloud Gateway's own {@code RequestRateLimiter} filter is not used: it answers 429 without a body (no
 * RFC 9457 problem, no {@code Retry-After}) and only on matched routes, while unknown {@code /api} paths should count
 * too. The web client's static files are not counted: a page load must not use up the API budget.
 *
 * <p><b>Fail-open:</b> while Redis is unreachable the limiter allows every request (and logs); an edge limit guards
 * against abuse and must not take the whole platform down with Redis.
 */
final class IpRateLimitFilter implements WebFilter, Ordered {

    /** The Redis bucket: counters are {@code ratelimit:gateway-ip:{ip}}. */
    static final String BUCKET = "gateway-ip";

    static final int ORDER = RequestSizeLimitFilter.ORDER + 100;

    private final RedisRateLimiter limiter;
    private final EdgeProperties.RateLimit settings;
    private final ForwardedHeaders forwarded;
    private final ProblemWriter problems;

    IpRateLimitFilter(RedisRateLimiter limiter, EdgeProperties.RateLimit settings, ForwardedHeaders forwarded,
            ProblemWriter problems) {
        this.limiter = limiter;
        this.settings = settings;
        this.forwarded = forwarded;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!settings.enabled() || !isLimited(exchange.getRequest().getPath().value())) {
            return chain.filter(exchange);
        }
        String clientIp = forwarded.clientIp(exchange.getRequest());
        return limiter.acquire(BUCKET, clientIp, settings.requests(), settings.window())
                .flatMap(decision -> decision.allowed()
                        ? chain.filter(exchange)
                        : refuse(exchange, decision));
    }

    static boolean isLimited(String path) {
        return path.equals("/ws") || path.equals("/api") || path.startsWith("/api/");
    }

    private Mono<Void> refuse(ServerWebExchange exchange, RateLimitDecision decision) {
        return problems.write(exchange,
                new RateLimitedException(decision.retryAfter(), "Too many requests from your address."));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
