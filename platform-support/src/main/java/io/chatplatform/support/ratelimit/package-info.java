/**
 * Fixed-window rate limits in Redis, shared by every instance of a service: start at
 * {@link io.chatplatform.support.ratelimit.RedisRateLimiter}.
 *
 * <p>A refusal is a {@link io.chatplatform.support.ratelimit.RateLimitedException}, which the platform's problem
 * handling renders as {@code 429 Too Many Requests} with a {@code Retry-After} header. The limiter fails open: while
 * Redis is unreachable every request is allowed.
 */
package io.chatplatform.support.ratelimit;
