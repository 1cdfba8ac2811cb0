/**
 * Per-IP and per-account limits on login, registration and password reset: start at
 * {@link io.chatplatform.auth.ratelimit.AuthRateLimits}. The counting itself (Redis fixed windows, fail-open) is
 * platform-support's {@link io.chatplatform.support.ratelimit.RedisRateLimiter}.
 */
package io.chatplatform.auth.ratelimit;
