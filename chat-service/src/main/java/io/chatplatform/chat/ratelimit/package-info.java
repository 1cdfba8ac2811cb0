/**
 * chat-service's rate limits, counted in Redis by platform-support's
 * {@link io.chatplatform.support.ratelimit.RedisRateLimiter} so that every instance shares them: start at
 * {@link io.chatplatform.chat.ratelimit.ChatRateLimits}. Settings are
 * {@link io.chatplatform.chat.ratelimit.RateLimitProperties} ({@code chat.chat-service.rate-limit.*}).
 */
package io.chatplatform.chat.ratelimit;
